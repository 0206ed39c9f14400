import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Recording and reading a studio's spending (Art 15), and its receipts.
struct ExpensesController {
    let environment: ServiceEnvironment
    let database: FundingDatabase

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("studios/:studioId/expenses", use: list)
            .post("studios/:studioId/expenses", use: create)
            .get("expenses/:id/receipts/:receiptId", use: receipt)
            .post("expenses/:id/approval", use: decide)
            .get("expense-rules/unrelated", use: unrelated)
            .put("expense-rules/unrelated", use: replaceUnrelated)
    }

    /// Art 15's 主要包括: the department approves or rejects an other cost.
    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Expenses.View {
        let actor = Agent(try context.require(.department))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(Expenses.Decision.self, context: context)
        return try await database.decideExpense(id, input, by: actor, at: environment.moment())
    }

    struct UnrelatedInput: Decodable { var keywords: [String] }

    @Sendable func unrelated(_ request: Request, context: AppRequestContext) async throws -> Expenses.UnrelatedKinds {
        try context.require(.department, .finance, .auditOffice)
        return try await database.unrelatedKinds()
    }

    @Sendable func replaceUnrelated(_ request: Request, context: AppRequestContext) async throws -> Expenses.UnrelatedKinds {
        let actor = Agent(try context.require(.department))
        let input = try await request.decodeJSON(UnrelatedInput.self, context: context)
        return try await database.replaceUnrelatedKinds(input.keywords, by: actor, at: environment.moment())
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<Expenses.View> {
        try context.require(.department, .finance, .auditOffice)
        let studio = try context.studioID()
        let filter = Expenses.Filter(year: try QueryValues.year(request),
                                     category: try QueryValues.oneOf(request, "category", ExpenseCategory.allCases.map(\.rawValue)),
                                     purpose: try QueryValues.oneOf(request, "purpose", ExpensePurpose.allCases.map(\.rawValue)),
                                     approval: try QueryValues.oneOf(request, "approval", ["notNeeded", "pending", "approved", "rejected"]))
        return Listing(try await database.expenses(studio: studio, filter, page: try PageRequest.parse(request, keyParts: 3)))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Expenses.View> {
        let actor = Agent(try context.require(.department, .finance))
        let studio = try context.studioID()
        let input = try await request.decodeJSON(Expenses.Input.self, context: context)
        let view = try await database.recordExpense(studio: studio, input, by: actor, at: environment.moment())
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.department, .finance, .auditOffice)
        let expense = try context.parameters.require("id")
        let id = try context.parameters.require("receiptId")
        guard let found = try await database.receipt(id, of: expense) else {
            throw Problem.notFound("receipt", zh: "票据", id: id)
        }
        // The type is the content's, checked again here: a receipt stored before types were checked is served safely too
        return FileContent.download(found.content, mediaType: FileContent.checkedType(of: found.content), fileName: found.fileName)
    }
}
