import Foundation
import GRDB
import Hummingbird
import HTTPTypes
import Messaging
import Prometheus

/// `/health`, `/ready`, `/metrics` and `/openapi.yaml`: public, no token.
struct SystemRoutes<Module: ServiceModule> {
    let module: Module
    let database: any DatabaseWriter
    let registry: PrometheusCollectorRegistry
    /// The module's OpenAPI document, read once when the application is built.
    let document: String

    struct Health: ResponseEncodable {
        var status: String
        var service: String
    }

    func add(to router: Router<AppRequestContext>) {
        let name = module.name
        router.get("health") { _, _ in Health(status: "ok", service: name) }
        router.get("ready") { [database] _, _ -> Response in
            do {
                _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready","service":"\#(name)"}"#)))
            } catch {
                throw Problem(.serviceUnavailable, code: "not_ready", field: "database", zh: "数据库不可用", en: "the database is not available")
            }
        }
        router.get("metrics") { [registry] _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("openapi.yaml") { [document] _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
    }
}

/// A webhook receiver's 2xx body: the event's id and what became of it (`applied`, `duplicate`, `ignored`).
public struct WebhookAcceptance: ResponseEncodable, Sendable {
    public var id: String
    public var outcome: String
}

extension Inbox.Result {
    /// A receiver's answer (MESSAGING.md), the same for every service and the portal: the event's id and outcome for
    /// a 2xx, or the problem for a signature, an envelope or a payload refused.
    public func accepted() throws(Problem) -> WebhookAcceptance {
        switch self {
        case .applied(let header): return WebhookAcceptance(id: header.id, outcome: "applied")
        case .duplicate(let header): return WebhookAcceptance(id: header.id, outcome: "duplicate")
        case .ignored(let header): return WebhookAcceptance(id: header.id, outcome: "ignored")
        case .unauthorized(let reason):
            throw Problem(.unauthorized, code: "webhook.signature", field: "webhook-signature",
                          zh: "Webhook 签名无效：\(reason.messageZh)", en: "webhook signature rejected: \(reason.messageEn)")
        case .invalid(let reason):
            throw Problem(.badRequest, code: "webhook.envelope", field: "body", zh: "事件格式无效：\(reason)", en: "invalid event: \(reason)")
        case .rejected(let issues):
            throw Problem.validation(issues)
        }
    }
}

/// `POST /events`: the webhook receiver. 2xx means the effect and the inbox row are committed.
struct EventsController {
    let inbox: Inbox
    let logger: Logger

    func add(to router: Router<AppRequestContext>) {
        router.post("events") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let body = Array(buffer.readableBytesView)
            let result = try await inbox.receive(
                id: request.headers[HTTPTypes.HTTPField.Name("webhook-id")!],
                timestamp: request.headers[HTTPTypes.HTTPField.Name("webhook-timestamp")!],
                signature: request.headers[HTTPTypes.HTTPField.Name("webhook-signature")!],
                body: body)
            let accepted = try result.accepted()
            if case .ignored(let header) = result {
                logger.notice("event type not handled here; acknowledged", metadata: ["type": "\(header.type)", "id": "\(header.id)"])
            }
            return try context.responseEncoder.encode(accepted, from: request, context: context)
        }
    }
}

import Logging
