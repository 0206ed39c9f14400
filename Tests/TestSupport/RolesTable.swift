import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAPIKit
import ServiceKit
import StudioDomain
import XCTest

/// Who may call an operation: anyone (no token needed), the holders of some roles, or only a sender
/// signing with a webhook secret (`POST /events`, where a bearer token counts for nothing).
public enum Access: Sendable, Equatable {
    case everyone
    case roles(Set<Role>)
    case webhookSignature

    public static func only(_ roles: Role...) -> Access { .roles(Set(roles)) }
}

/// Walks every operation of a service's OpenAPI document with every role, no token and an unknown token,
/// and compares the answer with one explicit table. Allowed means the answer is neither 401 nor 403 (a
/// made-up id may well give 404 or 422) and never 5xx; denied means 403 for a valid token of another role,
/// 401 without a token or with an unknown one.
public enum RolesTable {
    /// The kit's operations, the same in every service.
    public static let kit: [String: Access] = [
        "get /health": .everyone, "get /ready": .everyone, "get /metrics": .everyone, "get /openapi.yaml": .everyone,
        "post /events": .webhookSignature,
        "get /ops/subscriptions": .only(.operator), "post /ops/subscriptions": .only(.operator),
        "get /ops/subscriptions/{id}": .only(.operator), "patch /ops/subscriptions/{id}": .only(.operator),
        "post /ops/subscriptions/{id}/rotate-secret": .only(.operator),
        "get /ops/messages": .only(.operator), "get /ops/messages/{id}": .only(.operator),
        "post /ops/messages/{id}/replay": .only(.operator), "post /ops/replay": .only(.operator),
        "get /ops/dead-letters": .only(.operator), "get /ops/queue": .only(.operator),
        "post /ops/test-events": .only(.operator), "get /ops/test-events/received": .only(.operator),
        "get /ops/inbound-secrets": .only(.operator), "post /ops/inbound-secrets": .only(.operator),
        "delete /ops/inbound-secrets/{id}": .only(.operator),
        "get /ops/audit": .only(.operator, .auditOffice, .department), "get /ops/audit/verify": .only(.operator, .auditOffice, .department),
        "get /ops/tokens": .only(.operator), "post /ops/tokens": .only(.operator), "delete /ops/tokens/{id}": .only(.operator),
        "get /ops/clock": .only(.operator), "post /ops/clock": .only(.operator),
    ]

    /// The callers tried on every operation: each role (a screening body with a real code, an expert with an id).
    public static func tokens(for service: TestService) throws -> [(name: String, role: Role?, token: String?)] {
        var callers: [(name: String, role: Role?, token: String?)] = [("no token", nil, nil), ("unknown token", nil, "qzs_" + String(repeating: "x", count: 43))]
        for role in Role.allCases {
            let subject: String? = switch role {
            case .screeningBody: "330802"
            case .expert: "e-roles-table"
            default: nil
            }
            callers.append((role.rawValue, role, try service.token(role, subject: subject)))
        }
        return callers
    }

    /// `/rounds/{round}/experts/{expert}` with made-up ids: numbers, so integer parameters parse too.
    public static func concrete(_ template: String) -> String {
        template.replacing(/\{[A-Za-z0-9_]+\}/, with: "424242")
    }

    /// Checks `document` against `table` by calling `send(method, path, token)`, which answers the status
    /// and body. Returns one line per disagreement (empty when all agree) and the number of calls made.
    public static func check(document: OpenAPI.Document, table: [String: Access], callers: [(name: String, role: Role?, token: String?)],
                             send: (String, String, String?) async throws -> (status: Int, body: String)) async throws -> (failures: [String], calls: Int) {
        var failures: [String] = []
        let operations = OpenAPIContract.operations(in: document)
        for missing in operations.subtracting(table.keys).sorted() { failures.append("\(missing): no row in the roles table") }
        for stale in Set(table.keys).subtracting(operations).sorted() { failures.append("\(stale): in the roles table but not in the OpenAPI document") }
        // What the document declares (x-roles) agrees with the table, for every operation
        let declared = declaredRoles(in: document)
        for (operation, access) in table where operations.contains(operation) {
            switch access {
            case .roles(let roles) where declared[operation] != roles:
                failures.append("\(operation): the document declares x-roles \(declared[operation].map { $0.map(\.rawValue).sorted() } ?? []), the table says \(roles.map(\.rawValue).sorted())")
            case .everyone, .webhookSignature:
                if declared[operation] != nil { failures.append("\(operation): declares x-roles, the table says \(access)") }
            default: break
            }
        }
        var calls = 0
        for operation in operations.sorted() {
            guard let access = table[operation] else { continue }
            let parts = operation.split(separator: " ", maxSplits: 1)
            let method = parts[0].uppercased(), path = concrete(String(parts[1]))
            for caller in callers {
                let (status, body) = try await send(method, path, caller.token)
                calls += 1
                let expectation: String
                let ok: Bool
                switch access {
                case .webhookSignature:
                    // A bearer token is no signature: refused whoever holds it
                    expectation = "4xx (no webhook signature)"
                    ok = (400..<500).contains(status)
                case .everyone where caller.token != nil && caller.role == nil:
                    // A present but unknown token is refused at once, even on public routes (AuthMiddleware)
                    expectation = "401"
                    ok = status == 401
                case .everyone:
                    // Public pages show no personal data (the document only names the fields of its schemas)
                    let leaks = operation.hasSuffix("/openapi.yaml") ? [] : personalData(in: body)
                    expectation = "neither 401/403 nor 5xx, no personal data"
                    ok = status != 401 && status != 403 && status < 500 && leaks.isEmpty
                case .roles(let roles):
                    if let role = caller.role, roles.contains(role) {
                        expectation = "allowed: neither 401/403 nor 5xx"
                        ok = status != 401 && status != 403 && status < 500
                    } else if caller.role == nil {
                        expectation = "401"
                        ok = status == 401
                    } else {
                        expectation = "403"
                        ok = status == 403 && body.contains("auth.forbidden")
                    }
                }
                if !ok { failures.append("\(operation) as \(caller.name): expected \(expectation), got \(status) \(body.prefix(200))") }
            }
        }
        return (failures, calls)
    }

    /// The roles each operation declares in its `x-roles` (the documents' word for who may call it, which
    /// SchemathesisTests also reads to call each operation with a role that may). Public operations
    /// (`security: []`) and `POST /events` (a webhook signature) declare none.
    public static func declaredRoles(in document: OpenAPI.Document) -> [String: Set<Role>] {
        var result: [String: Set<Role>] = [:]
        for (operation, object) in OpenAPIContract.operationObjects(in: document) {
            guard let roles = object.vendorExtensions["x-roles"]?.value as? [Any] else { continue }
            result[operation] = Set(roles.compactMap { ($0 as? String).flatMap(Role.init(rawValue:)) })
        }
        return result
    }

    /// Personal data a public page must never show: resident ID numbers (GB 11643), mobile phone numbers,
    /// unified social credit codes, and the fields that carry them or a person's name.
    public static func personalData(in json: String) -> [String] {
        var found: [String] = []
        if json.contains(/(?:^|[^0-9])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?:[^0-9]|$)/) { found.append("resident ID number") }
        if json.contains(/(?:^|[^0-9])1[3-9][0-9]{9}(?:[^0-9]|$)/) { found.append("mobile phone number") }
        for field in ["idNumber", "phone", "leader", "members", "certificateNumber", "creditCode", "account", "bankAccount", "payee", "siteAddress"]
        where json.contains("\"\(field)\"") {
            found.append("field \(field)")
        }
        return found
    }
}

extension RolesTable {
    /// What walking one service's document gave: the mismatches with the table (empty when all agree), the
    /// calls made and expected (every operation × every caller), and how many operations' summaries declare
    /// their roles.
    public struct Walk: Sendable {
        public var failures: [String]
        public var calls: Int
        public var expectedCalls: Int
        public var declaredOperations: Int
    }

    /// Walks `module` against `table` and fails the test on any answer the table does not allow, on a document
    /// whose summaries declare too few roles, or on a walk that did not make every call it should.
    public static func assertEveryOperationAnswersAsTheTableSays(_ module: some ServiceModule, table: [String: Access],
                                                                file: StaticString = #filePath, line: UInt = #line) async throws {
        let walk = try await walk(module, table: table)
        XCTAssertTrue(walk.failures.isEmpty, walk.failures.joined(separator: "\n"), file: file, line: line)
        XCTAssertGreaterThan(walk.declaredOperations, 10, "the summaries declare their roles", file: file, line: line)
        XCTAssertEqual(walk.calls, walk.expectedCalls, file: file, line: line)
    }

    /// Builds `module` in process and walks every operation of its OpenAPI document with every caller of
    /// `tokens(for:)`, each request carrying an empty JSON object, comparing each answer with `table`.
    public static func walk(_ module: some ServiceModule, table: [String: Access]) async throws -> Walk {
        // Without the module's background services, so that a change during a GET is the GET's.
        let service = try TestService(WithoutBackgroundServices(module), demoClock: true)
        let document = try OpenAPIContract.parse(try module.openAPIDocument())
        let callers = try tokens(for: service)
        // Reads are reads: every GET, whoever calls it, changes no row (issue 14).
        let counter = RowChangeCounter()
        try await counter.watch(service.database)
        return try await service.built.application.test(.router) { client in
            var writingReads: [String] = []
            var (failures, calls) = try await check(document: document, table: table, callers: callers) { method, path, token in
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                let before = counter.count
                let answer = try await client.execute(uri: path, method: HTTPRequest.Method(method)!, headers: headers, body: ByteBuffer(string: "{}")) {
                    (Int($0.status.code), String(buffer: $0.body))
                }
                if method == "GET", counter.count != before { writingReads.append("GET \(path) changed \(counter.count - before) rows (a read must not write)") }
                return answer
            }
            failures += writingReads
            return Walk(failures: failures, calls: calls, expectedCalls: table.count * callers.count,
                        declaredOperations: declaredRoles(in: document).count)
        }
    }
}
