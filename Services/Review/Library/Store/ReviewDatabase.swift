import Foundation
import GRDB
import Messaging
import ServiceKit

/// The review service's database, in the shape of GRDB's `AppDatabase`, over the kit's `ServiceStorage` as
/// funding's and assessment's are: the writer the kit opened (WAL, the kit's pragmas) and migrated with
/// `ReviewDatabase.migrations`, the group commit every writer of that file shares, and the outbox whose events
/// commit with the change; `write` and `read` are `ServiceStore`'s. Its methods (in `ReviewDatabase+*.swift` beside
/// each area) are the service's transactions, each keeping the rules it names; the controllers only decode,
/// call and encode.
struct ReviewDatabase: ServiceStore {
    /// Review's rules read no settings of their own.
    struct Settings: Sendable {}

    let storage: ServiceStorage
    let settings: Settings

    init(storage: ServiceStorage, settings: Settings = Settings()) {
        self.storage = storage
        self.settings = settings
    }

    init(_ environment: ServiceEnvironment) {
        self.init(storage: ServiceStorage(environment))
    }

    /// The review tables, after the kit's and the messaging backbone's (`ServiceDatabase.migrator`).
    static func migrations(_ migrator: inout DatabaseMigrator) {
        ReviewSchema.register(in: &migrator)
        ReviewSchema.migratePanelAccess(&migrator)
        StudioReplica.migrate(&migrator)
    }
}
