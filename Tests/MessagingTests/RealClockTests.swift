import TestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import XCTest

/// Signatures, retries, replays and grace periods use the real clock, always: in demo mode, after the business
/// clock has moved days ahead, a replay is due at once and a rotated secret's grace ends on real time.
final class RealClockTests: XCTestCase {
    struct Subscription: Decodable { var id: String; var rotatingUntil: Date? }
    struct Sent: Decodable { var ids: [String] }

    /// Waits (up to two seconds) until the running dispatcher has sent `count` requests in all.
    static func waitForSent(_ count: Int, _ service: TestService, _ message: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        for _ in 0..<200 where service.transport.sent.count < count {
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertEqual(service.transport.sent.count, count, message, file: file, line: line)
    }

    /// A sender in demo mode with one subscription and one delivered message, its demo clock then moved 3 days on.
    func withDemoSender(_ body: @Sendable @escaping (TestService, HTTPFields, String, any TestClientProtocol) async throws -> Void) async throws {
        let service = try TestService(BareModule(name: "sender"), demoClock: true)
        let auth: HTTPFields = [.authorization: "Bearer \(try service.token(.operator))", .contentType: "application/json"]
        try await service.built.application.test(.router) { client in
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"name":"receiver","url":"http://127.0.0.1:1/events","eventTypes":["*"]}"#)) {
                XCTAssertEqual($0.status, .created)
            }
            let messageID = try await client.execute(uri: "/ops/test-events", method: .post, headers: auth, body: ByteBuffer(string: #"{"aggregate":"test:a"}"#)) { response in
                XCTAssertEqual(response.status, .created)
                return try DomainJSON.decoder().decode(Sent.self, from: Data(buffer: response.body)).ids[0]
            }
            try await Self.waitForSent(1, service, "the first delivery")
            try await client.execute(uri: "/ops/clock", method: .post, headers: auth, body: ByteBuffer(string: #"{"advanceDays":3}"#)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await body(service, auth, messageID, client)
        }
    }

    func testReplayIsDueAtOnceAfterTheDemoClockMoved() async throws {
        try await withDemoSender { service, auth, messageID, client in
            // When one message is replayed, then it is delivered at once, not when real time reaches the demo clock
            try await client.execute(uri: "/ops/messages/\(messageID)/replay", method: .post, headers: auth) { XCTAssertEqual($0.status, .ok) }
            try await Self.waitForSent(2, service, "the single-message replay waits for the demo clock")

            // When a time range around it is replayed, the same
            let start = service.clock.now()
            let range = #"{"from":"\#(RFC3339.string(from: start.addingTimeInterval(-3600)))","to":"\#(RFC3339.string(from: start.addingTimeInterval(3600)))","onlyDead":false}"#
            try await client.execute(uri: "/ops/replay", method: .post, headers: auth, body: ByteBuffer(string: range)) { XCTAssertEqual($0.status, .ok) }
            try await Self.waitForSent(3, service, "the range replay waits for the demo clock")
            let next = try await service.database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(next_attempt_at) FROM delivery") }
            XCTAssertLessThanOrEqual(next ?? .max, Millis.from(service.clock.now()))
        }
    }

    func testRotatedSecretGraceEndsOnRealTimeAfterTheDemoClockMoved() async throws {
        try await withDemoSender { service, auth, messageID, client in
            let subscription = try await client.execute(uri: "/ops/subscriptions/receiver/rotate-secret", method: .post, headers: auth,
                                                        body: ByteBuffer(string: #"{"graceSeconds":3600}"#)) { response in
                XCTAssertEqual(response.status, .ok)
                return try DomainJSON.decoder().decode(Subscription.self, from: Data(buffer: response.body))
            }
            // Then the grace ends an hour from real time, not an hour after the demo clock
            let until = try XCTUnwrap(subscription.rotatingUntil)
            XCTAssertEqual(until.timeIntervalSince(service.clock.now()), 3600, accuracy: 1)

            // Within the hour a delivery carries both signatures; two hours later only the new one
            try await client.execute(uri: "/ops/messages/\(messageID)/replay", method: .post, headers: auth) { XCTAssertEqual($0.status, .ok) }
            try await Self.waitForSent(2, service, "the replay after the rotation")
            XCTAssertEqual(service.transport.sent.last?.headers["webhook-signature"]?.split(separator: " ").count, 2)
            service.clock.advance(.seconds(7200))
            try await client.execute(uri: "/ops/messages/\(messageID)/replay", method: .post, headers: auth) { XCTAssertEqual($0.status, .ok) }
            try await Self.waitForSent(3, service, "the replay after the grace")
            XCTAssertEqual(service.transport.sent.last?.headers["webhook-signature"]?.split(separator: " ").count, 1)
        }
    }
}
