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

/// A receiver unreachable for two simulated days (MESSAGING.md §3, §5): the sender's dispatcher tries each
/// lane's head on the standard schedule (0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, ±20 % jitter), dead-letters
/// it after the eighth failure and never lets a later event of the aggregate overtake it; after the receiver
/// recovers, an operator's replay delivers every message with exactly one effect, in order per aggregate.
/// Events are committed at the start of the outage and twelve hours into it; a second replay changes nothing.
///
/// The sender is the real outbox and dispatcher on an in-memory SQLite database with a hand-moved clock; the
/// receiver is a real service's inbox (signature check, dedupe, the `webhook.test` handler's effect) on the
/// same clock, reached through a transport that refuses connections while the receiver is "down".
final class OutageTests: XCTestCase {
    /// Hands each signed request to the receiver's inbox, as its `POST /events` does, or refuses the connection.
    final class SwitchedTransport: WebhookTransport {
        let receiver: TestService
        private let up = Mutex(false)
        init(receiver: TestService) { self.receiver = receiver }
        func set(up value: Bool) { up.withLock { $0 = value } }

        func post(_ request: OutboundRequest) async -> OutboundResponse {
            guard up.withLock({ $0 }) else { return ScriptedTransport.refused }
            return await receiver.deliver(request)
        }
    }

    /// SplitMix64 in -1…1: the jitter draws, deterministic so a failure replays.
    final class SeededJitter: Sendable {
        private let generator: Mutex<SplitMix64>
        init(seed: UInt64) { generator = Mutex(SplitMix64(seed: seed)) }
        func next() -> Double { generator.withLock { $0.nextSigned() } }
    }

    func testTwoDaysUnreachableThenDeadLettersThenReplayDeliversEachOnceInOrder() async throws {
        // Given a sender and a receiver sharing one clock, wired with one secret, the receiver down
        let clock = TestClock()
        let receiver = try TestService(BareModule(name: "receiver"), clock: clock)
        let transport = SwitchedTransport(receiver: receiver)
        let jitter = SeededJitter(seed: 20261124)
        let policy = RetryPolicy.standard
        var logger = Logger(label: "outage")
        logger.logLevel = .critical  // 48 failed attempts and 6 dead letters are the point, not noise for the log
        let sender = try TestSender(transport: transport, clock: clock, policy: policy, logger: logger, random: { jitter.next() })
        let (database, outbox, dispatcher) = (sender.database, sender.outbox, sender.dispatcher)
        let secret = WebhookSecret.generate().encoded
        _ = try await database.write { db in
            try Subscriptions.create(name: "receiver", url: "http://receiver.invalid/events", eventTypes: ["*"], secret: secret,
                                     nowMillis: Millis.from(clock.now()), in: db)
        }
        try await receiver.database.write { db in _ = try InboundSecrets.add(source: "sender", secret: secret, expiresAt: nil, nowMillis: 0, in: db) }

        // When six aggregates commit five events each, interleaved, at the start of the outage, and three more
        // aggregates three events each twelve hours into it
        let early = (1...6).map { "studio:outage-\($0)" }, late = (7...9).map { "studio:outage-\($0)" }
        let aggregates = early + late
        var emitted: [String: [String]] = [:]
        var firstAttemptDue: [String: Int64] = [:]
        func emit(_ group: [String], rounds: Int) async throws {
            for round in 1...rounds {
                for aggregate in group {
                    let id = try await database.write { db in try outbox.append(WebhookTestEvent(aggregate: aggregate, note: "\(aggregate) #\(round)"), in: db).id }
                    emitted[aggregate, default: []].append(id)
                    if round == 1 { firstAttemptDue[id] = Millis.from(clock.now()) }
                }
            }
        }
        try await emit(early, rounds: 5)
        let start = clock.now()
        let lateAt = start.addingTimeInterval(12 * 3600)
        var lateEmitted = false

        // And the dispatcher runs for two simulated days, the clock jumping to each next due attempt
        let twoDays = start.addingTimeInterval(2 * 86400)
        var passes = 0
        while true {
            await dispatcher.deliverDueOnce()
            passes += 1
            let next = try await database.read { db in
                try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM delivery WHERE status = 'ready'")
            }
            if !lateEmitted, next.map({ Millis.date($0) > lateAt }) ?? true {
                clock.advance(.milliseconds(Millis.from(lateAt) - Millis.from(clock.now())))
                try await emit(late, rounds: 3)
                lateEmitted = true
                continue
            }
            guard let next, Millis.date(next) <= twoDays else { break }
            let now = Millis.from(clock.now())
            if next > now { clock.advance(.milliseconds(next - now)) }
            XCTAssertLessThan(passes, 1000, "the dispatcher never settled")
            if passes >= 1000 { return }
        }
        clock.advance(.milliseconds(Millis.from(twoDays) - Millis.from(clock.now())))
        let attemptedAtTheEnd = await dispatcher.deliverDueOnce()
        XCTAssertEqual(attemptedAtTheEnd, 0, "a dead letter is never retried on its own")

        // Then each lane's head was tried exactly eight times, on the schedule within ±20 %, then dead-lettered
        let heads = Set(aggregates.map { emitted[$0]![0] })
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.message_id, d.status, d.attempts, d.completed_at, a.attempted_at, a.outcome FROM delivery d
                LEFT JOIN delivery_attempt a ON a.delivery_id = d.id ORDER BY d.id, a.id
                """)
        }
        var attempts: [String: [Int64]] = [:]
        var status: [String: String] = [:]
        var completedAt: [String: Int64] = [:]
        for row in rows {
            let id: String = row["message_id"]
            status[id] = row["status"]
            completedAt[id] = row["completed_at"]
            if let at = row["attempted_at"] as Int64? {
                attempts[id, default: []].append(at)
                XCTAssertEqual(row["outcome"] as String, "connection_error")
            }
        }
        let startMillis = Millis.from(start)
        var gapsOffBase = 0
        for head in heads {
            let times = try XCTUnwrap(attempts[head], "head \(head) was never tried")
            XCTAssertEqual(times.count, policy.maxAttempts, "head \(head): \(times.count) attempts")
            XCTAssertEqual(times.first, firstAttemptDue[head], "the first attempt is immediate")
            for k in 1..<times.count {
                let gap = Double(times[k] - times[k - 1])
                let base = Double(policy.delays[k].milliseconds)
                XCTAssertGreaterThanOrEqual(gap, base * 0.8 - 1, "attempt \(k + 1) of \(head) too early: \(gap) ms after the previous, base \(base)")
                XCTAssertLessThanOrEqual(gap, base * 1.2 + 1, "attempt \(k + 1) of \(head) too late: \(gap) ms after the previous, base \(base)")
                if abs(gap - base) > 1 { gapsOffBase += 1 }
            }
            XCTAssertEqual(status[head], "dead")
            XCTAssertEqual(completedAt[head], times.last, "dead-lettered at the last attempt")
            XCTAssertLessThanOrEqual(Millis.date(times.last!), twoDays)
            // The unjittered span is 27 h 35 min 5 s; with ±20 % jitter it lies within 22 h and 33.1 h.
            let span = Double(times.last! - times.first!) / 3_600_000
            XCTAssertTrue((22.0...33.2).contains(span), "head \(head) dead after \(span) h")
        }
        XCTAssertGreaterThan(gapsOffBase, 0, "the jitter moved the attempts off the bare schedule")
        for aggregate in aggregates {
            for later in emitted[aggregate]!.dropFirst() {
                XCTAssertEqual(status[later], "queued", "\(later) waits behind its dead head")
                XCTAssertNil(attempts[later], "\(later) never overtook its head")
            }
        }
        let dead = try await database.read { db in try MessagingOperations.deadLetters(subscriptionId: nil, limit: 100, in: db) }
        XCTAssertEqual(Set(dead.map(\.messageId)), heads)
        XCTAssertTrue(dead.allSatisfy { $0.attemptLog?.count == policy.maxAttempts })
        let appliedDuringOutage = try await receiver.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_test_received") }
        XCTAssertEqual(appliedDuringOutage, 0)

        // When the receiver recovers and an operator replays the dead letters of the outage
        transport.set(up: true)
        let replayed = try await database.write { db in
            try MessagingOperations.replay(from: start.addingTimeInterval(-1), to: clock.now(), subscriptionID: nil, onlyDead: true,
                                           nowMillis: Millis.from(clock.now()), in: db)
        }
        XCTAssertEqual(replayed, heads.count)
        func deliverAll() async throws {
            for _ in 0..<20 {
                if await dispatcher.deliverDueOnce() == 0 { break }
            }
        }
        try await deliverAll()

        // Then every message arrived once, each aggregate in order 1…5, and the outbox is empty
        func applied() async throws -> [Row] {
            try await receiver.database.read { db in try Row.fetchAll(db, sql: "SELECT webhook_id, aggregate, sequence FROM webhook_test_received ORDER BY id") }
        }
        let total = emitted.values.reduce(0) { $0 + $1.count }
        XCTAssertEqual(total, 39)
        func assertExactlyOnceInOrder(_ rows: [Row], _ label: String) {
            XCTAssertEqual(rows.count, total, label)
            XCTAssertEqual(Set(rows.map { $0["webhook_id"] as String }).count, rows.count, "\(label): an event applied twice")
            for aggregate in aggregates {
                let mine = rows.filter { ($0["aggregate"] as String) == aggregate }
                XCTAssertEqual(mine.map { $0["sequence"] as Int64 }, Array(1...Int64(emitted[aggregate]!.count)), "\(label): \(aggregate) out of order")
                XCTAssertEqual(mine.map { $0["webhook_id"] as String }, emitted[aggregate]!, label)
            }
        }
        assertExactlyOnceInOrder(try await applied(), "after the replay")
        let open = try await database.read { db in try MessagingOperations.queueDepth(in: db) }
        XCTAssertEqual(open.pending, 0)
        XCTAssertEqual(open.dead, 0)

        // And replaying the whole period again (an operator's second try) has no second effect
        let again = try await database.write { db in
            try MessagingOperations.replay(from: start.addingTimeInterval(-1), to: clock.now(), subscriptionID: nil, onlyDead: false,
                                           nowMillis: Millis.from(clock.now()), in: db)
        }
        XCTAssertEqual(again, total)
        try await deliverAll()
        assertExactlyOnceInOrder(try await applied(), "after a second replay")
        let inbox = try await receiver.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_message") }
        XCTAssertEqual(inbox, total)
        let hours = Double(Millis.from(clock.now()) - startMillis) / 3_600_000
        print(String(format: "outage: %d messages on %d aggregates (%d committed 12 h in), %d heads dead after 8 attempts each, %d attempts in all, %.1f simulated hours; "
                     + "replay delivered all %d once, in order; a second replay had no effect", total, aggregates.count, late.count * 3, heads.count,
                     attempts.values.reduce(0) { $0 + $1.count }, hours, total))
    }
}
