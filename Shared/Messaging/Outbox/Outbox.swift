import Foundation
import GRDB
import StudioDomain

/// The transactional outbox (MESSAGING.md §1). `append` runs inside the caller's write transaction,
/// so the state change and its events commit or roll back together; the dispatcher is woken only
/// when that transaction commits.
public struct Outbox: Sendable {
    public let source: String
    let doorbell: Doorbell
    let now: @Sendable () -> Date

    public init(source: String, doorbell: Doorbell, now: @escaping @Sendable () -> Date = Date.init) {
        self.source = source
        self.doorbell = doorbell
        self.now = now
    }

    /// Writes the event and one delivery per active subscription that takes its type.
    @discardableResult
    public func append<Event: DomainEvent>(_ event: Event, in db: Database) throws -> EventHeader {
        try append(event, payloadJSON: nil, in: db)
    }

    /// `append`, with the event's JSON already written by the caller: `payloadJSON` must be exactly the bytes
    /// `DomainJSON.encoder()` writes for `event`, for a caller that writes a large payload faster than the encoder does
    /// (tests hold that, not the transaction: `FormJSONTests` the payload, `OutboxEnvelopeTests` the envelope around it).
    /// Nil encodes `event` as `append` does.
    @discardableResult
    public func append<Event: DomainEvent>(_ event: Event, payloadJSON: String?, in db: Database) throws -> EventHeader {
        let occurredAt = now()
        let sequence = try nextSequence(for: event.aggregate, in: db)
        let header = EventHeader(
            id: Self.messageID(),
            type: Event.eventType, version: Event.version, occurredAt: occurredAt,
            source: source, aggregate: event.aggregate, sequence: sequence)
        let body: Data
        if let payloadJSON {
            body = Self.envelope(header, payloadJSON: payloadJSON)
        } else {
            body = try DomainJSON.encoder().encode(Envelope(header: header, data: event))
        }
        let millis = Millis.from(occurredAt)
        // Cached statements: an append runs in every state-changing request; compiling its SQL each time cost more than running it.
        try db.cachedStatement(sql: """
            INSERT INTO outbox_message (id, type, version, aggregate, sequence, occurred_at, body)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [header.id, header.type, header.version, header.aggregate, sequence, millis, body])
        var enqueued = false
        for subscription in try SubscriptionRecord.fetchAll(try db.cachedStatement(sql: "SELECT * FROM subscription"))
        where subscription.accepts(type: header.type) {
            try DeliveryQueue.enqueue(messageID: header.id, subscriptionID: subscription.id,
                                      aggregate: header.aggregate, sequence: sequence, now: millis, in: db)
            enqueued = true
        }
        // Only a new delivery gives the dispatcher something to do. An event no subscription takes is stored all the
        // same, without waking it: a wake-up is two outbox reads on the dispatcher's task, each a read transaction
        // with its locks and its re-read of page 1, for nothing.
        if enqueued {
            let doorbell = self.doorbell
            db.afterNextTransaction(onCommit: { _ in doorbell.ring() })
        }
        return header
    }

    /// The envelope of `header` around a payload already in JSON, written as the encoder writes an `Envelope` (keys in
    /// sorted order, the same string escapes, the instant through `RFC3339` as `DomainJSON`'s date strategy does).
    static func envelope(_ header: EventHeader, payloadJSON: String) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payloadJSON.utf8.count + 320)
        func key(_ name: String, first: Bool = false) {
            bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            string(name)
            bytes.append(UInt8(ascii: ":"))
        }
        func string(_ text: String) { DomainJSON.appendString(text, to: &bytes) }
        key("aggregate", first: true); string(header.aggregate)
        key("data"); bytes.append(contentsOf: payloadJSON.utf8)
        key("id"); string(header.id)
        key("occurredAt"); string(RFC3339.string(from: header.occurredAt))
        key("sequence"); bytes.append(contentsOf: String(header.sequence).utf8)
        key("source"); string(header.source)
        key("type"); string(header.type)
        key("version"); bytes.append(contentsOf: String(header.version).utf8)
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    /// `msg_` and a UUIDv7's 32 lowercase hex digits (`TimeOrderedID`): the outbox's, the deliveries' and the
    /// receivers' inbox keys then grow at the right edge of their B-trees instead of landing on a random page.
    static func messageID() -> String { TimeOrderedID.hex(prefix: "msg_") }

    private func nextSequence(for aggregate: String, in db: Database) throws -> Int64 {
        let last = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT last_sequence FROM outbox_aggregate WHERE aggregate = ?"),
                                      arguments: [aggregate]) ?? 0
        try db.cachedStatement(sql: """
            INSERT INTO outbox_aggregate (aggregate, last_sequence) VALUES (?, ?)
            ON CONFLICT (aggregate) DO UPDATE SET last_sequence = excluded.last_sequence
            """).execute(arguments: [aggregate, last + 1])
        return last + 1
    }
}

extension Outbox {
    /// Wakes the dispatcher after an operator changed the queue (replay, re-enabled subscription).
    public func wake() { doorbell.ring() }
}
