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
        let occurredAt = now()
        let sequence = try nextSequence(for: event.aggregate, in: db)
        let header = EventHeader(
            id: "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            type: Event.eventType, version: Event.version, occurredAt: occurredAt,
            source: source, aggregate: event.aggregate, sequence: sequence)
        let body = try DomainJSON.encoder().encode(Envelope(header: header, data: event))
        let millis = Millis.from(occurredAt)
        try db.execute(
            sql: """
                INSERT INTO outbox_message (id, type, version, aggregate, sequence, occurred_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [header.id, header.type, header.version, header.aggregate, sequence, millis, body])
        for subscription in try SubscriptionRecord.fetchAll(db, sql: "SELECT * FROM subscription") where subscription.accepts(type: header.type) {
            try DeliveryQueue.enqueue(messageID: header.id, subscriptionID: subscription.id,
                                      aggregate: header.aggregate, sequence: sequence, now: millis, in: db)
        }
        let doorbell = self.doorbell
        db.afterNextTransaction(onCommit: { _ in doorbell.ring() })
        return header
    }

    private func nextSequence(for aggregate: String, in db: Database) throws -> Int64 {
        let last = try Int64.fetchOne(db, sql: "SELECT last_sequence FROM outbox_aggregate WHERE aggregate = ?", arguments: [aggregate]) ?? 0
        try db.execute(
            sql: """
                INSERT INTO outbox_aggregate (aggregate, last_sequence) VALUES (?, ?)
                ON CONFLICT (aggregate) DO UPDATE SET last_sequence = excluded.last_sequence
                """,
            arguments: [aggregate, last + 1])
        return last + 1
    }
}

extension Outbox {
    /// Wakes the dispatcher after an operator changed the queue (replay, re-enabled subscription).
    public func wake() { doorbell.ring() }
}
