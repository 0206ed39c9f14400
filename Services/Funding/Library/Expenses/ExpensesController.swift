import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Recording and reading a studio's spending (Art 15), and its receipts.
struct ExpensesController {
    let context: FundingContext

    func add(to router: Router<AppRequestContext>) {
        router.get("studios/:studioId/expenses", use: list)
        router.post("studios/:studioId/expenses", use: create)
        router.get("expenses/:id/receipts/:receiptId", use: receipt)
        router.post("expenses/:id/approval", use: decide)
        router.get("expense-rules/unrelated", use: unrelated)
        router.put("expense-rules/unrelated", use: replaceUnrelated)
    }

    /// Art 15's 主要包括: the department approves or rejects an other cost.
    @Sendable func decide(_ request: Request, context ctx: AppRequestContext) async throws -> Expenses.View {
        let actor = Agent(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let input = try await request.decodeJSON(Expenses.Decision.self, context: ctx)
        let moment = context.moment
        let settings = context.settings
        return try await context.database.write { db in try Expenses.decide(id, input, by: actor, at: moment, settings: settings, in: db) }
    }

    struct UnrelatedInput: Decodable { var keywords: [String] }

    @Sendable func unrelated(_ request: Request, context ctx: AppRequestContext) async throws -> Expenses.UnrelatedKinds {
        try ctx.require(.department, .finance, .auditOffice)
        return Expenses.UnrelatedKinds(article: Article(15).reference, keywords: try await context.database.read { db in try Expenses.unrelatedKinds(in: db) })
    }

    @Sendable func replaceUnrelated(_ request: Request, context ctx: AppRequestContext) async throws -> Expenses.UnrelatedKinds {
        let actor = Agent(try ctx.require(.department))
        let input = try await request.decodeJSON(UnrelatedInput.self, context: ctx)
        let moment = context.moment
        return try await context.database.write { db in try Expenses.replaceUnrelated(input.keywords, by: actor, at: moment, in: db) }
    }

    @Sendable func list(_ request: Request, context ctx: AppRequestContext) async throws -> Listing<Expenses.View> {
        try ctx.require(.department, .finance, .auditOffice)
        let studio = try ctx.parameters.require("studioId")
        let filter = Expenses.Filter(year: try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) },
                                     category: try QueryValues.oneOf(request, "category", ExpenseCategory.allCases.map(\.rawValue)),
                                     purpose: try QueryValues.oneOf(request, "purpose", ExpensePurpose.allCases.map(\.rawValue)),
                                     approval: try QueryValues.oneOf(request, "approval", ["notNeeded", "pending", "approved", "rejected"]))
        let page = try PageRequest.parse(request, keyParts: 3)
        let result = try await context.database.read { db in try Expenses.page(studioID: studio, filter, page: page, in: db) }
        return Listing(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func create(_ request: Request, context ctx: AppRequestContext) async throws -> EditedResponse<Expenses.View> {
        let actor = Agent(try ctx.require(.department, .finance))
        let studio = try ctx.parameters.require("studioId")
        let input = try await request.decodeJSON(Expenses.Input.self, context: ctx)
        let moment = context.moment
        let settings = context.settings
        let view = try await context.database.write { db in
            guard try StudioReplica.find(studio, in: db) != nil else { throw Problem.notFound("studio", zh: "工作室", id: studio) }
            return try Expenses.record(studioID: studio, input, by: actor, at: moment, settings: settings, in: db)
        }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func receipt(_ request: Request, context ctx: AppRequestContext) async throws -> Response {
        try ctx.require(.department, .finance, .auditOffice)
        let expense = try ctx.parameters.require("id")
        let id = try ctx.parameters.require("receiptId")
        guard let found = try await context.database.read({ db in try Expenses.receipt(id, of: expense, in: db) }) else {
            throw Problem.notFound("receipt", zh: "票据", id: id)
        }
        // The type is the content's, checked again here: a receipt stored before types were checked is served safely too
        return FileContent.download(found.content, mediaType: FileContent.checkedType(of: found.content), fileName: found.fileName)
    }
}
