import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Grants: the department approves, releases held ones and cancels; finance records payments.
struct GrantsController {
    let context: FundingContext

    func add(to router: Router<AppRequestContext>) {
        router.get("grants", use: list)
        router.get("grants/:id", use: show)
        router.post("grants/:id/approve", use: approve)
        router.post("grants/:id/release", use: release)
        router.post("grants/:id/cancel", use: cancel)
        router.post("grants/:id/payment", use: pay)
    }

    struct CancelInput: Decodable { var reason: String }
    struct PaymentInput: Decodable {
        var paymentReference: String
        var paidOn: String
    }

    @Sendable func list(_ request: Request, context ctx: AppRequestContext) async throws -> Listing<GrantView> {
        try ctx.require(.department, .finance, .auditOffice)
        var filter = GrantRecord.Filter()
        // Present means checked, even when empty: `?status=` is no known value either
        if let status = try QueryValues.oneOf(request, "status", GrantStatus.allCases.map(\.rawValue)) {
            filter.status = status
        }
        // Present means checked, even when empty: `?kind=` is no known value either
        if let kind = try QueryValues.oneOf(request, "kind", GrantKind.allCases.map(\.rawValue)) {
            filter.kind = kind
        }
        filter.studioId = request.stringQuery("studioId")
        filter.year = try request.integerQuery("year")
        // What people search grants by besides: the payee unit's name (part of it) and the county (screening body).
        filter.payeeName = request.stringQuery("name")
        filter.screeningBody = request.stringQuery("screeningBody")
        let page = try PageRequest.parse(request)
        var after: (createdAt: Int64, id: String)?
        if let cursor = page.after {
            guard let createdAt = Int64(cursor[0]) else { throw QueryValues.invalidCursor }
            after = (createdAt, cursor[1])
        }
        let query = filter, start = after, limit = page.limit + 1
        let (grants, total) = try await context.database.read { db in try GrantRecord.page(query, after: start, limit: limit, in: db) }
        let (items, next) = page.page(grants) { [String($0.createdAt), $0.id] }
        return Listing(items: items.map(GrantView.init), nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        try ctx.require(.department, .finance, .auditOffice)
        let id = try ctx.parameters.require("id")
        return GrantView(try await context.database.read { db in try GrantWorkflow.load(id, in: db) })
    }

    @Sendable func approve(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let moment = context.moment
        return GrantView(try await context.database.write { db in try GrantWorkflow.approve(id, by: actor, at: moment, in: db) })
    }

    @Sendable func release(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let moment = context.moment
        return GrantView(try await context.database.write { db in try GrantWorkflow.release(id, by: actor, at: moment, in: db) })
    }

    @Sendable func cancel(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let input = try await request.decodeJSON(CancelInput.self, context: ctx)
        let moment = context.moment
        let outbox = context.environment.outbox
        return GrantView(try await context.database.write { db in
            try GrantWorkflow.cancel(id, reason: input.reason, by: actor, at: moment, outbox: outbox, in: db)
        })
    }

    @Sendable func pay(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try ctx.require(.finance))
        let id = try ctx.parameters.require("id")
        let input = try await request.decodeJSON(PaymentInput.self, context: ctx)
        var issues: [DomainIssue] = []
        guard let paidOn = parseDate(input.paidOn, field: "paidOn", into: &issues) else { throw Problem.validation(issues) }
        let moment = context.moment
        let settings = context.settings
        let outbox = context.environment.outbox
        return GrantView(try await context.database.write { db in
            try GrantWorkflow.pay(id, paymentReference: input.paymentReference, paidOn: paidOn, by: actor, at: moment, settings: settings, outbox: outbox, in: db)
        })
    }
}
