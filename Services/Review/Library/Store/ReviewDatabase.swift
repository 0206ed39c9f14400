import Foundation
import GRDB
import Messaging
import ServiceKit

/// The review service's database, in the shape of GRDB's `AppDatabase`: the writer the kit opened (WAL, the
/// kit's pragmas) and migrated with `ReviewDatabase.migrations`, the group commit every writer of that file
/// shares, and the outbox whose events commit with the change. Its methods (in `ReviewDatabase+*.swift` beside
/// each area) are the service's transactions, each keeping the rules it names; the controllers only decode,
/// call and encode.
struct ReviewDatabase: Sendable {
    let writer: any DatabaseWriter
    let outbox: Outbox
    private let committer: GroupCommit

    init(writer: any DatabaseWriter, outbox: Outbox) {
        self.writer = writer
        self.outbox = outbox
        committer = GroupCommit.shared(for: writer)
    }

    init(_ environment: ServiceEnvironment) {
        self.init(writer: environment.database, outbox: environment.outbox)
    }

    /// The review tables, after the kit's and the messaging backbone's (`ServiceDatabase.migrator`).
    static func migrations(_ migrator: inout DatabaseMigrator) {
        ReviewSchema.register(in: &migrator)
        ReviewSchema.migratePanelAccess(&migrator)
        StudioReplica.migrate(&migrator)
    }

    /// One transaction, batched with concurrent ones into one commit (`GroupCommit`); it has committed when this returns.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await committer.write(body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(body)
    }
}
