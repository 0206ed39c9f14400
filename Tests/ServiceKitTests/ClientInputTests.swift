import TestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import XCTest

/// What a client sends is refused with a 422 naming the field when it is valid JSON that cannot mean what it
/// says: an instant on a day the month does not have, a number that does not fit its integer field.
final class ClientInputTests: XCTestCase {
    static func issue(_ response: TestResponse, file: StaticString = #filePath, line: UInt = #line) throws -> DomainIssue {
        XCTAssertEqual(response.status, .unprocessableContent, String(buffer: response.body), file: file, line: line)
        return try XCTUnwrap(try response.problem.errors.first, file: file, line: line)
    }

    func testImpossibleInstantIsRefusedNamingTheField() async throws {
        // Given a service in demo mode (so /ops/clock exists) and a sender's secret
        let service = try TestService(BareModule(name: "receiver"), demoClock: true)
        let token = try service.token(.operator)
        let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        let secret = WebhookSecret.generate()
        _ = try await service.database.write { db in try InboundSecrets.add(source: "intake", secret: secret.encoded, expiresAt: nil, nowMillis: 0, in: db) }
        let impossible = "2026-02-30T00:00:00Z"

        try await service.built.application.test(.router) { client in
            // When a message filter names 30 February, then 422 naming `from` (it used to answer 200 for 2 March)
            try await client.execute(uri: "/ops/messages?from=\(impossible)", method: .get, headers: auth) { response in
                XCTAssertEqual(try Self.issue(response).field, "from")
            }
            try await client.execute(uri: "/ops/messages?to=2025-02-29T00:00:00Z", method: .get, headers: auth) { response in
                XCTAssertEqual(try Self.issue(response).field, "to")
            }
            // A replay range from 30 February: `from`, not "to must be after from"
            try await client.execute(uri: "/ops/replay", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"from":"\#(impossible)","to":"2026-03-01T00:00:00Z"}"#)) { response in
                let issue = try Self.issue(response)
                XCTAssertEqual(issue.field, "from")
                XCTAssertTrue(issue.messageEn.contains(impossible), issue.messageEn)
            }
            // An inbound secret's expiry on 31 April
            try await client.execute(uri: "/ops/inbound-secrets", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"source":"review","secret":"\#(WebhookSecret.generate().encoded)","expiresAt":"2026-04-31T00:00:00Z"}"#)) { response in
                XCTAssertEqual(try Self.issue(response).field, "expiresAt")
            }
            // The demo clock set to 30 February of a year ahead (a forward move, which would be allowed on 2 March)
            try await client.execute(uri: "/ops/clock", method: .post, headers: auth, body: ByteBuffer(string: #"{"now":"2036-02-30T00:00:00Z"}"#)) { response in
                let issue = try Self.issue(response)
                XCTAssertEqual(issue.field, "now")
                XCTAssertEqual(issue.code, "field.invalid")
            }
            // An incoming event, correctly signed, that claims to have occurred on 30 February
            let id = "msg_" + UUID().uuidString.lowercased()
            let body = Array(#"{"aggregate":"test:a","data":{"aggregate":"test:a","note":"n"},"id":"\#(id)","occurredAt":"\#(impossible)","sequence":1,"source":"intake","type":"webhook.test","version":1}"#.utf8)
            let timestamp = Int64(service.clock.now().timeIntervalSince1970)
            let headers: HTTPFields = [
                HTTPField.Name("webhook-id")!: id, HTTPField.Name("webhook-timestamp")!: String(timestamp),
                HTTPField.Name("webhook-signature")!: WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret),
                .contentType: "application/json",
            ]
            try await client.execute(uri: "/events", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                XCTAssertEqual(try Self.issue(response).field, "occurredAt")
            }
        }
        // And nothing was applied or stored
        let applied = try await service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_message") }
        XCTAssertEqual(applied, 0)
        let secrets = try await service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbound_secret") }
        XCTAssertEqual(secrets, 1)
    }

    func testNumberThatDoesNotFitItsIntegerFieldIsRefusedNamingTheField() async throws {
        let service = try TestService(BareModule(name: "sender"))
        let auth: HTTPFields = [.authorization: "Bearer \(try service.token(.operator))", .contentType: "application/json"]
        try await service.built.application.test(.router) { client in
            // A fraction where an integer belongs
            try await client.execute(uri: "/ops/test-events", method: .post, headers: auth, body: ByteBuffer(string: #"{"note":"x","count":1.5}"#)) { response in
                let issue = try Self.issue(response)
                XCTAssertEqual(issue.field, "count")
                XCTAssertEqual(issue.code, "field.not_integer")
                XCTAssertTrue(issue.messageZh.contains("整数"), issue.messageZh)
            }
            // An integer too large for the field
            try await client.execute(uri: "/ops/test-events", method: .post, headers: auth, body: ByteBuffer(string: #"{"count":99999999999999999999}"#)) { response in
                let issue = try Self.issue(response)
                XCTAssertEqual(issue.field, "count")
                XCTAssertEqual(issue.code, "field.out_of_range")
            }
            // Nested, after a number that is fine where it stands
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"name":"r","url":"http://127.0.0.1:1/events","eventTypes":["*"]}"#)) { response in
                XCTAssertEqual(response.status, .created)
            }
            try await client.execute(uri: "/ops/subscriptions/r/rotate-secret", method: .post, headers: auth, body: ByteBuffer(string: #"{"graceSeconds":1e30}"#)) { response in
                XCTAssertEqual(try Self.issue(response).field, "graceSeconds")
            }
            // Invalid JSON stays a 400
            try await client.execute(uri: "/ops/test-events", method: .post, headers: auth, body: ByteBuffer(string: #"{"count":1.5"#)) { response in
                XCTAssertEqual(response.status, .badRequest)
            }
        }
        let sent = try await service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message") }
        XCTAssertEqual(sent, 0)
    }
}
