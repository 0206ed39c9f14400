import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// The operations API of every service (MESSAGING.md §7), one collection per resource under `/ops`, for the
/// `operator` role (the audit log also for the audit office and the department).
enum OperationsAPI {
    static func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        router.addRoutes(SubscriptionsController(environment: environment).routes, atPath: "ops/subscriptions")
        router.addRoutes(OutboxController(environment: environment).routes, atPath: "ops")
        router.addRoutes(TestEventsController(environment: environment).routes, atPath: "ops/test-events")
        router.addRoutes(InboundSecretsController(environment: environment).routes, atPath: "ops/inbound-secrets")
        router.addRoutes(AuditLogController(environment: environment).routes, atPath: "ops/audit")
        router.addRoutes(TokensController(environment: environment).routes, atPath: "ops/tokens")
    }
}

/// What the operations controllers share: the database, real time, the audit record and the error mapping.
protocol OperationsResource: Sendable {
    var environment: ServiceEnvironment { get }
}

extension OperationsResource {
    var database: any DatabaseWriter { environment.database }
    /// Everything here is messaging and access (replays, grace periods, tokens), so it runs on real time,
    /// never on the demo clock: the dispatcher schedules on real time.
    var nowMillis: Int64 { Millis.from(environment.messagingNow()) }

    func mapSubscriptionErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SubscriptionError {
            switch error {
            case .invalidURL(let url):
                throw Problem.validation([DomainIssue(code: "subscription.url", field: "url", messageZh: "地址无效：\(url)，须为 http(s) 地址", messageEn: "invalid url \(url): must be an http(s) URL")])
            case .invalidEventTypes:
                throw Problem.validation([DomainIssue(code: "subscription.event_types", field: "eventTypes", messageZh: "须列出至少一个事件类型（或 \"*\"）", messageEn: "list at least one event type (or \"*\")")])
            case .invalidSecret:
                throw Problem.validation([DomainIssue(code: "subscription.secret", field: "secret", messageZh: "密钥须为 whsec_ 加 base64（16 至 64 字节）", messageEn: "a secret is whsec_ followed by base64 of 16 to 64 bytes")])
            case .duplicateName(let name):
                throw Problem(.conflict, code: "subscription.duplicate", field: "name", zh: "已有同名订阅：\(name)", en: "a subscription named \(name) exists")
            case .notFound(let id):
                throw Problem.notFound("subscription", zh: "订阅", id: id)
            }
        }
    }

    /// The operator's action in the kit's hash-chained log, in the action's own transaction (real time, as the
    /// action itself). Never a secret or a token in the details.
    static func record(_ identity: Identity, _ action: String, subject: String, _ details: [String: String], at millis: Int64, in db: Database) throws {
        try AuditLog.append(actorRole: identity.role.rawValue, actorSubject: identity.tokenID, action: action, subject: subject,
                            details: details, at: Millis.date(millis), in: db)
    }

    func instant(_ text: String, field: String) throws -> Date {
        guard let date = RFC3339.date(from: text) else {
            throw Problem.validation([DomainIssue(code: "query.instant", field: field, messageZh: "\(field) 须为 RFC 3339 时间，如 2026-11-24T08:00:00Z", messageEn: "\(field) must be an RFC 3339 instant such as 2026-11-24T08:00:00Z")])
        }
        return date
    }
}

extension MessageView: ResponseEncodable {}
extension DeliveryView: ResponseEncodable {}
extension QueueDepthView: ResponseEncodable {}
extension TokenView: ResponseEncodable {}
extension AuditLog.Verification: ResponseEncodable {}
