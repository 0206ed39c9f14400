import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Joint inspections (Art 16): the department, finance and the audit office each record findings and sign for themselves.
struct InspectionsController {
    let context: FundingContext

    func add(to router: Router<AppRequestContext>) {
        router.get("inspections", use: list)
        router.get("inspections/:id", use: show)
        router.post("inspections/:id/findings", use: addFinding)
        router.post("inspections/:id/findings/:findingId/withdrawal", use: withdrawFinding)
        router.post("inspections/:id/sign-offs", use: signOff)
        router.post("inspections/:id/close", use: close)
    }

    struct SignOffInput: Decodable { var note: String? }

    @Sendable func list(_ request: Request, context ctx: AppRequestContext) async throws -> Listing<Inspections.View> {
        try ctx.require(.department, .finance, .auditOffice)
        let status = try QueryValues.oneOf(request, "status", ["scheduled", "closed"])
        let studio = request.stringQuery("studioId")
        let year = try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) }
        let page = try PageRequest.parse(request)
        let (items, next, total) = try await context.database.read { db in
            try Inspections.page(status: status, studio: studio, year: year, page: page, in: db)
        }
        return Listing(items: items, nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context ctx: AppRequestContext) async throws -> Inspections.View {
        try ctx.require(.department, .finance, .auditOffice)
        let id = try ctx.parameters.require("id")
        return try await context.database.read { db in try Inspections.load(id, in: db) }
    }

    @Sendable func addFinding(_ request: Request, context ctx: AppRequestContext) async throws -> EditedResponse<Inspections.View> {
        let actor = Agent(try ctx.require(.department, .finance, .auditOffice))
        let id = try ctx.parameters.require("id")
        let input = try await request.decodeJSON(Inspections.FindingInput.self, context: ctx)
        let moment = context.moment
        let outbox = context.environment.outbox
        let view = try await context.database.write { db in try Inspections.addFinding(id, input, by: actor, at: moment, outbox: outbox, in: db) }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func withdrawFinding(_ request: Request, context ctx: AppRequestContext) async throws -> Inspections.View {
        let actor = Agent(try ctx.require(.department, .finance, .auditOffice))
        let id = try ctx.parameters.require("id")
        let finding = try ctx.parameters.require("findingId")
        let moment = context.moment
        return try await context.database.write { db in try Inspections.withdrawFinding(id, finding: finding, by: actor, at: moment, in: db) }
    }

    @Sendable func signOff(_ request: Request, context ctx: AppRequestContext) async throws -> Inspections.View {
        let identity = try ctx.require(.department, .finance, .auditOffice)
        let id = try ctx.parameters.require("id")
        let input = try await request.decodeOptionalJSON(SignOffInput.self, context: ctx) ?? SignOffInput()
        let moment = context.moment
        return try await context.database.write { db in try Inspections.signOff(id, identity: identity, note: input.note, at: moment, in: db) }
    }

    @Sendable func close(_ request: Request, context ctx: AppRequestContext) async throws -> Inspections.View {
        let actor = Agent(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let moment = context.moment
        let settings = context.settings
        let outbox = context.environment.outbox
        return try await context.database.write { db in try Inspections.close(id, by: actor, at: moment, settings: settings, outbox: outbox, in: db) }
    }
}
