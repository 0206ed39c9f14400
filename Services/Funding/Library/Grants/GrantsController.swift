import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Grants: the department approves, releases held ones and cancels; finance records payments.
struct GrantsController {
    let environment: ServiceEnvironment
    let database: FundingDatabase

    /// Mounted at `grants`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .get(":id", use: show)
            .post(":id/approve", use: approve)
            .post(":id/release", use: release)
            .post(":id/cancel", use: cancel)
            .post(":id/payment", use: pay)
    }

    struct CancelInput: Decodable { var reason: String }
    struct PaymentInput: Decodable {
        var paymentReference: String
        var paidOn: String
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<GrantView> {
        try context.require(.department, .finance, .auditOffice)
        var filter = GrantRecord.Filter()
        // Present means checked, even when empty: `?status=` is no known value either
        if let status = try QueryValues.oneOf(request, "status", GrantStatus.allCases.map(\.rawValue)) {
            filter.status = status
        }
        // Present means checked, even when empty: `?kind=` is no known value either
        if let kind = try QueryValues.oneOf(request, "kind", GrantKind.allCases.map(\.rawValue)) {
            filter.kind = kind
        }
        filter.studioId = request.stringQuery("studioId").map(StudioID.init)
        filter.year = try request.integerQuery("year")
        // What people search grants by besides: the payee unit's name (part of it) and the county (screening body).
        filter.payeeName = request.stringQuery("name")
        filter.screeningBody = request.stringQuery("screeningBody")
        let result = try await database.grants(filter, page: try PageRequest.parse(request))
        return Listing(items: result.items.map(GrantView.init), nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> GrantView {
        try context.require(.department, .finance, .auditOffice)
        return GrantView(try await database.grant(try context.grantID()))
    }

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try context.require(.department))
        return GrantView(try await database.approve(grant: try context.grantID(), by: actor, at: environment.moment()))
    }

    @Sendable func release(_ request: Request, context: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try context.require(.department))
        return GrantView(try await database.release(grant: try context.grantID(), by: actor, at: environment.moment()))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try context.require(.department))
        let id = try context.grantID()
        let input = try await request.decodeJSON(CancelInput.self, context: context)
        return GrantView(try await database.cancel(grant: id, reason: input.reason, by: actor, at: environment.moment()))
    }

    @Sendable func pay(_ request: Request, context: AppRequestContext) async throws -> GrantView {
        let actor = Agent(try context.require(.finance))
        let id = try context.grantID()
        let input = try await request.decodeJSON(PaymentInput.self, context: context)
        var issues: [DomainIssue] = []
        guard let paidOn = parseDate(input.paidOn, field: "paidOn", into: &issues) else { throw Problem.validation(issues) }
        return GrantView(try await database.pay(grant: id, paymentReference: input.paymentReference, paidOn: paidOn, by: actor, at: environment.moment()))
    }
}
