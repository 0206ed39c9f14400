import Foundation
import GRDB
import StudioDomain

/// A handler refused the event on its merits (a payload the receiver cannot apply). The sender gets a
/// 422, retries on its schedule and finally dead-letters it, where an operator sees it.
public struct EventRejected: Error, Sendable {
    public var issues: [DomainIssue]
    public init(_ issues: [DomainIssue]) { self.issues = issues }
}

/// What a receiving service does with each event type it takes. Every handler runs inside the inbox
/// transaction: its effect and the inbox row commit together (MESSAGING.md §6).
public struct InboxHandlers: Sendable {
    public typealias Apply = @Sendable (Database, EventHeader, Data) throws -> Void
    private(set) var handlers: [String: Apply] = [:]

    public init() {
        on(WebhookTestEvent.self) { db, envelope in
            try db.execute(sql: """
                INSERT INTO webhook_test_received (webhook_id, source, aggregate, sequence, note, received_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [envelope.id, envelope.source, envelope.aggregate, envelope.sequence, envelope.data.note, Millis.now()])
        }
    }

    public mutating func on<Event: DomainEvent>(_ type: Event.Type, _ apply: @escaping @Sendable (Database, Envelope<Event>) throws -> Void) {
        handlers[Event.eventType] = { db, _, body in
            let envelope: Envelope<Event>
            do {
                envelope = try DomainJSON.decoder().decode(Envelope<Event>.self, from: body)
            } catch {
                throw EventRejected([DomainIssue(code: "event.payload_invalid", field: "data",
                                                 messageZh: "事件内容无法解析：\(error)", messageEn: "the event payload cannot be decoded: \(error)")])
            }
            try apply(db, envelope)
        }
    }

    public var eventTypes: [String] { handlers.keys.sorted() }
    func handler(for type: String) -> Apply? { handlers[type] }
}

/// The receiving side of a webhook: signature check, dedupe, and the handler's effect in one transaction.
public struct Inbox: Sendable {
    public enum Result: Sendable {
        case applied(EventHeader)
        case ignored(EventHeader)
        case duplicate(EventHeader)
        case unauthorized(WebhookSignatureError)
        case invalid(String)
        case rejected([DomainIssue])
    }

    let writer: any DatabaseWriter
    let handlers: InboxHandlers
    /// Concurrent receipts share one commit (one fsync); each 2xx still waits for its own commit.
    let committer: GroupCommit
    let now: @Sendable () -> Date

    public init(writer: any DatabaseWriter, handlers: InboxHandlers, now: @escaping @Sendable () -> Date = Date.init) {
        self.writer = writer
        self.handlers = handlers
        self.now = now
        committer = GroupCommit.shared(for: writer)
    }

    public func receive(id: String?, timestamp: String?, signature: String?, body: [UInt8]) async throws -> Result {
        let nowDate = now()
        let secrets = try await writer.read { db in try InboundSecrets.active(nowMillis: Millis.from(nowDate), in: db) }
        let matched: WebhookSecret
        do {
            matched = try WebhookSignature.verify(id: id, timestamp: timestamp, signature: signature, body: body,
                                                  secrets: secrets.map(\.secret), now: nowDate)
        } catch {
            return .unauthorized(error)
        }
        let header: EventHeader
        do {
            header = try DomainJSON.decoder().decode(EventHeader.self, from: Data(body))
        } catch {
            return .invalid("the body is not an event envelope: \(error)")
        }
        guard header.id == id else { return .invalid("webhook-id does not match the envelope id") }
        // A secret is issued for one source: it cannot vouch for events claiming another.
        guard secrets.contains(where: { $0.secret == matched && $0.source == header.source }) else {
            return .unauthorized(.noMatchingSignature)
        }
        let apply = handlers.handler(for: header.type)
        let bodyData = Data(body)
        do {
            return try await committer.write { db -> Result in
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inbox_message WHERE webhook_id = ?)", arguments: [header.id]) ?? false {
                    return .duplicate(header)
                }
                let last = try Int64.fetchOne(db, sql: "SELECT last_sequence FROM inbox_aggregate WHERE source = ? AND aggregate = ?",
                                              arguments: [header.source, header.aggregate])
                if let last, header.sequence <= last {
                    return .duplicate(header)  // older than what this aggregate already applied
                }
                try apply?(db, header, bodyData)
                try db.execute(sql: """
                    INSERT INTO inbox_message (webhook_id, source, type, aggregate, sequence, outcome, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [header.id, header.source, header.type, header.aggregate, header.sequence,
                                     apply == nil ? "ignored" : "applied", Millis.from(nowDate)])
                try db.execute(sql: """
                    INSERT INTO inbox_aggregate (source, aggregate, last_sequence) VALUES (?, ?, ?)
                    ON CONFLICT (source, aggregate) DO UPDATE SET last_sequence = MAX(last_sequence, excluded.last_sequence)
                    """, arguments: [header.source, header.aggregate, header.sequence])
                return apply == nil ? .ignored(header) : .applied(header)
            }
        } catch let rejection as EventRejected {
            return .rejected(rejection.issues)
        }
    }
}

/// The secrets a receiver accepts, each for one sending service.
public struct InboundSecret: Sendable, Equatable {
    public var id: Int64
    public var source: String
    public var secret: WebhookSecret
    public var createdAt: Int64
    public var expiresAt: Int64?
}

public enum InboundSecrets {
    public static func active(nowMillis: Int64, in db: Database) throws -> [InboundSecret] {
        try Row.fetchAll(db, sql: "SELECT * FROM inbound_secret WHERE expires_at IS NULL OR expires_at > ?", arguments: [nowMillis])
            .compactMap { row in
                guard let secret = try? WebhookSecret(row["secret"] as String) else { return nil }
                return InboundSecret(id: row["id"], source: row["source"], secret: secret, createdAt: row["created_at"], expiresAt: row["expires_at"])
            }
    }

    public static func all(in db: Database) throws -> [InboundSecret] {
        try active(nowMillis: 0, in: db)
    }

    /// Adds a secret for `source`; adding one that exists just clears its expiry.
    @discardableResult
    public static func add(source: String, secret: String, expiresAt: Int64?, nowMillis: Int64, in db: Database) throws -> InboundSecret {
        guard let parsed = try? WebhookSecret(secret) else { throw SubscriptionError.invalidSecret }
        try db.execute(sql: """
            INSERT INTO inbound_secret (source, secret, created_at, expires_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (source, secret) DO UPDATE SET expires_at = excluded.expires_at
            """, arguments: [source, parsed.encoded, nowMillis, expiresAt])
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM inbound_secret WHERE source = ? AND secret = ?", arguments: [source, parsed.encoded])!
        return InboundSecret(id: id, source: source, secret: parsed, createdAt: nowMillis, expiresAt: expiresAt)
    }

    public static func remove(id: Int64, in db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM inbound_secret WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }
}
