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
        var conditions: [String] = []
        var arguments: StatementArguments = []
        // Present means checked, even when empty: `?status=` is no known value either
        if let status = request.uri.queryParameters["status"].map(String.init) {
            guard GrantStatus(rawValue: status) != nil else {
                throw Problem.invalid("grant.status_unknown", field: "status", zh: "未知的补助状态：\(status)", en: "unknown grant status \(status)")
            }
            conditions.append("status = ?"); _ = arguments.append(contentsOf: [status])
        }
        // Present means checked, even when empty: `?kind=` is no known value either
        if let kind = request.uri.queryParameters["kind"].map(String.init) {
            guard GrantKind(rawValue: kind) != nil else {
                throw Problem.invalid("grant.kind_unknown", field: "kind", zh: "未知的补助类型：\(kind)", en: "unknown grant kind \(kind)")
            }
            conditions.append("kind = ?"); _ = arguments.append(contentsOf: [kind])
        }
        if let studio = request.stringQuery("studioId") { conditions.append("studio_id = ?"); _ = arguments.append(contentsOf: [studio]) }
        if let year = try request.integerQuery("year") { conditions.append("year = ?"); _ = arguments.append(contentsOf: [year]) }
        // What people search grants by besides: the payee unit's name (part of it) and the county (screening body).
        if let name = request.stringQuery("name") { conditions.append("instr(payee_name, ?) > 0"); _ = arguments.append(contentsOf: [name]) }
        if let body = request.stringQuery("screeningBody") { conditions.append("screening_body_code = ?"); _ = arguments.append(contentsOf: [body]) }
        let page = try PageRequest.parse(request)
        try await context.runScheduler()
        let filtered = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let countArguments = arguments
        if let after = page.after {
            guard let createdAt = Int64(after[0]) else { throw QueryValues.invalidCursor }
            conditions.append("(created_at, id) > (?, ?)"); _ = arguments.append(contentsOf: [createdAt, after[1]])
        }
        let sql = "SELECT * FROM funding_grant" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY created_at, id LIMIT ?"
        _ = arguments.append(contentsOf: [page.limit + 1])
        let finalArguments = arguments
        let (grants, total) = try await context.database.read { db in
            (try GrantRecord.fetchAll(db, sql: sql, arguments: finalArguments),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM funding_grant" + filtered, arguments: countArguments) ?? 0)
        }
        let (items, next) = page.page(grants) { [String($0.createdAt), $0.id] }
        return Listing(items: items.map(GrantView.init), nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        try ctx.require(.department, .finance, .auditOffice)
        let id = try ctx.parameters.require("id")
        try await context.runScheduler()
        return GrantView(try await context.database.read { db in try GrantWorkflow.load(id, in: db) })
    }

    @Sendable func approve(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Actor(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let moment = context.moment
        return GrantView(try await context.database.write { db in try GrantWorkflow.approve(id, by: actor, at: moment, in: db) })
    }

    @Sendable func release(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Actor(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let moment = context.moment
        return GrantView(try await context.database.write { db in try GrantWorkflow.release(id, by: actor, at: moment, in: db) })
    }

    @Sendable func cancel(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Actor(try ctx.require(.department))
        let id = try ctx.parameters.require("id")
        let input = try await request.decodeJSON(CancelInput.self, context: ctx)
        let moment = context.moment
        let outbox = context.environment.outbox
        return GrantView(try await context.database.write { db in
            try GrantWorkflow.cancel(id, reason: input.reason, by: actor, at: moment, outbox: outbox, in: db)
        })
    }

    @Sendable func pay(_ request: Request, context ctx: AppRequestContext) async throws -> GrantView {
        let actor = Actor(try ctx.require(.finance))
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
