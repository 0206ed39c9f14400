import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// A studio's ledger (经费台账) with the balances derived from it, and the payee account its grants are paid to.
extension FundingDatabase {
    func ledger(studio: StudioID) async throws -> (balances: Balances, entries: [LedgerEntry]) {
        try await read { db in (try Ledger.balances(studioID: studio, in: db), try Ledger.entries(studioID: studio, in: db)) }
    }

    func payeeAccount(studio: StudioID) async throws -> PayeeAccount? {
        try await read { db in try PayeeAccount.find(studio, in: db) }
    }

    /// Records (or replaces) the account of a studio funding knows.
    func setPayeeAccount(_ account: PayeeAccount, by actor: Agent, at moment: Moment) async throws -> PayeeAccount {
        try await write { db in
            try Self.requireStudio(account.studioId, in: db)
            try account.save(by: actor, at: moment.millis, in: db)
            return try PayeeAccount.find(account.studioId, in: db)!
        }
    }

    /// A 404 unless the studio is in funding's register (from `studio.registered` or `studio.named`).
    static func requireStudio(_ id: StudioID, in db: Database) throws {
        guard try StudioReplica.find(id.rawValue, in: db) != nil else { throw Problem.notFound("studio", zh: "工作室", id: id.rawValue) }
    }
}
