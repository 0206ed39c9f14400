import Foundation
import GRDB
import StudioDomain
import Synchronization

/// A handler refused the event on its merits (a payload the receiver cannot apply). The sender gets a
/// 422, retries on its schedule and finally dead-letters it, where an operator sees it.
public struct EventRejected: Error, Sendable {
    public var issues: [DomainIssue]
    public init(_ issues: [DomainIssue]) { self.issues = issues }
}

/// What a receiving service does with each event type it takes. Every handler runs inside the inbox
/// transaction: its effect and the inbox row commit together (MESSAGING.md §6).
public struct InboxHandlers: Sendable {
    /// The step that applies one decoded event inside the inbox transaction.
    typealias Apply = @Sendable (Database) throws -> Void
    /// Decodes a body, before the transaction (the writer is the one serial resource, so JSON work stays off it),
    /// into the step that applies it. A body that does not decode gives a step that throws `EventRejected`, so a
    /// duplicate is still recognised first, as when the decoding ran inside.
    typealias Prepare = @Sendable (Data) -> Apply
    private(set) var handlers: [String: Prepare] = [:]

    public init() {
        on(WebhookTestEvent.self) { db, envelope in
            try db.cachedStatement(sql: """
                INSERT INTO webhook_test_received (webhook_id, source, aggregate, sequence, note, received_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [envelope.id, envelope.source, envelope.aggregate, envelope.sequence, envelope.data.note, Millis.now()])
        }
    }

    public mutating func on<Event: DomainEvent>(_ type: Event.Type, _ apply: @escaping @Sendable (Database, Envelope<Event>) throws -> Void) {
        handlers[Event.eventType] = { body in
            let envelope: Envelope<Event>
            do {
                envelope = try DomainJSON.decoder().decode(Envelope<Event>.self, from: body)
            } catch {
                let rejection = EventRejected([DomainIssue(code: "event.payload_invalid", field: "data",
                                                           messageZh: "事件内容无法解析：\(error)", messageEn: "the event payload cannot be decoded: \(error)")])
                return { _ in throw rejection }
            }
            return { db in try apply(db, envelope) }
        }
    }

    public var eventTypes: [String] { handlers.keys.sorted() }
    func handler(for type: String) -> Prepare? { handlers[type] }
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
    let secretCache: InboundSecretCache

    public init(writer: any DatabaseWriter, handlers: InboxHandlers, now: @escaping @Sendable () -> Date = Date.init) {
        self.writer = writer
        self.handlers = handlers
        self.now = now
        committer = GroupCommit.shared(for: writer)
        secretCache = InboundSecretCache(writer)
    }

    public func receive(id: String?, timestamp: String?, signature: String?, body: [UInt8]) async throws -> Result {
        let nowDate = now()
        let nowMillis = Millis.from(nowDate)
        var (secrets, fresh) = try await secretCache.active(nowMillis: nowMillis)
        var matched: WebhookSecret
        do {
            matched = try WebhookSignature.verify(id: id, timestamp: timestamp, signature: signature, body: body,
                                                  secrets: secrets.map(\.secret), now: nowDate)
        } catch {
            // A secret added a moment ago by another process (the admin command) may not be in the cache yet.
            guard !fresh else { return .unauthorized(error) }
            (secrets, fresh) = try await secretCache.active(nowMillis: nowMillis, reload: true)
            do {
                matched = try WebhookSignature.verify(id: id, timestamp: timestamp, signature: signature, body: body,
                                                      secrets: secrets.map(\.secret), now: nowDate)
            } catch {
                return .unauthorized(error)
            }
        }
        let header: EventHeader
        do {
            header = try DomainJSON.decoder().decode(EventHeader.self, from: Data(body))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            // Valid JSON with a field that cannot be what it claims (an instant on 2026-02-30): name the field.
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return .rejected([DomainIssue(code: "event.field_invalid", field: field,
                                          messageZh: "事件字段 \(field) 的值无效：\(context.debugDescription)",
                                          messageEn: "the event field \(field) is invalid: \(context.debugDescription)")])
        } catch {
            return .invalid("the body is not an event envelope: \(error)")
        }
        guard header.id == id else { return .invalid("webhook-id does not match the envelope id") }
        // A secret is issued for one source: it cannot vouch for events claiming another.
        guard secrets.contains(where: { $0.secret == matched && $0.source == header.source }) else {
            return .unauthorized(.noMatchingSignature)
        }
        let apply = handlers.handler(for: header.type).map { prepare in prepare(Data(body)) }
        do {
            return try await committer.write { db -> Result in
                if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM inbox_message WHERE webhook_id = ?)"),
                                     arguments: [header.id]) ?? false {
                    return .duplicate(header)
                }
                // The id is the event's identity. A sequence at or below the aggregate's last one is not a duplicate by
                // itself: a second subscription to this receiver (a URL migration, a replay to a new subscription) is a
                // second lane, and the sender orders each lane, not the two together, so a late event of one lane may
                // follow a later event of the other; it is applied, never acknowledged unseen. Only below the ids the
                // inbox has pruned, where it cannot tell, does the sequence decide (a replay of an event long applied).
                if let forgotten = try Int64.fetchOne(db.cachedStatement(sql: "SELECT forgotten_through FROM inbox_aggregate WHERE source = ? AND aggregate = ?"),
                                                      arguments: [header.source, header.aggregate]),
                   header.sequence <= forgotten {
                    return .duplicate(header)
                }
                try apply?(db)
                try db.cachedStatement(sql: """
                    INSERT INTO inbox_message (webhook_id, source, type, aggregate, sequence, outcome, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [header.id, header.source, header.type, header.aggregate, header.sequence,
                                     apply == nil ? "ignored" : "applied", Millis.from(nowDate)])
                try db.cachedStatement(sql: """
                    INSERT INTO inbox_aggregate (source, aggregate, last_sequence) VALUES (?, ?, ?)
                    ON CONFLICT (source, aggregate) DO UPDATE SET last_sequence = MAX(last_sequence, excluded.last_sequence)
                    """).execute(arguments: [header.source, header.aggregate, header.sequence])
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

/// The receiver's secrets, read from the database at most once a second instead of on every request (the read
/// was about a tenth of a receipt's CPU). Changes made in this process (`InboundSecrets.add/remove`) are seen
/// at once; one made by another process (the admin command) within a second, or at once for a new secret, because
/// a signature no cached secret verifies reloads before answering 401. Expiry is applied on every use.
final class InboundSecretCache: Sendable {
    private struct Entry {
        var secrets: [InboundSecret]
        var loadedAt: ContinuousClock.Instant
        var generation: Int
    }

    static let maxAge: Duration = .seconds(1)
    private let reader: any DatabaseReader
    private let entry = Mutex<Entry?>(nil)

    init(_ reader: any DatabaseReader) { self.reader = reader }

    /// The secrets valid at `nowMillis`, and whether they were read from the database just now.
    func active(nowMillis: Int64, reload: Bool = false) async throws -> (secrets: [InboundSecret], fresh: Bool) {
        let generation = InboundSecrets.generation.load(ordering: .acquiring)
        let cached = entry.withLock { $0 }
        if !reload, let cached, cached.generation == generation, ContinuousClock.now - cached.loadedAt < Self.maxAge {
            return (cached.secrets.filter { $0.isValid(at: nowMillis) }, false)
        }
        let loaded = try await reader.read { db in try InboundSecrets.all(in: db) }
        entry.withLock { $0 = Entry(secrets: loaded, loadedAt: .now, generation: generation) }
        return (loaded.filter { $0.isValid(at: nowMillis) }, true)
    }
}

extension InboundSecret {
    func isValid(at nowMillis: Int64) -> Bool { expiresAt.map { $0 > nowMillis } ?? true }
}

public enum InboundSecrets {
    /// Bumped by every change made in this process, so caches reload at once.
    static let generation = Atomic<Int>(0)

    /// After the commit (a cache reloading between the change and its commit would keep the old rows).
    private static func bumpGenerationAfterCommit(_ db: Database) {
        if db.isInsideTransaction {
            db.afterNextTransaction { _ in generation.add(1, ordering: .releasing) } onRollback: { _ in }
        } else {
            generation.add(1, ordering: .releasing)
        }
    }

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
        bumpGenerationAfterCommit(db)
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM inbound_secret WHERE source = ? AND secret = ?", arguments: [source, parsed.encoded])!
        return InboundSecret(id: id, source: source, secret: parsed, createdAt: nowMillis, expiresAt: expiresAt)
    }

    public static func remove(id: Int64, in db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM inbound_secret WHERE id = ?", arguments: [id])
        bumpGenerationAfterCommit(db)
        return db.changesCount > 0
    }
}
