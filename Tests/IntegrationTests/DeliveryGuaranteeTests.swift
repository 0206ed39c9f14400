import Foundation
import XCTest

/// The delivery contract between two real service processes over real HTTP and libcurl
/// (MESSAGING.md): nothing lost, nothing applied twice, each aggregate in order.
final class DeliveryGuaranteeTests: XCTestCase {
    /// Checks what the receiver applied: exactly `aggregates × perAggregate` events, each once, and
    /// each aggregate's events in sequence order 1, 2, 3, …
    func assertExactlyOnceInOrder(_ received: [[String: Any]], aggregates: Int, perAggregate: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(received.count, aggregates * perAggregate, "events applied", file: file, line: line)
        let ids = received.compactMap { $0["webhookId"] as? String }
        XCTAssertEqual(Set(ids).count, ids.count, "an event was applied twice", file: file, line: line)
        var sequences: [String: [Int]] = [:]
        for event in received {
            sequences[event["aggregate"] as? String ?? "?", default: []].append(event["sequence"] as? Int ?? -1)
        }
        XCTAssertEqual(sequences.count, aggregates, file: file, line: line)
        for (aggregate, order) in sequences {
            XCTAssertEqual(order, Array(1...perAggregate), "\(aggregate) out of order", file: file, line: line)
        }
    }

    func testReceiverDownWhileSenderCommitsThenEverythingArrivesOnceInOrder() throws {
        // Given two running services, wired, and the receiver stopped cleanly (SIGTERM)
        let pair = try WiredPair()
        defer { pair.cleanUp() }
        try pair.sender.start()
        try pair.receiver.start()
        XCTAssertEqual(pair.receiver.stop(), 0, "SIGTERM is a clean exit")

        // When the sender commits 1,000 events across 50 aggregates
        let started = Date()
        try pair.commitEvents(aggregates: 50, perAggregate: 20)
        let committed = Date()
        let queue = try pair.senderAPI.call("GET", "/ops/queue").object
        XCTAssertEqual(queue["pending"] as? Int, 1000, "all committed events wait in the outbox")
        XCTAssertEqual(queue["dead"] as? Int, 0)

        // And the receiver comes back
        try pair.receiver.start()
        let received = try pair.waitForReceived(1000, timeout: 120)
        let drained = Date()

        // Then every event was applied exactly once, each aggregate in order, and the outbox is empty
        assertExactlyOnceInOrder(received, aggregates: 50, perAggregate: 20)
        let after = try pair.senderAPI.call("GET", "/ops/queue").object
        XCTAssertEqual(after["pending"] as? Int, 0)
        XCTAssertEqual(after["dead"] as? Int, 0)
        print(String(format: "receiver-down: committed 1000 events in %.2f s, drained in %.2f s after restart", committed.timeIntervalSince(started), drained.timeIntervalSince(committed)))
    }

    func testSenderKilledMidDeliveryLosesNothingAndAppliesNothingTwice() throws {
        // Given 1,000 events committed while the receiver is down
        let pair = try WiredPair()
        defer { pair.cleanUp() }
        try pair.sender.start()
        try pair.commitEvents(aggregates: 50, perAggregate: 20)

        // When the receiver starts and the sender is SIGKILLed as soon as deliveries flow
        try pair.receiver.start()
        var countAtKill = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            countAtKill = try pair.received().count
            if countAtKill >= 200 { break }
            usleep(10_000)
        }
        pair.sender.kill()
        countAtKill = try pair.received().count
        XCTAssertGreaterThanOrEqual(countAtKill, 200)
        XCTAssertLessThan(countAtKill, 1000, "the kill landed mid-delivery")

        // And restarted on the same database
        try pair.sender.start()
        let received = try pair.waitForReceived(1000, timeout: 120)

        // Then nothing was lost, nothing applied twice, and order held in every aggregate
        assertExactlyOnceInOrder(received, aggregates: 50, perAggregate: 20)
        let queue = try pair.senderAPI.call("GET", "/ops/queue").object
        XCTAssertEqual(queue["pending"] as? Int, 0)
        XCTAssertEqual(queue["dead"] as? Int, 0)
        print("sender-kill: \(countAtKill) of 1000 applied when the sender was killed; all 1000 exactly once after restart")
    }
}
