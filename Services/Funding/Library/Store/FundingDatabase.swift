import Foundation
import GRDB
import Messaging
import ServiceKit

/// The funding service's database, in the shape of GRDB's `AppDatabase`: the kit's `ServiceStorage` (the writer it
/// opened with its pragmas, migrated with `FundingDatabase.migrations`, the group commit every writer of that file
/// shares, the outbox whose events commit with the change), and the settings its rules read (grant amounts, the
/// payment and due windows, the overspend policy). Its methods, in `FundingDatabase+<Area>.swift` beside each
/// area, are the service's transactions, each keeping the rules it names; the controllers only decode, call and
/// encode. The `static … in db:` steps are the same rules inside a transaction someone else holds (the inbox's,
/// for an event).
struct FundingDatabase: ServiceStore {
    let storage: ServiceStorage
    let settings: FundingSettings

    /// The funding tables, after the kit's and the messaging backbone's (`ServiceDatabase.migrator`).
    static func migrations(_ migrator: inout DatabaseMigrator) {
        FundingSchema.migrate(&migrator)
        StudioReplica.migrate(&migrator)
    }
}
