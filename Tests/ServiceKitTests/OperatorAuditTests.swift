import TestSupport
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import XCTest

/// The audit log covers what an auditor asks for: the operator's actions on every service (tokens issued and
/// revoked, subscriptions created, changed and re-keyed, replays, inbound secrets) are entries of the hash
/// chain, written in the action's own transaction, naming the operator's token and never a secret.
final class OperatorAuditTests: XCTestCase {
    func testEveryOperatorActionIsInTheAuditChainWithoutItsSecrets() async throws {
        let service = try TestService(BareModule(name: "sender"))
        let operatorToken = try service.token(.operator)
        let operatorID = try await service.database.read { db in try String.fetchOne(db, sql: "SELECT id FROM api_token WHERE role = 'operator'") }
        let auth: HTTPFields = [.authorization: "Bearer \(operatorToken)", .contentType: "application/json"]
        func send(_ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
            try await service.built.application.test(.router) { client in
                try await client.execute(uri: uri, method: method, headers: auth, body: json.map { ByteBuffer(string: $0) }) {
                    ($0.status, (try? JSONSerialization.jsonObject(with: Data(buffer: $0.body))) as? [String: Any] ?? [:])
                }
            }
        }
        let issued = try await send(.post, "/ops/tokens", #"{"role":"department","label":"经济工作部"}"#)
        XCTAssertEqual(issued.0, .created)
        let token = try XCTUnwrap(issued.1["token"] as? String)
        let tokenID = try XCTUnwrap((issued.1["info"] as? [String: Any])?["id"] as? String)
        do { let reply = try await send(.delete, "/ops/tokens/\(tokenID)"); XCTAssertEqual(reply.0, .noContent) }
        let created = try await send(.post, "/ops/subscriptions", #"{"name":"receiver","url":"http://127.0.0.1:1/events","eventTypes":["*"]}"#)
        XCTAssertEqual(created.0, .created)
        let subscription = try XCTUnwrap(created.1["id"] as? String)
        let firstSecret = try XCTUnwrap(created.1["secret"] as? String)
        do { let reply = try await send(.patch, "/ops/subscriptions/\(subscription)", #"{"active":false}"#); XCTAssertEqual(reply.0, .ok) }
        let rotated = try await send(.post, "/ops/subscriptions/\(subscription)/rotate-secret", #"{"graceSeconds":3600}"#)
        XCTAssertEqual(rotated.0, .ok)
        let newSecret = try XCTUnwrap(rotated.1["secret"] as? String)
        let now = service.clock.now()
        let range = #"{"from":"\#(RFC3339.string(from: now.addingTimeInterval(-3600)))","to":"\#(RFC3339.string(from: now.addingTimeInterval(3600)))"}"#
        do { let reply = try await send(.post, "/ops/replay", range); XCTAssertEqual(reply.0, .ok) }
        let inbound = try await send(.post, "/ops/inbound-secrets", #"{"source":"intake","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#)
        XCTAssertEqual(inbound.0, .created)
        let inboundID = try XCTUnwrap(inbound.1["id"] as? Int)
        do { let reply = try await send(.delete, "/ops/inbound-secrets/\(inboundID)"); XCTAssertEqual(reply.0, .noContent) }
        // A refused action writes no entry
        do { let reply = try await send(.delete, "/ops/tokens/tok_missing"); XCTAssertEqual(reply.0, .notFound) }

        let (entries, verification) = try await service.database.read { db in
            (try Row.fetchAll(db, sql: "SELECT actor_role, actor_subject, action, subject, details FROM audit_log ORDER BY seq"), try AuditLog.verify(in: db))
        }
        XCTAssertEqual(entries.map { $0["action"] as String }, [
            "ops.token.issued", "ops.token.revoked", "ops.subscription.created", "ops.subscription.changed",
            "ops.subscription.secret_rotated", "ops.replay.range", "ops.inbound_secret.added", "ops.inbound_secret.removed",
        ])
        XCTAssertTrue(verification.intact)
        XCTAssertEqual(Set(entries.map { $0["actor_role"] as String }), ["operator"])
        XCTAssertEqual(Set(entries.map { $0["actor_subject"] as String? }), [operatorID])
        XCTAssertEqual(entries[0]["subject"] as String, "token:\(tokenID)")
        XCTAssertTrue((entries[0]["details"] as String).contains("department"))
        XCTAssertTrue((entries[4]["details"] as String).contains("3600"))
        let all = entries.map { $0["details"] as String }.joined()
        for secret in [token, firstSecret, newSecret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", operatorToken] {
            XCTAssertFalse(all.contains(secret), "a secret in the audit log")
        }
    }
}
