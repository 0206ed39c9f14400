import TestSupport
import Foundation
import GRDB
import Logging
import Messaging
import Metrics
import ServiceKit
import StudioDomain
import Synchronization
import XCTest

/// Two subscriptions from one sender to one receiver, as during a URL migration: the old address is down, the
/// new one was added after an event was already queued for the old. Each subscription is its own lane, ordered
/// on its own; the receiver must apply the late event of the old lane when it finally arrives, not take it for a
/// duplicate because the new lane already delivered a later sequence.
final class TwoSubscriptionTests: XCTestCase {
    /// Hands each request to the receiver's inbox, except those for a URL that is down.
    final class MigratingTransport: WebhookTransport {
        let receiver: TestService
        private let down = Mutex<Set<String>>([])
        init(receiver: TestService) { self.receiver = receiver }
        func set(_ url: String, up: Bool) {
            down.withLock { urls in
                if up { urls.remove(url) } else { urls.insert(url) }
            }
        }

        func post(_ request: OutboundRequest) async -> OutboundResponse {
            guard !down.withLock({ $0.contains(request.url) }) else { return ScriptedTransport.refused }
            return await receiver.deliver(request)
        }
    }

    func testALateEventOfASecondSubscriptionIsAppliedNotLost() async throws {
        // Given a sender with one subscription to the receiver at its old address, which is down
        let clock = TestClock()
        let receiver = try TestService(BareModule(name: "receiver"), clock: clock)
        let transport = MigratingTransport(receiver: receiver)
        var logger = Logger(label: "migration")
        logger.logLevel = .critical
        let sender = try TestSender(transport: transport, clock: clock, maxInFlight: 8, logger: logger, random: { 0 })
        let (database, outbox, dispatcher) = (sender.database, sender.outbox, sender.dispatcher)
        let secret = WebhookSecret.generate().encoded
        let old = "http://old.receiver.invalid/events", new = "http://new.receiver.invalid/events"
        transport.set(old, up: false)
        try await receiver.database.write { db in _ = try InboundSecrets.add(source: "sender", secret: secret, expiresAt: nil, nowMillis: 0, in: db) }
        _ = try await database.write { db in
            try Subscriptions.create(name: "receiver-old", url: old, eventTypes: ["*"], secret: secret, nowMillis: Millis.from(clock.now()), in: db)
        }
        // And event 1 of an aggregate queued for it, its first attempt refused
        let first = try await database.write { db in try outbox.append(WebhookTestEvent(aggregate: "studio:moving", note: "one"), in: db).id }
        await dispatcher.deliverDueOnce()

        // When the operator adds the new address as a second subscription and event 2 goes through it at once
        _ = try await database.write { db in
            try Subscriptions.create(name: "receiver-new", url: new, eventTypes: ["*"], secret: secret, nowMillis: Millis.from(clock.now()), in: db)
        }
        let second = try await database.write { db in try outbox.append(WebhookTestEvent(aggregate: "studio:moving", note: "two"), in: db).id }
        await dispatcher.deliverDueOnce()
        // And the old address comes back and its retries deliver events 1 and 2
        transport.set(old, up: true)
        for _ in 0..<10 {
            clock.advance(.seconds(3600))
            if await dispatcher.deliverDueOnce() == 0, try await pending(database) == 0 { break }
        }

        // Then every delivery was acknowledged, and the receiver applied each event exactly once, the late one included
        let open = try await pending(database)
        XCTAssertEqual(open, 0, "deliveries still open")
        let applied = try await receiver.database.read { db in
            try String.fetchAll(db, sql: "SELECT webhook_id FROM webhook_test_received ORDER BY id")
        }
        XCTAssertEqual(Set(applied), [first, second], "the late event 1 was acknowledged without being applied")
        XCTAssertEqual(applied.count, 2, "each event is applied exactly once")
    }

    private func pending(_ database: any DatabaseWriter) async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status != 'succeeded'") ?? 0 }
    }
}
