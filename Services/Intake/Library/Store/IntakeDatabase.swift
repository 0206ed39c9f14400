import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain
import Synchronization

/// The intake service's database, in the shape of GRDB's `AppDatabase`, over the kit's `ServiceStorage` as review's,
/// funding's and assessment's are: the writer the kit opened (WAL, the kit's pragmas) and migrated with
/// `IntakeDatabase.migrations`, the group commit every writer of that file shares, and the outbox whose events commit
/// with the change; and the reference data its rules read (the screening bodies, Art 10). Its methods, in
/// `IntakeDatabase+<Area>.swift` beside each area, are the service's transactions (申报 create, amend, submit,
/// withdraw; 批次 open and correct; attachments; the import), each keeping the rules it names; the controllers only
/// decode, call and encode. `ApplicationWorkflow` and the `*Store` enums are the record-level steps they call.
struct IntakeDatabase: ServiceStore {
    struct Settings: Sendable {
        /// The screening bodies (初审单位) a round's quotas may name.
        var referenceData: ReferenceData
    }

    let storage: ServiceStorage
    let settings: Settings
    /// The rounds as the last transactions read them, for the work a create does before it reaches the writer.
    let roundHints = RoundHints()

    /// The application lifecycle's steps, appending their events to this database's outbox.
    var workflow: ApplicationWorkflow { ApplicationWorkflow(outbox: outbox) }

    /// The intake tables, after the kit's and the messaging backbone's (`ServiceDatabase.migrator`).
    static func migrations(_ migrator: inout DatabaseMigrator) {
        IntakeSchema.register(in: &migrator)
        ExpertPanel.migrate(&migrator)
        StudioReplica.migrate(&migrator)
    }

    /// An idempotent create (`Idempotency-Key`): `create` runs once per caller and key, in one transaction with the
    /// response it stores (the key, the rows and the outbox events commit together), through the group commit, so
    /// submissions arriving together share one fsync and each answers only after its commit. A retry with the same
    /// key and body gets the stored response; the same key with another body is refused (422).
    func idempotent(_ request: IdempotentRequest, at now: Int64,
                    _ create: @escaping @Sendable (Database) throws -> StoredResponse) async throws -> StoredResponse {
        try await write { db in
            if let key = request.key,
               let previous = try IdempotencyStore.replay(caller: request.caller, key: key, requestHash: request.requestHash, in: db) {
                return previous
            }
            let response = try create(db)
            if let key = request.key {
                try IdempotencyStore.store(caller: request.caller, key: key, requestHash: request.requestHash, response: response, now: now, in: db)
            }
            return response
        }
    }
}

/// The rounds (批次) as the writer last read them, by id: a hint for what a request may compute before its
/// transaction, never a source of truth. The transaction reads its round again and uses what was computed only if it
/// was computed for that same round (`ApplicationWorkflow.PreparedCreate`). A few dozen rounds a year at most.
final class RoundHints: Sendable {
    private let rounds = Mutex<[RoundID: IntakeRound]>([:])

    func round(_ id: RoundID) -> IntakeRound? { rounds.withLock { $0[id] } }
    func remember(_ round: IntakeRound) { rounds.withLock { $0[round.id] = round } }
    func forget(_ id: RoundID) { _ = rounds.withLock { $0.removeValue(forKey: id) } }
}

