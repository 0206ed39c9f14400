import TestSupport
import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain
import XCTest

/// The receiving side (MESSAGING.md §6): signature, dedupe, effect and inbox row in one transaction.
final class InboxTests: XCTestCase {
    let secret = WebhookSecret.generate()
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func makeInbox(handlers: InboxHandlers = InboxHandlers()) throws -> (Inbox, any DatabaseWriter) {
        let database = try ServiceDatabase.open(path: ":memory:", module: BareModule(name: "receiver"))
        try database.write { db in _ = try InboundSecrets.add(source: "sender", secret: secret.encoded, expiresAt: nil, nowMillis: 0, in: db) }
        let fixedNow = now
        return (Inbox(writer: database, handlers: handlers, now: { fixedNow }), database)
    }

    func signed(_ event: some DomainEvent, id: String = "msg_\(UUID().uuidString)", sequence: Int64 = 1, source: String = "sender",
                secret: WebhookSecret? = nil) throws -> (id: String, timestamp: String, signature: String, body: [UInt8]) {
        let header = EventHeader(id: id, type: type(of: event).eventType, version: type(of: event).version, occurredAt: now,
                                 source: source, aggregate: event.aggregate, sequence: sequence)
        let body = Array(try DomainJSON.encoder().encode(Envelope(header: header, data: event)))
        let timestamp = Int64(now.timeIntervalSince1970)
        return (id, String(timestamp), WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret ?? self.secret), body)
    }

    func effects(_ database: any DatabaseWriter) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_test_received")! }
    }

    func testARedeliveredEventHasNoSecondEffect() async throws {
        let (inbox, database) = try makeInbox()
        let message = try signed(WebhookTestEvent(aggregate: "test:1", note: "hello"))
        // When the same event arrives twice
        let first = try await inbox.receive(id: message.id, timestamp: message.timestamp, signature: message.signature, body: message.body)
        let second = try await inbox.receive(id: message.id, timestamp: message.timestamp, signature: message.signature, body: message.body)
        // Then it is applied once and the second is acknowledged as a duplicate
        guard case .applied = first, case .duplicate = second else { return XCTFail("\(first) \(second)") }
        XCTAssertEqual(try effects(database), 1)
    }

    func testAnOlderSequenceIsNotADuplicateByItself() async throws {
        let (inbox, database) = try makeInbox()
        // Given event 2 of an aggregate applied (it came through a second subscription, ahead of event 1)
        let second = try signed(WebhookTestEvent(aggregate: "test:1", note: "two"), sequence: 2)
        guard case .applied = try await inbox.receive(id: second.id, timestamp: second.timestamp, signature: second.signature, body: second.body) else {
            return XCTFail("event 2 was not applied")
        }
        // When event 1, never seen, arrives late through the first subscription
        let first = try signed(WebhookTestEvent(aggregate: "test:1", note: "one"), sequence: 1)
        let late = try await inbox.receive(id: first.id, timestamp: first.timestamp, signature: first.signature, body: first.body)
        // Then it is applied, not acknowledged as a duplicate and lost
        guard case .applied = late else { return XCTFail("a late, unseen event was \(late)") }
        XCTAssertEqual(try effects(database), 2)
        // And its own redelivery is a duplicate with no second effect
        guard case .duplicate = try await inbox.receive(id: first.id, timestamp: first.timestamp, signature: first.signature, body: first.body) else {
            return XCTFail("a redelivery was applied again")
        }
        XCTAssertEqual(try effects(database), 2)
    }

    func testAReplayOfAPrunedEventStillHasNoEffect() async throws {
        let (inbox, database) = try makeInbox()
        // Given events 1 and 2 applied, and their ids pruned from the inbox after the retention
        var messages: [(id: String, timestamp: String, signature: String, body: [UInt8])] = []
        for sequence in [1, 2] as [Int64] {
            let m = try signed(WebhookTestEvent(aggregate: "test:1", note: "n"), sequence: sequence)
            messages.append(m)
            _ = try await inbox.receive(id: m.id, timestamp: m.timestamp, signature: m.signature, body: m.body)
        }
        let later = Millis.from(now) + 8 * 86_400_000
        let pruned = try await database.write { db in
            try MessagingOperations.prune(nowMillis: later, inboxRetention: .seconds(7 * 86400),
                                          outboxRetention: .seconds(7 * 86400), in: db)
        }
        XCTAssertEqual(pruned.inbox, 2)
        // When event 1 is replayed, its id no longer in the inbox
        let replay = messages[0]
        let result = try await inbox.receive(id: replay.id, timestamp: replay.timestamp, signature: replay.signature, body: replay.body)
        // Then the sequence, below what the inbox forgot, still makes it a duplicate
        guard case .duplicate = result else { return XCTFail("a replay of a pruned event was \(result)") }
        // And the next event of the aggregate is applied as usual
        let third = try signed(WebhookTestEvent(aggregate: "test:1", note: "n"), sequence: 3)
        guard case .applied = try await inbox.receive(id: third.id, timestamp: third.timestamp, signature: third.signature, body: third.body) else {
            return XCTFail("event 3 was not applied")
        }
        XCTAssertEqual(try effects(database), 3)
    }

    func testRejectsBadSignaturesAndSecretsOfAnotherSource() async throws {
        let (inbox, database) = try makeInbox()
        let good = try signed(WebhookTestEvent(aggregate: "test:1", note: "n"))
        let wrong = try signed(WebhookTestEvent(aggregate: "test:1", note: "n"), secret: WebhookSecret.generate())
        guard case .unauthorized(.noMatchingSignature) = try await inbox.receive(id: wrong.id, timestamp: wrong.timestamp, signature: wrong.signature, body: wrong.body) else { return XCTFail() }
        guard case .unauthorized(.missingHeader) = try await inbox.receive(id: good.id, timestamp: good.timestamp, signature: nil, body: good.body) else { return XCTFail() }
        // The sender's secret cannot vouch for an event that claims to come from another service.
        let impostor = try signed(WebhookTestEvent(aggregate: "test:1", note: "n"), source: "funding")
        guard case .unauthorized = try await inbox.receive(id: impostor.id, timestamp: impostor.timestamp, signature: impostor.signature, body: impostor.body) else { return XCTFail() }
        XCTAssertEqual(try effects(database), 0)
    }

    func testAHandlerThatRejectsLeavesNoTrace() async throws {
        struct Probe: DomainEvent {
            static let eventType = "probe.happened"
            static let version = 1
            var aggregate: String
            var fail: Bool
        }
        var handlers = InboxHandlers()
        handlers.on(Probe.self) { db, envelope in
            try db.execute(sql: "INSERT INTO webhook_test_received (webhook_id, source, aggregate, sequence, note, received_at) VALUES (?, 'x', 'x', 0, 'half', 0)", arguments: [envelope.id])
            if envelope.data.fail { throw EventRejected([DomainIssue(code: "probe", field: "fail", messageZh: "拒绝", messageEn: "rejected")]) }
        }
        let (inbox, database) = try makeInbox(handlers: handlers)
        let bad = try signed(Probe(aggregate: "probe:1", fail: true))
        guard case .rejected(let issues) = try await inbox.receive(id: bad.id, timestamp: bad.timestamp, signature: bad.signature, body: bad.body) else { return XCTFail() }
        XCTAssertEqual(issues.first?.code, "probe")
        // Neither the half-done effect nor the inbox row survived; the sender's retry will be applied normally.
        XCTAssertEqual(try effects(database), 0)
        let inboxRows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_message")! }
        XCTAssertEqual(inboxRows, 0)
    }

    func testAnUnhandledTypeIsAcknowledgedAndRecordedAsIgnored() async throws {
        struct Unknown: DomainEvent {
            static let eventType = "something.else"
            static let version = 1
            var aggregate: String
        }
        let (inbox, database) = try makeInbox()
        let m = try signed(Unknown(aggregate: "x:1"))
        guard case .ignored = try await inbox.receive(id: m.id, timestamp: m.timestamp, signature: m.signature, body: m.body) else { return XCTFail() }
        let outcome = try await database.read { db in try String.fetchOne(db, sql: "SELECT outcome FROM inbox_message")! }
        XCTAssertEqual(outcome, "ignored")
    }

    func testInboxRetentionNeverFallsBelowTheRetrySpan() {
        let configuration = ServiceConfiguration(serviceName: "x", port: 1, databasePath: ":memory:", inboxRetention: .seconds(60))
        XCTAssertGreaterThan(configuration.inboxRetention, RetryPolicy.standard.span)
        XCTAssertGreaterThan(configuration.inboxRetention, .seconds(27 * 3600))
    }

    /// The secrets are cached (one database read a second at most); a change must still take effect as documented.
    func testSecretChangesReachTheCachedInbox() async throws {
        let (inbox, database) = try makeInbox()
        let first = try signed(WebhookTestEvent(aggregate: "test:cache", note: "n"), sequence: 1)
        guard case .applied = try await inbox.receive(id: first.id, timestamp: first.timestamp, signature: first.signature, body: first.body) else {
            return XCTFail("the configured secret should verify")
        }
        // Given a second secret written straight into the table, as another process (the admin command) would
        let other = WebhookSecret.generate()
        try await database.write { db in
            try db.execute(sql: "INSERT INTO inbound_secret (source, secret, created_at, expires_at) VALUES ('sender', ?, 0, NULL)", arguments: [other.encoded])
        }
        // Then an event signed with it is accepted at once (an unverified signature reloads the cache before a 401)
        let second = try signed(WebhookTestEvent(aggregate: "test:cache", note: "n"), sequence: 2, secret: other)
        guard case .applied = try await inbox.receive(id: second.id, timestamp: second.timestamp, signature: second.signature, body: second.body) else {
            return XCTFail("a secret added by another connection should verify without waiting")
        }
        // When this process removes the first secret, events signed with it are refused at once
        let firstSecret = secret.encoded
        let removed = try await database.write { db -> Bool in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM inbound_secret WHERE secret = ?", arguments: [firstSecret])!
            return try InboundSecrets.remove(id: id, in: db)
        }
        XCTAssertTrue(removed)
        let third = try signed(WebhookTestEvent(aggregate: "test:cache", note: "n"), sequence: 3)
        guard case .unauthorized = try await inbox.receive(id: third.id, timestamp: third.timestamp, signature: third.signature, body: third.body) else {
            return XCTFail("a removed secret must not verify")
        }
        XCTAssertEqual(try effects(database), 2)
    }
}
