import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// The operations API of every service (MESSAGING.md §7), for the `operator` role: subscriptions,
/// the outbox with its attempts, dead letters, replay, queue depth, inbound secrets, tokens and test events.
struct OperationsController {
    let environment: ServiceEnvironment
    var database: any DatabaseWriter { environment.database }
    /// Everything here is messaging and access (replays, grace periods, tokens), so it runs on real time,
    /// never on the demo clock: the dispatcher schedules on real time.
    var nowMillis: Int64 { Millis.from(environment.messagingNow()) }

    func add(to group: RouterGroup<AppRequestContext>) {
        group.get("subscriptions", use: listSubscriptions)
        group.post("subscriptions", use: createSubscription)
        group.get("subscriptions/:id", use: showSubscription)
        group.patch("subscriptions/:id", use: updateSubscription)
        group.post("subscriptions/:id/rotate-secret", use: rotateSecret)
        group.get("messages", use: listMessages)
        group.get("messages/:id", use: showMessage)
        group.post("messages/:id/replay", use: replayMessage)
        group.get("dead-letters", use: deadLetters)
        group.post("replay", use: replayRange)
        group.get("queue", use: queue)
        group.post("test-events", use: sendTestEvents)
        group.get("test-events/received", use: receivedTestEvents)
        group.get("inbound-secrets", use: listInboundSecrets)
        group.post("inbound-secrets", use: addInboundSecret)
        group.delete("inbound-secrets/:id", use: removeInboundSecret)
        group.get("audit", use: listAudit)
        group.get("audit/verify", use: verifyAudit)
        group.get("tokens", use: listTokens)
        group.post("tokens", use: issueToken)
        group.delete("tokens/:id", use: revokeToken)
    }

    // MARK: Subscriptions

    struct SubscriptionView: ResponseCodable {
        var id: String
        var name: String
        var url: String
        var eventTypes: [String]
        var status: String
        var disabledReason: String?
        var throttledUntil: Date?
        var rotatingUntil: Date?
        var createdAt: Date
        var updatedAt: Date
        /// Shown only when created or rotated.
        var secret: String?

        init(_ record: SubscriptionRecord, showSecret: Bool = false) {
            id = record.id
            name = record.name
            url = record.url
            eventTypes = record.eventTypeList
            status = record.status.rawValue
            disabledReason = record.disabledReason
            throttledUntil = record.throttledUntil.map(Millis.date)
            rotatingUntil = record.previousSecretExpiresAt.map(Millis.date)
            createdAt = Millis.date(record.createdAt)
            updatedAt = Millis.date(record.updatedAt)
            secret = showSecret ? record.secret : nil
        }
    }

    struct CreateSubscription: Decodable {
        var name: String
        var url: String
        var eventTypes: [String]
        var secret: String?
    }

    struct UpdateSubscription: Decodable {
        var url: String?
        var eventTypes: [String]?
        var active: Bool?
    }

    struct RotateSecret: Decodable {
        var secret: String?
        /// How long the old secret keeps signing beside the new one; default one day.
        var graceSeconds: Int?
    }

    @Sendable func listSubscriptions(_ request: Request, context: AppRequestContext) async throws -> Listing<SubscriptionView> {
        try context.require(.operator)
        return Listing(items: try await database.read { db in try SubscriptionRecord.order(Column("name")).fetchAll(db) }.map { SubscriptionView($0) })
    }

    @Sendable func createSubscription(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SubscriptionView> {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(CreateSubscription.self, context: context)
        let now = nowMillis
        let record = try await mapSubscriptionErrors {
            try await database.write { db in
                let record = try Subscriptions.create(name: input.name, url: input.url, eventTypes: input.eventTypes, secret: input.secret, nowMillis: now, in: db)
                try Self.audit(identity, "ops.subscription.created", subject: "subscription:\(record.id)",
                               ["name": record.name, "url": record.url, "eventTypes": record.eventTypes], at: now, in: db)
                return record
            }
        }
        return EditedResponse(status: .created, response: SubscriptionView(record, showSecret: true))
    }

    @Sendable func showSubscription(_ request: Request, context: AppRequestContext) async throws -> SubscriptionView {
        try context.require(.operator)
        let id = try context.parameters.require("id")
        return SubscriptionView(try await mapSubscriptionErrors { try await database.read { db in try Subscriptions.find(id, in: db) } })
    }

    @Sendable func updateSubscription(_ request: Request, context: AppRequestContext) async throws -> SubscriptionView {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(UpdateSubscription.self, context: context)
        let now = nowMillis
        let record = try await mapSubscriptionErrors {
            try await database.write { db in
                let record = try Subscriptions.update(id, url: input.url, eventTypes: input.eventTypes, active: input.active, nowMillis: now, in: db)
                try Self.audit(identity, "ops.subscription.changed", subject: "subscription:\(record.id)",
                               ["url": record.url, "eventTypes": record.eventTypes, "status": record.status.rawValue], at: now, in: db)
                return record
            }
        }
        if input.active == true { environment.outbox.wake() }
        return SubscriptionView(record)
    }

    @Sendable func rotateSecret(_ request: Request, context: AppRequestContext) async throws -> SubscriptionView {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(RotateSecret.self, context: context)
        let grace = input.graceSeconds ?? 86400
        guard (0...(30 * 86400)).contains(grace) else {
            throw Problem.validation([DomainIssue(code: "subscription.grace", field: "graceSeconds", messageZh: "宽限期须在 0 到 2592000 秒之间", messageEn: "graceSeconds must be between 0 and 2592000")])
        }
        let now = nowMillis
        let record = try await mapSubscriptionErrors {
            try await database.write { db in
                let record = try Subscriptions.rotateSecret(id, newSecret: input.secret, grace: .seconds(grace), nowMillis: now, in: db)
                // Never the secret itself: which subscription, and how long the old one stays valid.
                try Self.audit(identity, "ops.subscription.secret_rotated", subject: "subscription:\(record.id)", ["graceSeconds": String(grace)], at: now, in: db)
                return record
            }
        }
        return SubscriptionView(record, showSecret: true)
    }

    private func mapSubscriptionErrors<T>(_ body: () async throws -> T) async throws -> T {
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

    // MARK: Outbox

    @Sendable func listMessages(_ request: Request, context: AppRequestContext) async throws -> Listing<MessageView> {
        try context.require(.operator)
        let query = request.uri.queryParameters
        let filter = MessageFilter(
            status: try QueryValues.oneOf(request, "status", ["pending", "ready", "queued", "succeeded", "dead"]), type: query["type"].map(String.init),
            aggregate: query["aggregate"].map(String.init), subscriptionId: query["subscription"].map(String.init),
            from: try query["from"].map { try instant(String($0), field: "from") }, to: try query["to"].map { try instant(String($0), field: "to") },
            limit: try QueryValues.integer(request, "limit", fallback: 100, in: 1...1000))
        return Listing(items: try await database.read { db in try MessagingOperations.messages(filter, in: db) })
    }

    @Sendable func showMessage(_ request: Request, context: AppRequestContext) async throws -> MessageView {
        try context.require(.operator)
        let id = try context.parameters.require("id")
        guard let message = try await database.read({ db in try MessagingOperations.message(id: id, in: db) }) else {
            throw Problem.notFound("message", zh: "消息", id: id)
        }
        return message
    }

    struct ReplayOne: Decodable { var subscriptionId: String? }
    struct ReplayRange: Decodable {
        var from: Date
        var to: Date
        var subscriptionId: String?
        var onlyDead: Bool?
    }

    struct Replayed: ResponseEncodable { var replayed: Int }

    @Sendable func replayMessage(_ request: Request, context: AppRequestContext) async throws -> Replayed {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSONIfPresent(ReplayOne.self, context: context) ?? ReplayOne(subscriptionId: nil)
        let now = nowMillis
        let count = try await mapSubscriptionErrors {
            try await database.write { db -> Int in
                guard try MessagingOperations.body(id: id, in: db) != nil else { throw Problem.notFound("message", zh: "消息", id: id) }
                let count = try MessagingOperations.replay(messageID: id, subscriptionID: input.subscriptionId, nowMillis: now, in: db)
                try Self.audit(identity, "ops.replay.message", subject: "message:\(id)",
                               ["subscription": input.subscriptionId ?? "*", "replayed": String(count)], at: now, in: db)
                return count
            }
        }
        environment.outbox.wake()
        return Replayed(replayed: count)
    }

    @Sendable func replayRange(_ request: Request, context: AppRequestContext) async throws -> Replayed {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(ReplayRange.self, context: context)
        guard input.from < input.to else {
            throw Problem.validation([DomainIssue(code: "replay.range", field: "to", messageZh: "结束时间须晚于开始时间", messageEn: "to must be after from")])
        }
        let now = nowMillis
        let count = try await mapSubscriptionErrors {
            try await database.write { db in
                let count = try MessagingOperations.replay(from: input.from, to: input.to, subscriptionID: input.subscriptionId, onlyDead: input.onlyDead ?? true, nowMillis: now, in: db)
                try Self.audit(identity, "ops.replay.range", subject: "messages", [
                    "from": RFC3339.string(from: input.from), "to": RFC3339.string(from: input.to), "subscription": input.subscriptionId ?? "*",
                    "onlyDead": String(input.onlyDead ?? true), "replayed": String(count)], at: now, in: db)
                return count
            }
        }
        environment.outbox.wake()
        return Replayed(replayed: count)
    }

    @Sendable func deadLetters(_ request: Request, context: AppRequestContext) async throws -> Listing<DeliveryView> {
        try context.require(.operator)
        let query = request.uri.queryParameters
        let limit = try QueryValues.integer(request, "limit", fallback: 100, in: 1...1000)
        let subscription = query["subscription"].map(String.init)
        return Listing(items: try await database.read { db in try MessagingOperations.deadLetters(subscriptionId: subscription, limit: limit, in: db) })
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> QueueDepthView {
        try context.require(.operator)
        return try await database.read { db in try MessagingOperations.queueDepth(in: db) }
    }

    // MARK: Test events

    struct SendTestEvents: Decodable {
        var aggregate: String?
        var count: Int?
        var note: String?
    }

    struct SentTestEvents: ResponseEncodable { var ids: [String] }

    @Sendable func sendTestEvents(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SentTestEvents> {
        try context.require(.operator)
        let input = try await request.decodeJSONIfPresent(SendTestEvents.self, context: context) ?? SendTestEvents()
        let count = input.count ?? 1
        guard (1...1000).contains(count) else {
            throw Problem.validation([DomainIssue(code: "test_events.count", field: "count", messageZh: "数量须在 1 到 1000 之间", messageEn: "count must be between 1 and 1000")])
        }
        let aggregate = input.aggregate ?? "test:\(UUID().uuidString.lowercased())"
        guard !aggregate.isEmpty, aggregate.count <= 200 else {
            throw Problem.validation([DomainIssue(code: "test_events.aggregate", field: "aggregate", messageZh: "聚合标识须为 1 到 200 个字符", messageEn: "aggregate must be 1 to 200 characters")])
        }
        let outbox = environment.outbox
        let ids = try await database.write { db in
            try (0..<count).map { index in
                try outbox.append(WebhookTestEvent(aggregate: aggregate, note: input.note ?? "test \(index + 1) of \(count)"), in: db).id
            }
        }
        return EditedResponse(status: .created, response: SentTestEvents(ids: ids))
    }

    struct ReceivedTestEvent: Codable, Sendable {
        var webhookId: String
        var source: String
        var aggregate: String
        var sequence: Int64
        var note: String
        var receivedAt: Date
    }

    @Sendable func receivedTestEvents(_ request: Request, context: AppRequestContext) async throws -> Listing<ReceivedTestEvent> {
        try context.require(.operator)
        let limit = try QueryValues.integer(request, "limit", fallback: 100, in: 1...100_000)
        let items = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_test_received ORDER BY id LIMIT ?", arguments: [limit]).map {
                ReceivedTestEvent(webhookId: $0["webhook_id"], source: $0["source"], aggregate: $0["aggregate"], sequence: $0["sequence"],
                                  note: $0["note"], receivedAt: Millis.date($0["received_at"]))
            }
        }
        return Listing(items: items)
    }

    // MARK: Inbound secrets

    struct InboundSecretView: ResponseCodable {
        var id: Int64
        var source: String
        /// Only the first characters: enough to tell secrets apart, not to use one.
        var secretPrefix: String
        var createdAt: Date
        var expiresAt: Date?
    }

    struct AddInboundSecret: Decodable {
        var source: String
        var secret: String
        var expiresAt: Date?
    }

    @Sendable func listInboundSecrets(_ request: Request, context: AppRequestContext) async throws -> Listing<InboundSecretView> {
        try context.require(.operator)
        return Listing(items: try await database.read { db in try InboundSecrets.all(in: db) }.map {
            InboundSecretView(id: $0.id, source: $0.source, secretPrefix: String($0.secret.encoded.prefix(10)) + "…",
                              createdAt: Millis.date($0.createdAt), expiresAt: $0.expiresAt.map(Millis.date))
        })
    }

    @Sendable func addInboundSecret(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<InboundSecretView> {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(AddInboundSecret.self, context: context)
        guard !input.source.isEmpty, input.source.count <= 50 else {
            throw Problem.validation([DomainIssue(code: "inbound_secret.source", field: "source", messageZh: "来源服务名须为 1 到 50 个字符", messageEn: "source must be 1 to 50 characters")])
        }
        let now = nowMillis
        let secret = try await mapSubscriptionErrors {
            try await database.write { db in
                let secret = try InboundSecrets.add(source: input.source, secret: input.secret, expiresAt: input.expiresAt.map(Millis.from), nowMillis: now, in: db)
                try Self.audit(identity, "ops.inbound_secret.added", subject: "inbound-secret:\(secret.id)",
                               ["source": secret.source, "expiresAt": secret.expiresAt.map { RFC3339.string(from: Millis.date($0)) } ?? "-"], at: now, in: db)
                return secret
            }
        }
        return EditedResponse(status: .created, response: InboundSecretView(
            id: secret.id, source: secret.source, secretPrefix: String(secret.secret.encoded.prefix(10)) + "…",
            createdAt: Millis.date(secret.createdAt), expiresAt: secret.expiresAt.map(Millis.date)))
    }

    @Sendable func removeInboundSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id", as: Int64.self)
        let now = nowMillis
        guard try await database.write({ db in
            guard try InboundSecrets.remove(id: id, in: db) else { return false }
            try Self.audit(identity, "ops.inbound_secret.removed", subject: "inbound-secret:\(id)", [String: String](), at: now, in: db)
            return true
        }) else {
            throw Problem.notFound("inbound secret", zh: "入站密钥", id: String(id))
        }
        return Response(status: .noContent)
    }

    // MARK: Audit log

    @Sendable func listAudit(_ request: Request, context: AppRequestContext) async throws -> Listing<AuditLog.Entry> {
        try context.require(.operator, .auditOffice, .department)
        let query = request.uri.queryParameters
        let after = Int64(try QueryValues.integer(request, "after", fallback: 0, in: 0...Int.max))
        let limit = try QueryValues.integer(request, "limit", fallback: 100, in: 1...1000)
        return Listing(items: try await database.read { db in try AuditLog.entries(after: after, limit: limit, in: db) })
    }

    @Sendable func verifyAudit(_ request: Request, context: AppRequestContext) async throws -> AuditLog.Verification {
        try context.require(.operator, .auditOffice, .department)
        return try await database.read { db in try AuditLog.verify(in: db) }
    }

    // MARK: Tokens

    struct IssueToken: Decodable {
        var role: Role
        var subject: String?
        var label: String?
    }

    struct IssuedToken: ResponseEncodable {
        var token: String
        var info: TokenView
    }

    @Sendable func listTokens(_ request: Request, context: AppRequestContext) async throws -> Listing<TokenView> {
        try context.require(.operator)
        return Listing(items: try await database.read { db in try Tokens.list(in: db) })
    }

    @Sendable func issueToken(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<IssuedToken> {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(IssueToken.self, context: context)
        if input.role.needsSubject, (input.subject ?? "").isEmpty {
            throw Problem.validation([DomainIssue(code: "token.subject", field: "subject", messageZh: "角色 \(input.role.nameZh) 须指明对象（初审单位代码或专家编号）", messageEn: "the role \(input.role.rawValue) needs a subject (screening body code or expert id)")])
        }
        let now = nowMillis
        let issued = try await database.write { db in
            let issued = try Tokens.issue(role: input.role, subject: input.subject, label: input.label, nowMillis: now, in: db)
            // The token's id, role and subject, never the token.
            try Self.audit(identity, "ops.token.issued", subject: "token:\(issued.view.id)",
                           ["role": input.role.rawValue, "subject": input.subject ?? "-", "label": input.label ?? ""], at: now, in: db)
            return issued
        }
        return EditedResponse(status: .created, response: IssuedToken(token: issued.token, info: issued.view))
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        guard id != identity.tokenID else {
            throw Problem(.conflict, code: "token.self_revoke", field: "id", zh: "不能吊销当前正在使用的令牌", en: "a token cannot revoke itself")
        }
        let now = nowMillis
        guard try await database.write({ db in
            guard try Tokens.revoke(id: id, nowMillis: now, in: db) else { return false }
            try Self.audit(identity, "ops.token.revoked", subject: "token:\(id)", [String: String](), at: now, in: db)
            return true
        }) else {
            throw Problem.notFound("token", zh: "访问令牌", id: id)
        }
        return Response(status: .noContent)
    }

    // MARK: Helpers

    /// The operator's action in the kit's hash-chained log, in the action's own transaction (real time, as the
    /// action itself). Never a secret or a token in the details.
    static func audit(_ identity: Identity, _ action: String, subject: String, _ details: [String: String], at millis: Int64, in db: Database) throws {
        try AuditLog.append(actorRole: identity.role.rawValue, actorSubject: identity.tokenID, action: action, subject: subject,
                            details: details, at: Millis.date(millis), in: db)
    }

    private func instant(_ text: String, field: String) throws -> Date {
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
