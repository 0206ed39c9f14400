import Foundation
import GRDB
import Messaging
import ServiceKit

/// The assessment service's database, in the shape of GRDB's `AppDatabase`: the kit's `ServiceStorage` (the writer it
/// opened with its pragmas, migrated with `AssessmentDatabase.migrations`, the group commit every writer of that file
/// shares, the outbox whose events commit with the change), and the settings its rules read (the assessment window,
/// the grace period, the screening bodies). Its methods, in `AssessmentDatabase+<Area>.swift` beside each area,
/// are the service's transactions (naming, assessment, change, revocation, notices…), each keeping the rules it
/// names; the controllers only decode, call and encode. The `static … in db:` steps are the same rules inside a
/// transaction someone else holds (the inbox's, for an event).
struct AssessmentDatabase: ServiceStore {
    let storage: ServiceStorage
    let settings: AssessmentSettings

    /// The register's tables, after the kit's and the messaging backbone's (`ServiceDatabase.migrator`).
    static func migrations(_ migrator: inout DatabaseMigrator) {
        AssessmentSchema.register(in: &migrator)
    }
}
