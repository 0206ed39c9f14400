import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// A known path asked with a method it does not serve: 405 with `Allow` listing the methods it does
/// serve (RFC 9110 §15.5.6), as a problem document; an unknown path stays 404.
final class MethodNotAllowedTests: XCTestCase {
    func makeService() throws -> BuiltService {
        let configuration = ServiceConfiguration(serviceName: "receiver", port: 0, databasePath: ":memory:", maxBodyBytes: 1 << 20)
        return try buildApplication(configuration, module: BareModule(name: "receiver"), transport: ScriptedTransport())
    }

    func testAnUndeclaredMethodOnAKnownPathIs405WithAllow() async throws {
        let service = try makeService()
        let operatorToken = try await service.environment.database.write { db in try Tokens.issue(role: .operator, subject: nil, label: nil, nowMillis: 0, in: db).token }
        try await service.application.test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/health", .post, "GET"), ("/health", .delete, "GET"), ("/openapi.yaml", .put, "GET"),
                ("/events", .get, "POST"), ("/ops/subscriptions", .delete, "GET, POST"),
                ("/ops/subscriptions/abc", .put, "GET, PATCH"), ("/ops/tokens/t1", .get, "DELETE"),
                ("/ops/queue", HTTPRequest.Method("TRACE")!, "GET"), ("/ops/queue", .options, "GET"), ("/ops/queue/", .head, "GET"),
            ]
            for (path, method, allow) in cases {
                try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(operatorToken)"]) { response in
                    XCTAssertEqual(response.status, .methodNotAllowed, "\(method) \(path)")
                    XCTAssertEqual(response.headers[.allow], allow, "\(method) \(path)")
                    XCTAssertEqual(response.headers[.contentType], "application/problem+json; charset=utf-8")
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let issue = (body?["errors"] as? [[String: Any]])?.first
                    XCTAssertEqual(issue?["code"] as? String, "route.method_not_allowed")
                    XCTAssertEqual(issue?["field"] as? String, "method")
                }
            }
            // Served methods still work, unknown paths are still 404, and a bad token is still 401 first
            try await client.execute(uri: "/health", method: .get) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/nowhere", method: .post) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertNil(response.headers[.allow])
            }
            try await client.execute(uri: "/ops/subscriptions/a/b/c", method: .get) { XCTAssertEqual($0.status, .notFound) }
            try await client.execute(uri: "/ops/queue", method: .delete, headers: [.authorization: "Bearer qzs_forged"]) { XCTAssertEqual($0.status, .unauthorized) }
        }
    }

    func testRouteMethodsMatchTemplatesSegmentBySegment() {
        let routes = RouteMethods()
        routes.set(["GET /applications/{id}", "PUT /applications/:id", "POST /applications/{id}/submit", "GET /applications", "POST /applications"])
        XCTAssertEqual(routes.allowed(at: "/applications/42"), ["GET", "PUT"])
        XCTAssertEqual(routes.allowed(at: "/applications"), ["GET", "POST"])
        XCTAssertEqual(routes.allowed(at: "/applications/42/submit"), ["POST"])
        XCTAssertEqual(routes.allowed(at: "/applications/42/withdraw"), [])
        XCTAssertEqual(routes.allowed(at: "/"), [])
    }

    /// A constant segment beside a parameter (`/experts/import` and `/experts/:expert`): the router takes the
    /// constant, so `Allow` names only its methods (schemathesis found GET, POST, PUT for a POST-only path).
    func testAConstantSegmentBesideAParameterAllowsOnlyItsOwnMethods() {
        let routes = RouteMethods()
        routes.set(["GET /experts/:expert", "PUT /experts/:expert", "POST /experts/import", "GET /experts/import-template.csv"])
        XCTAssertEqual(routes.allowed(at: "/experts/import"), ["POST"])
        XCTAssertEqual(routes.allowed(at: "/experts/import-template.csv"), ["GET"])
        XCTAssertEqual(routes.allowed(at: "/experts/E1"), ["GET", "PUT"])
    }
}
