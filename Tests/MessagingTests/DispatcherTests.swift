import TestSupport
import Foundation
import GRDB
import Messaging
import StudioDomain
import XCTest

/// Delivery, retries, dead letters, 410, 429 and per-aggregate order (MESSAGING.md §1–4), with a
/// scripted transport and a hand-moved clock.
final class DispatcherTests: XCTestCase {
    func testAHealthyDeliveryIsSignedSentAndMarkedSucceeded() async throws {
        let fixture = try SenderFixture()
        let ids = try fixture.emit(aggregate: "studio:1")
        let attempted = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted, 1)
        XCTAssertEqual(try fixture.deliveryStatus(ids[0]), "succeeded")
        let sent = try XCTUnwrap(fixture.transport.sent.first)
        XCTAssertEqual(sent.headers["webhook-id"], ids[0])
        // The receiver's side of the contract verifies what we sent.
        XCTAssertNoThrow(try WebhookSignature.verify(id: sent.headers["webhook-id"], timestamp: sent.headers["webhook-timestamp"],
                                                     signature: sent.headers["webhook-signature"], body: sent.body,
                                                     secrets: [try WebhookSecret(fixture.subscription.secret)], now: fixture.clock.now()))
        XCTAssertEqual(sent.header.source, "sender")
        XCTAssertEqual(sent.header.sequence, 1)
    }

    func testARolledBackTransactionLeavesNoEvent() throws {
        let fixture = try SenderFixture()
        struct Boom: Error {}
        XCTAssertThrowsError(try fixture.database.write { db in
            try fixture.outbox.append(WebhookTestEvent(aggregate: "studio:1", note: "x"), in: db)
            throw Boom()
        })
        let counts = try fixture.database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery")!)
        }
        XCTAssertEqual(counts.0, 0)
        XCTAssertEqual(counts.1, 0)
    }

    func testFailuresFollowTheScheduleThenDeadLetter() async throws {
        // Given a receiver that always answers 500, and no jitter
        let fixture = try SenderFixture(jitter: 0)
        fixture.transport.answer { _ in ScriptedTransport.status(500) }
        let id = try fixture.emit(aggregate: "studio:1")[0]

        // Each failure reschedules at the schedule's next delay, and nothing is sent early.
        let expected: [Duration] = [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000), .seconds(36000)]
        for (index, delay) in expected.enumerated() {
            let attempted1 = await fixture.dispatcher.deliverDueOnce()
            XCTAssertEqual(attempted1, 1, "attempt \(index + 1)")
            let row = try XCTUnwrap(fixture.delivery(id))
            XCTAssertEqual(row["status"] as String, "ready")
            XCTAssertEqual(row["attempts"] as Int, index + 1)
            XCTAssertEqual(row["next_attempt_at"] as Int64, Millis.from(fixture.clock.now()) + delay.milliseconds)
            fixture.clock.advance(delay - .milliseconds(1))
            let attempted2 = await fixture.dispatcher.deliverDueOnce()
            XCTAssertEqual(attempted2, 0, "not due before its time")
            fixture.clock.advance(.milliseconds(1))
        }
        // The 8th attempt fails too: dead letter, never dropped.
        let attempted3 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted3, 1)
        XCTAssertEqual(try fixture.deliveryStatus(id), "dead")
        let dead = try await fixture.database.read { db in try MessagingOperations.deadLetters(subscriptionId: nil, limit: 10, in: db) }
        XCTAssertEqual(dead.map(\.messageId), [id])
        XCTAssertEqual(dead[0].attemptLog?.count, 8)
        XCTAssertEqual(dead[0].attemptLog?.allSatisfy { $0.statusCode == 500 && $0.outcome == "http_error" }, true)

        // When an operator replays it and the receiver has recovered
        fixture.transport.answer { _ in ScriptedTransport.status(204) }
        let replayed = try await fixture.database.write { db in try MessagingOperations.replay(messageID: id, subscriptionID: nil, nowMillis: Millis.from(fixture.clock.now()), in: db) }
        XCTAssertEqual(replayed, 1)
        let attempted4 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted4, 1)
        XCTAssertEqual(try fixture.deliveryStatus(id), "succeeded")
    }

    func testARefusedConnectionAndATimeoutAreFailures() async throws {
        let fixture = try SenderFixture(jitter: 0)
        fixture.transport.answer { _ in ScriptedTransport.refused }
        let id = try fixture.emit(aggregate: "studio:1")[0]
        await fixture.dispatcher.deliverDueOnce()
        let row = try XCTUnwrap(fixture.delivery(id))
        XCTAssertEqual(row["attempts"] as Int, 1)
        XCTAssertEqual(row["last_error"] as String?, "Couldn't connect to server")
        fixture.clock.advance(.seconds(5))
        fixture.transport.answer { _ in OutboundResponse(statusCode: nil, retryAfter: nil, body: [], failure: .timeout("Timeout was reached"), latency: .seconds(10)) }
        await fixture.dispatcher.deliverDueOnce()
        let outcomes = try await fixture.database.read { db in try String.fetchAll(db, sql: "SELECT outcome FROM delivery_attempt ORDER BY id") }
        XCTAssertEqual(outcomes, ["connection_error", "timeout"])
    }

    func testGoneDisablesTheSubscriptionAndKeepsTheMessage() async throws {
        let fixture = try SenderFixture()
        fixture.transport.answer { _ in ScriptedTransport.status(410) }
        let id = try fixture.emit(aggregate: "studio:1")[0]
        await fixture.dispatcher.deliverDueOnce()
        let subscription = try await fixture.database.read { db in try Subscriptions.find("receiver", in: db) }
        XCTAssertEqual(subscription.status, .disabled)
        XCTAssertTrue(subscription.disabledReason?.contains("410") ?? false)
        // Nothing more is sent while it is disabled, and the message is still pending, not dead.
        try fixture.emit(aggregate: "studio:2")
        fixture.clock.advance(.seconds(3600))
        let attempted5 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted5, 0)
        XCTAssertEqual(try fixture.deliveryStatus(id), "ready")
        // Re-enabled, it delivers.
        fixture.transport.answer { _ in ScriptedTransport.status(200) }
        _ = try await fixture.database.write { db in try Subscriptions.update("receiver", url: nil, eventTypes: nil, active: true, nowMillis: 0, in: db) }
        let attempted6 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted6, 2)
        XCTAssertEqual(try fixture.deliveryStatus(id), "succeeded")
    }

    func testTooManyRequestsPausesTheWholeSubscriptionHonouringRetryAfter() async throws {
        let fixture = try SenderFixture(jitter: 0)
        fixture.transport.answer { _ in ScriptedTransport.status(429, retryAfter: "30") }
        try fixture.emit(aggregate: "studio:1")
        await fixture.dispatcher.deliverDueOnce()
        // A second aggregate, due now, still waits: the subscription as a whole is slowed down.
        try fixture.emit(aggregate: "studio:2")
        fixture.transport.answer { _ in ScriptedTransport.status(200) }
        let attempted7 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted7, 0)
        fixture.clock.advance(.seconds(29))
        let attempted8 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted8, 0)
        fixture.clock.advance(.seconds(1))
        let attempted9 = await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(attempted9, 2)
    }

    func testOrderWithinAnAggregateWithoutBlockingOthers() async throws {
        // Given a receiver that fails every event of aggregate A, and accepts the others
        let fixture = try SenderFixture(jitter: 0)
        fixture.transport.answer { header in ScriptedTransport.status(header.aggregate == "studio:A" ? 503 : 200) }
        let a = try fixture.emit(aggregate: "studio:A", count: 3)
        let b = try fixture.emit(aggregate: "studio:B", count: 3)
        let c = try fixture.emit(aggregate: "studio:C", count: 3)

        // When the dispatcher runs until B and C are done (each pass sends one head per lane)
        for _ in 0..<3 {
            await fixture.dispatcher.deliverDueOnce()
            fixture.clock.advance(.milliseconds(1500))  // past the 503 pause (1 s), before A's 5-second retry
        }

        // Then B and C arrived in order, and only A's first event was ever tried
        let sent = fixture.transport.sent
        XCTAssertEqual(sent.filter { $0.header.aggregate == "studio:B" }.map(\.header.id), b)
        XCTAssertEqual(sent.filter { $0.header.aggregate == "studio:C" }.map(\.header.id), c)
        XCTAssertEqual(Set(sent.filter { $0.header.aggregate == "studio:A" }.map(\.header.id)), [a[0]])
        XCTAssertEqual(try fixture.deliveryStatus(a[1]), "queued")

        // And once A's receiver recovers, A follows in order
        fixture.transport.answer { _ in ScriptedTransport.status(200) }
        fixture.clock.advance(.seconds(10))
        for _ in 0..<3 { await fixture.dispatcher.deliverDueOnce() }
        let aSent = fixture.transport.sent.filter { $0.header.aggregate == "studio:A" && $0.header.id != a[0] }.map(\.header.id)
        XCTAssertEqual(aSent, [a[1], a[2]])
        XCTAssertEqual(fixture.transport.sent.filter { $0.header.aggregate == "studio:A" }.map(\.header.sequence).last, 3)
    }

    /// The running loop (not one pass at a time): after a success a slot goes straight on with the lane's next event
    /// (read in the transaction that recorded the success). Each lane stays in order, every event goes out once, and a
    /// failure ends the run of its own lane only.
    func testTheRunningLoopKeepsLanesInOrderAndAFailureStopsOnlyItsLane() async throws {
        let fixture = try SenderFixture()
        // Given lane a answers 500 to its 5th event, lane b always 2xx, 40 events each
        fixture.transport.answer { header in
            header.aggregate == "lane:a" && header.sequence == 5 ? ScriptedTransport.status(500) : ScriptedTransport.status(200)
        }
        try fixture.emit(aggregate: "lane:a", count: 40)
        try fixture.emit(aggregate: "lane:b", count: 40)
        // When the dispatcher runs (the test clock stands still, so the failed event's retry, 5 s later, never comes)
        let loop = Task { try await fixture.dispatcher.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        func settled() throws -> Bool {
            try fixture.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE aggregate = 'lane:b' AND status = 'succeeded'") == 40
                    && Int.fetchOne(db, sql: "SELECT attempts FROM delivery WHERE aggregate = 'lane:a' AND sequence = 5") == 1
            }
        }
        while ContinuousClock.now < deadline {
            if try settled() { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(100))  // anything sent out of turn would show now
        loop.cancel()
        _ = await loop.result
        // Then lane b went out once each, in order; lane a stopped at its failure
        let sent = fixture.transport.sent
        XCTAssertEqual(sent.filter { $0.header.aggregate == "lane:b" }.map(\.header.sequence), Array(1...40))
        XCTAssertEqual(sent.filter { $0.header.aggregate == "lane:a" }.map(\.header.sequence), Array(1...5))
        let statuses = try await fixture.database.read { db in
            try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM delivery WHERE aggregate = 'lane:a' GROUP BY status ORDER BY status")
                .map { "\($0["status"] as String)=\($0["n"] as Int)" }
        }
        XCTAssertEqual(statuses, ["queued=35", "ready=1", "succeeded=4"])
    }

    func testADeadHeadBlocksOnlyItsLaneUntilReplayed() async throws {
        let fixture = try SenderFixture(policy: RetryPolicy(delays: [.zero, .seconds(1)]), jitter: 0)
        fixture.transport.answer { header in ScriptedTransport.status(header.sequence == 1 && header.aggregate == "studio:A" ? 500 : 200) }
        let a = try fixture.emit(aggregate: "studio:A", count: 2)
        await fixture.dispatcher.deliverDueOnce()
        fixture.clock.advance(.seconds(1))
        await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(try fixture.deliveryStatus(a[0]), "dead")
        XCTAssertEqual(try fixture.deliveryStatus(a[1]), "queued", "event 2 never overtakes a dead event 1")
        // A time-range replay of dead letters puts the lane back in order.
        fixture.transport.answer { _ in ScriptedTransport.status(200) }
        let now = fixture.clock.now()
        let count = try await fixture.database.write { db in
            try MessagingOperations.replay(from: now.addingTimeInterval(-60), to: now.addingTimeInterval(1), subscriptionID: nil, onlyDead: true, nowMillis: Millis.from(now), in: db)
        }
        XCTAssertEqual(count, 1)
        await fixture.dispatcher.deliverDueOnce()
        await fixture.dispatcher.deliverDueOnce()
        XCTAssertEqual(fixture.transport.sent.filter { $0.header.aggregate == "studio:A" }.map(\.header.sequence), [1, 1, 1, 2])
        XCTAssertEqual(try fixture.deliveryStatus(a[1]), "succeeded")
    }

    func testSubscriptionsFilterEventTypesAndSequencesCountPerAggregate() throws {
        let fixture = try SenderFixture()
        _ = try fixture.database.write { db in
            try Subscriptions.create(name: "only-studios", url: "http://127.0.0.1:2/events", eventTypes: ["studio.*"], secret: nil, nowMillis: 0, in: db)
        }
        let ids = try fixture.emit(aggregate: "studio:1", count: 2) + fixture.emit(aggregate: "studio:2")
        let rows = try fixture.database.read { db in
            try Row.fetchAll(db, sql: "SELECT m.aggregate, m.sequence, COUNT(d.id) AS n FROM outbox_message m LEFT JOIN delivery d ON d.message_id = m.id GROUP BY m.id ORDER BY m.rowid")
        }
        XCTAssertEqual(ids.count, 3)
        XCTAssertEqual(rows.map { $0["sequence"] as Int64 }, [1, 2, 1])
        XCTAssertEqual(rows.map { $0["n"] as Int }, [1, 1, 1], "webhook.test is not a studio.* event")
    }
}
