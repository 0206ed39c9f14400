import TestSupport
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import OpenAPIKit
import ServiceKit
import StudioDomain
import XCTest

/// The kit every service shares: auth, problem+json errors, body limits, /events and the OpenAPI document.
final class ServiceKitHTTPTests: XCTestCase {
    func makeService(maxBodyBytes: Int = 1 << 20) throws -> BuiltService {
        let configuration = ServiceConfiguration(serviceName: "receiver", port: 0, databasePath: ":memory:", maxBodyBytes: maxBodyBytes)
        return try buildApplication(configuration, module: BareModule(name: "receiver"), transport: ScriptedTransport())
    }

    func token(_ service: BuiltService, _ role: Role, subject: String? = nil) throws -> String {
        try service.environment.database.write { db in try Tokens.issue(role: role, subject: subject, label: nil, nowMillis: 0, in: db).token }
    }


    func testHealthReadyAndMetricsArePublic() async throws {
        let service = try makeService()
        try await service.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/ready", method: .get) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/metrics", method: .get) { XCTAssertEqual($0.status, .ok) }
        }
    }

    func testOperationsNeedTheOperatorRole() async throws {
        let service = try makeService()
        let operatorToken = try token(service, .operator)
        let departmentToken = try token(service, .department)
        try await service.application.test(.router) { client in
            try await client.execute(uri: "/ops/queue", method: .get) { response in
                XCTAssertEqual(response.status, .unauthorized)
                XCTAssertEqual(try response.problem.errors.first?.code, "auth.missing_or_invalid_token")
            }
            try await client.execute(uri: "/ops/queue", method: .get, headers: [.authorization: "Bearer qzs_forged"]) {
                XCTAssertEqual($0.status, .unauthorized)
            }
            try await client.execute(uri: "/ops/queue", method: .get, headers: [.authorization: "Bearer \(departmentToken)"]) { response in
                XCTAssertEqual(response.status, .forbidden)
                let issue = try XCTUnwrap(try response.problem.errors.first)
                XCTAssertTrue(issue.messageZh.contains("系统运维"))
                XCTAssertTrue(issue.messageEn.contains("operator"))
            }
            try await client.execute(uri: "/ops/queue", method: .get, headers: [.authorization: "Bearer \(operatorToken)"]) {
                XCTAssertEqual($0.status, .ok)
            }
        }
    }

    func testTokensAreStoredHashedAndCanBeRevoked() async throws {
        let service = try makeService()
        let plain = try token(service, .finance)
        let stored = try await service.environment.database.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM api_token") }
        XCTAssertFalse(stored.contains(plain))
        XCTAssertTrue(stored.contains(Tokens.hash(plain)))
        let id = try await service.environment.database.read { db in try Tokens.list(in: db)[0].id }
        _ = try await service.environment.database.write { db in try Tokens.revoke(id: id, nowMillis: 1, in: db) }
        let identity = try await service.environment.database.read { db in try Tokens.identify(plain, in: db) }
        XCTAssertNil(identity)
    }

    func testBadInputGetsAProblemNamingTheField() async throws {
        let service = try makeService()
        let auth: HTTPFields = [.authorization: "Bearer \(try token(service, .operator))", .contentType: "application/json"]
        try await service.application.test(.router) { client in
            // Malformed JSON
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth, body: ByteBuffer(string: "{\"name\": ")) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertEqual(try response.problem.errors.first?.code, "body.invalid_json")
            }
            // A missing field
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth, body: ByteBuffer(string: #"{"name":"x","url":"http://127.0.0.1:1/events"}"#)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.errors.first?.field, "eventTypes")
            }
            // A wrong type
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth, body: ByteBuffer(string: #"{"name":"x","url":"http://127.0.0.1:1/events","eventTypes":"all"}"#)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.errors.first?.code, "field.type")
            }
            // A bad value, and nothing stored
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth, body: ByteBuffer(string: #"{"name":"x","url":"ftp://nowhere","eventTypes":["*"]}"#)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.errors.first?.field, "url")
            }
            try await client.execute(uri: "/ops/subscriptions", method: .get, headers: auth) { response in
                XCTAssertEqual(String(buffer: response.body), #"{"items":[]}"#)
            }
            // An unknown route
            try await client.execute(uri: "/nowhere", method: .get) { XCTAssertEqual($0.status, .notFound) }
        }
    }

    func testOversizedBodiesGet413() async throws {
        let service = try makeService(maxBodyBytes: 1024)
        let auth: HTTPFields = [.authorization: "Bearer \(try token(service, .operator))"]
        try await service.application.test(.router) { client in
            try await client.execute(uri: "/ops/subscriptions", method: .post, headers: auth, body: ByteBuffer(string: String(repeating: "x", count: 5000))) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
                XCTAssertEqual(try response.problem.errors.first?.code, "request.too_large")
            }
            try await client.execute(uri: "/events", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 5000))) {
                XCTAssertEqual($0.status, .contentTooLarge)
            }
        }
    }

    func testBodyLimitOverridesMatchWholeSegments() {
        let attachments = BodyLimitOverride("/applications/*/attachments", limit: 10)
        XCTAssertTrue(attachments.matches("/applications/abc/attachments"))
        XCTAssertFalse(attachments.matches("/applications/abc/attachments/extra"))
        XCTAssertFalse(attachments.matches("/applications/attachments"))
        XCTAssertFalse(attachments.matches("/rounds/abc/attachments"))
    }

    func testEventsAnswers401ToMissingWrongAndStaleSignaturesAnd200ToGoodOnes() async throws {
        let service = try makeService()
        let secret = WebhookSecret.generate()
        try await service.environment.database.write { db in _ = try InboundSecrets.add(source: "sender", secret: secret.encoded, expiresAt: nil, nowMillis: 0, in: db) }
        let header = EventHeader(id: "msg_1", type: WebhookTestEvent.eventType, version: 1, occurredAt: Date(), source: "sender", aggregate: "test:1", sequence: 1)
        let body = try DomainJSON.encoder().encode(Envelope(header: header, data: WebhookTestEvent(aggregate: "test:1", note: "hi")))
        @Sendable func headers(timestamp: Int64, secret: WebhookSecret) -> HTTPFields {
            var fields = HTTPFields()
            for (name, value) in WebhookSignature.headers(id: "msg_1", timestamp: timestamp, body: Array(body), secrets: [secret]) {
                fields[HTTPField.Name(name)!] = value
            }
            return fields
        }
        let now = Int64(Date().timeIntervalSince1970)
        try await service.application.test(.router) { client in
            try await client.execute(uri: "/events", method: .post, body: ByteBuffer(data: body)) { XCTAssertEqual($0.status, .unauthorized) }
            try await client.execute(uri: "/events", method: .post, headers: headers(timestamp: now, secret: .generate()), body: ByteBuffer(data: body)) { XCTAssertEqual($0.status, .unauthorized) }
            try await client.execute(uri: "/events", method: .post, headers: headers(timestamp: now - 600, secret: secret), body: ByteBuffer(data: body)) { response in
                XCTAssertEqual(response.status, .unauthorized)
                XCTAssertTrue(try response.problem.errors[0].messageEn.contains("5 minutes"))
            }
            try await client.execute(uri: "/events", method: .post, headers: headers(timestamp: now, secret: secret), body: ByteBuffer(data: body)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(String(buffer: response.body).contains("applied"))
            }
            try await client.execute(uri: "/events", method: .post, headers: headers(timestamp: now, secret: secret), body: ByteBuffer(data: body)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(String(buffer: response.body).contains("duplicate"))
            }
        }
    }

    func testTheDemoClockExistsOnlyInDemoModeAndMovesBusinessTimeForward() async throws {
        let production = try makeService()
        XCTAssertFalse(production.routes.contains { $0.contains("clock") })
        let demo = try buildApplication(ServiceConfiguration(serviceName: "receiver", port: 0, databasePath: ":memory:", demoClock: true),
                                        module: BareModule(name: "receiver"), transport: ScriptedTransport())
        let operatorToken = try token(demo, .operator)
        let before = demo.environment.now()
        try await demo.application.test(.router) { client in
            try await client.execute(uri: "/ops/clock", method: .post, headers: [.authorization: "Bearer \(operatorToken)"], body: ByteBuffer(string: #"{"advanceDays": 400}"#)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await client.execute(uri: "/ops/clock", method: .post, headers: [.authorization: "Bearer \(operatorToken)"], body: ByteBuffer(string: #"{"now": "2020-01-01T00:00:00Z"}"#)) { response in
                XCTAssertEqual(response.status, .conflict)
                XCTAssertEqual(try response.problem.errors.first?.code, "clock.backwards")
            }
        }
        XCTAssertEqual(demo.environment.now().timeIntervalSince(before), 400 * 86400, accuracy: 5)
        XCTAssertTrue(OpenAPIContract.operations(in: try OpenAPIContract.kitDocument()).contains("post /ops/clock"))
    }

    /// The kit's document (what every service's file carries), parsed with OpenAPIKit, against a service with
    /// nothing of its own, in demo and in production mode: every route documented, nothing else, served as it is.
    func testTheKitsOpenAPIDocumentDescribesEveryRoute() async throws {
        let file = try BareModule(name: "receiver").openAPIDocument()
        for demoClock in [true, false] {
            let configuration = ServiceConfiguration(serviceName: "receiver", port: 0, databasePath: ":memory:", demoClock: demoClock)
            let service = try buildApplication(configuration, module: BareModule(name: "receiver"), transport: ScriptedTransport())
            let mismatches = try await OpenAPIContract.mismatches(built: service, file: file)
            XCTAssertEqual(mismatches, [], "demo clock \(demoClock)")
        }
        let document = try OpenAPIContract.parse(file)
        XCTAssertEqual(document.openAPIVersion, .v3_1_0)
        XCTAssertEqual(OpenAPIContract.bareObjects(in: document), [], "every object schema names its fields")
    }

}
