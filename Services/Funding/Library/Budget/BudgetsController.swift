import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The yearly budget: the department sets it, everyone who handles money reads it.
struct BudgetsController {
    let environment: ServiceEnvironment
    let database: FundingDatabase

    /// Mounted at `budgets`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .get(":year", use: show)
            .put(":year", use: set)
    }

    struct SetBudget: Decodable {
        /// Integer fen.
        var amount: Money
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<Budgets.Standing> {
        try context.require(.department, .finance, .auditOffice)
        return Listing(try await database.budgets(page: try PageRequest.parse(request, keyParts: 1)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Budgets.Standing {
        try context.require(.department, .finance, .auditOffice)
        return try await database.budget(year: try context.pathYear())
    }

    @Sendable func set(_ request: Request, context: AppRequestContext) async throws -> Budgets.Standing {
        let actor = Agent(try context.require(.department))
        let year = try context.pathYear()
        let input = try await request.decodeJSON(SetBudget.self, context: context)
        guard !input.amount.isNegative else {
            throw Problem.invalid("amount_negative", field: "amount", zh: "预算金额不能为负数", en: "the budget must not be negative")
        }
        guard input.amount <= largestInputAmount else { throw Problem.validation([amountTooLarge("amount")]) }
        return try await database.setBudget(year: year, amount: input.amount, by: actor, at: environment.moment())
    }
}
