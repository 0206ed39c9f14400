import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import Messaging
import Metrics
import Prometheus
import ServiceKit
import ServiceLifecycle
import StudioDomain

/// `/todos`: the signed-in account's 待办事项, open first, then the last ones done (with what did them).
struct TodoPages {
    let renderer: Renderer
    let database: PortalDatabase

    struct Row {
        var title: String
        var detail: String
        var link: String?
        var opened: String
        var done: String?
        var doneReason: String?
    }

    struct View {
        var open: [Row]
        var done: [Row]
        var openCount: Int
        var hasOpen: Bool
        var hasDone: Bool
    }

    func add(to router: Router<PortalContext>) {
        let group = router.group("todos")
        group.add(middleware: AccessMiddleware(roles: Set(Role.allCases)))
        group.get("") { _, context -> Response in
            let account = try context.requireAccount()
            let (open, done) = try await database.writer.read { db in
                (try Todos.items(for: account, open: true, in: db), try Todos.items(for: account, open: false, limit: 30, in: db))
            }
            func row(_ item: Todos.Item) -> Row {
                Row(title: item.title, detail: item.detail, link: item.link, opened: Dates.instant(item.openedAt),
                    done: item.doneAt.map(Dates.instant), doneReason: item.doneReason)
            }
            return renderer.html("todos", title: "待办事项", view: View(open: open.map(row), done: done.map(row), openCount: open.count,
                                                                               hasOpen: !open.isEmpty, hasDone: !done.isEmpty), context: context)
        }
    }
}

/// Counts the signed-in account's open to-dos once per page, for the badge the layout draws on every page.
struct TodoBadgeMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let database: PortalDatabase

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        guard let account = context.account else { return try await next(request, context) }
        var context = context
        context.todoCount = try await database.writer.read { db in try Todos.openCount(for: account, in: db) }
        return try await next(request, context)
    }
}

/// `POST /events`: the portal's webhook receiver, the same contract as every service's (MESSAGING.md): the
/// Standard Webhooks signature against the inbound secrets (`portal inbound-secret add`), then the inbox, which
/// applies each event id once, in the transaction of its effect on the to-do lists. 2xx means committed.
struct PortalEvents {
    let inbox: Inbox
    let metrics: PortalMetrics

    func add(to router: Router<PortalContext>) {
        router.post("events") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let result = try await inbox.receive(
                id: request.headers[HTTPField.Name("webhook-id")!],
                timestamp: request.headers[HTTPField.Name("webhook-timestamp")!],
                signature: request.headers[HTTPField.Name("webhook-signature")!],
                body: Array(buffer.readableBytesView))
            do throws(Problem) {
                return accepted(try result.accepted())
            } catch {
                metrics.received(error.status == .unauthorized ? "unauthorized" : "refused")
                return try error.response(from: request, context: context)
            }
        }
    }

    func accepted(_ acceptance: WebhookAcceptance) -> Response {
        metrics.received(acceptance.outcome)
        let body = (try? DomainJSON.encoder().encode(acceptance)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: body)))
    }
}

/// The portal's Prometheus metrics: requests by method and status class with their duration, events received by
/// outcome, and the open to-dos by role (read at scrape time).
struct PortalMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    func received(_ outcome: String) {
        Counter(label: "portal_events_received_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    func render(database: PortalDatabase) async throws -> [UInt8] {
        let open = try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT role, COUNT(*) AS n FROM todo WHERE done_at IS NULL GROUP BY role").map { ($0["role"] as String, $0["n"] as Int) }
        }
        for role in Role.allCases {
            registry.makeGauge(name: "portal_todos_open", labels: [("role", role.rawValue)]).set(Double(open.first { $0.0 == role.rawValue }?.1 ?? 0))
        }
        return registry.emitToBuffer()
    }
}

/// Counts every request, as the services' `RequestMetricsMiddleware` does.
struct PortalRequestMetricsMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let metrics: PortalMetrics

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        Counter(label: "http_requests_total", dimensions: [("method", request.method.rawValue), ("status", "\(response.status.code / 100)xx")],
                factory: metrics.factory).increment()
        Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", request.method.rawValue)], factory: metrics.factory)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }
}

/// `/metrics` and `/openapi.yaml` beside `/health` and `/ready` (SystemPages).
struct PortalSystemRoutes {
    let database: PortalDatabase
    let metrics: PortalMetrics
    /// Services/Portal/openapi.yaml, read when the application is built.
    let document: String

    func add(to router: Router<PortalContext>) {
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: try await metrics.render(database: database))))
        }
        router.get("openapi.yaml") { [document] _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
    }
}

/// The portal's machine endpoints (its pages are HTML for people and are not described here): the file
/// Services/Portal/openapi.yaml, bundled and served as it is.
public enum PortalOpenAPI {
    /// Every path of the document, as `METHOD /path`, for the test that holds it against the router.
    public static let operations = ["GET /health", "GET /ready", "GET /metrics", "GET /openapi.yaml", "POST /events"]

    /// The document, read from the bundle once.
    public static func document() throws -> String { try loaded.get() }
    static let loaded = Result { try OpenAPIFile.load(from: Bundle.module) }
}

/// Hourly: forgets inbox ids past the retention (longer than the senders' retry span, MESSAGING.md §6), keeping how
/// far each aggregate is forgotten so that a replay of a pruned event still has no effect.
struct PortalInboxMaintenance: Service {
    let writer: any DatabaseWriter
    let retention: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let pruned = try await writer.write { [retention] db in
                    try MessagingOperations.prune(nowMillis: Millis.now(), inboxRetention: retention, outboxRetention: retention, in: db)
                }
                if pruned.inbox > 0 { logger.info("pruned", metadata: ["inbox": "\(pruned.inbox)"]) }
            } catch {
                logger.error("inbox maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
