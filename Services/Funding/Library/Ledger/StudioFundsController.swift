import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// A studio's ledger with the balances derived from it, and its payee account (the bank details of its unit,
/// which no event carries: the department records them).
struct StudioFundsController {
    let environment: ServiceEnvironment
    let database: FundingDatabase

    /// Mounted at `studios`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(":studioId/ledger", use: ledger)
            .get(":studioId/payee-account", use: showAccount)
            .put(":studioId/payee-account", use: setAccount)
    }

    struct EntryView: Codable, Sendable {
        var id: Int64
        var grantId: GrantID
        var kind: LedgerEntryKind
        var amount: Money
        var amountYuan: String
        var occurredOn: String
        var reference: String?
        var note: String?
        var recordedBy: String
        var recordedAt: Date

        init(_ entry: LedgerEntry) {
            id = entry.id
            grantId = entry.grantId
            kind = entry.kind
            amount = Money(fen: entry.amountFen)
            amountYuan = amount.yuanString
            occurredOn = entry.occurredOn
            reference = entry.reference
            note = entry.note
            recordedBy = entry.recordedBy
            recordedAt = Millis.date(entry.recordedAt)
        }
    }

    struct LedgerView: ResponseEncodable, Sendable {
        var studioId: StudioID
        var balances: Balances
        var outstanding: Money
        var available: Money
        var entries: [EntryView]
    }

    @Sendable func ledger(_ request: Request, context: AppRequestContext) async throws -> LedgerView {
        try context.require(.department, .finance, .auditOffice)
        let studio = try context.studioID()
        let (balances, entries) = try await database.ledger(studio: studio)
        return LedgerView(studioId: studio, balances: balances, outstanding: balances.outstanding, available: balances.available,
                          entries: entries.map(EntryView.init))
    }

    struct AccountInput: Decodable {
        var bankName: String
        var accountNumber: String
    }

    @Sendable func showAccount(_ request: Request, context: AppRequestContext) async throws -> PayeeAccount {
        try context.require(.department, .finance)
        let studio = try context.studioID()
        guard let account = try await database.payeeAccount(studio: studio) else {
            throw Problem.notFound("payee account", zh: "收款账户", id: studio.rawValue)
        }
        return account
    }

    @Sendable func setAccount(_ request: Request, context: AppRequestContext) async throws -> PayeeAccount {
        let actor = Agent(try context.require(.department))
        let studio = try context.studioID()
        let input = try await request.decodeJSON(AccountInput.self, context: context)
        let account = try PayeeAccount.validated(studioID: studio, bankName: input.bankName, accountNumber: input.accountNumber)
        return try await database.setPayeeAccount(account, by: actor, at: environment.moment())
    }
}
