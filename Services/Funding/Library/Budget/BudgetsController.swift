import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The yearly budget: the department sets it, everyone who handles money reads it.
struct BudgetsController {
    let context: FundingContext

    func add(to router: Router<AppRequestContext>) {
        router.get("budgets", use: list)
        router.get("budgets/:year", use: show)
        router.put("budgets/:year", use: set)
    }

    struct SetBudget: Decodable {
        /// Integer fen.
        var amount: Money
    }

    @Sendable func list(_ request: Request, context ctx: AppRequestContext) async throws -> Listing<Budgets.Standing> {
        try ctx.require(.department, .finance, .auditOffice)
        // A page of years at a time, oldest first (the cursor is the last year shown).
        let page = try PageRequest.parse(request, keyParts: 1)
        let after = try page.after.map { cursor -> Int in
            guard let year = Int(cursor[0]) else { throw QueryValues.invalidCursor }
            return year
        }
        let (items, next, total) = try await context.database.read { db in
            let years = try Budgets.years(in: db)
            let (shown, next) = page.page(Array(years.filter { after == nil || $0 > after! }.prefix(page.limit + 1))) { [String($0)] }
            return (try shown.map { try Budgets.standing(year: $0, in: db) }, next, years.count)
        }
        return Listing(items: items, nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context ctx: AppRequestContext) async throws -> Budgets.Standing {
        try ctx.require(.department, .finance, .auditOffice)
        let year = try ctx.pathYear()
        return try await context.database.read { db in try Budgets.standing(year: year, in: db) }
    }

    @Sendable func set(_ request: Request, context ctx: AppRequestContext) async throws -> Budgets.Standing {
        let actor = Agent(try ctx.require(.department))
        let year = try ctx.pathYear()
        let input = try await request.decodeJSON(SetBudget.self, context: ctx)
        guard !input.amount.isNegative else {
            throw Problem.invalid("amount_negative", field: "amount", zh: "预算金额不能为负数", en: "the budget must not be negative")
        }
        guard input.amount <= largestInputAmount else { throw Problem.validation([amountTooLarge("amount")]) }
        let moment = context.moment
        return try await context.database.write { db in
            try Budgets.set(year: year, amount: input.amount, by: actor, at: moment.millis, in: db)
            return try Budgets.standing(year: year, in: db)
        }
    }
}
