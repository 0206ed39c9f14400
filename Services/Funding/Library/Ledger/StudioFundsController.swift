import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// A studio's ledger with the balances derived from it, and its payee account (the bank details of its unit,
/// which no event carries: the department records them).
struct StudioFundsController {
    let context: FundingContext

    func add(to router: Router<AppRequestContext>) {
        router.get("studios/:studioId/ledger", use: ledger)
        router.get("studios/:studioId/payee-account", use: showAccount)
        router.put("studios/:studioId/payee-account", use: setAccount)
    }

    struct EntryView: Codable, Sendable {
        var id: Int64
        var grantId: String
        var kind: LedgerEntryKind
        var amount: Money
        var amountYuan: String
        var occurredOn: String
        var reference: String?
        var note: String?
        var recordedBy: String
        var recordedAt: Date
    }

    struct LedgerView: ResponseEncodable, Sendable {
        var studioId: String
        var balances: Balances
        var outstanding: Money
        var available: Money
        var entries: [EntryView]
    }

    @Sendable func ledger(_ request: Request, context ctx: AppRequestContext) async throws -> LedgerView {
        try ctx.require(.department, .finance, .auditOffice)
        let studio = try ctx.parameters.require("studioId")
        return try await context.database.read { db in
            let balances = try Ledger.balances(studioID: studio, in: db)
            let entries = try Ledger.entries(studioID: studio, in: db).map {
                EntryView(id: $0.id, grantId: $0.grantId, kind: $0.kind, amount: Money(fen: $0.amountFen), amountYuan: Money(fen: $0.amountFen).yuanString,
                          occurredOn: $0.occurredOn, reference: $0.reference, note: $0.note, recordedBy: $0.recordedBy,
                          recordedAt: Millis.date($0.recordedAt))
            }
            return LedgerView(studioId: studio, balances: balances, outstanding: balances.outstanding, available: balances.available, entries: entries)
        }
    }

    struct AccountInput: Decodable {
        var bankName: String
        var accountNumber: String
    }

    @Sendable func showAccount(_ request: Request, context ctx: AppRequestContext) async throws -> PayeeAccount {
        try ctx.require(.department, .finance)
        let studio = try ctx.parameters.require("studioId")
        guard let account = try await context.database.read({ db in try PayeeAccount.find(studio, in: db) }) else {
            throw Problem.notFound("payee account", zh: "收款账户", id: studio)
        }
        return account
    }

    @Sendable func setAccount(_ request: Request, context ctx: AppRequestContext) async throws -> PayeeAccount {
        let actor = Agent(try ctx.require(.department))
        let studio = try ctx.parameters.require("studioId")
        let input = try await request.decodeJSON(AccountInput.self, context: ctx)
        let account = try PayeeAccount.validated(studioID: studio, bankName: input.bankName, accountNumber: input.accountNumber)
        let moment = context.moment
        return try await context.database.write { db in
            guard try StudioReplica.find(studio, in: db) != nil else { throw Problem.notFound("studio", zh: "工作室", id: studio) }
            try account.save(by: actor, at: moment.millis, in: db)
            return try PayeeAccount.find(studio, in: db)!
        }
    }
}
