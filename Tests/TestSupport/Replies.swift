import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import StudioDomain
import XCTest

/// What the four services' tests share to speak to a service in memory: one request helper, one reply, one
/// problem body and one JSON value to assert on, so each service's fixture keeps only what is its own.

/// A JSON value read from a response, for assertions: `reply.json["items"][0]["status"].string`.
public enum JSON: Decodable, Equatable, Sendable {
    case object([String: JSON]), array([JSON]), string(String), number(Double), bool(Bool), null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSON].self)) }
    }

    public subscript(key: String) -> JSON {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    public subscript(index: Int) -> JSON {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return .null
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var int: Int? { if case .number(let value) = self { Int(value) } else { nil } }
    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var array: [JSON] { if case .array(let value) = self { value } else { [] } }
    public var keys: Set<String> { if case .object(let value) = self { Set(value.keys) } else { [] } }
}

/// The body of a refused request (`application/problem+json`): its status and the bilingual issues.
public struct ProblemBody: Decodable, Sendable {
    public var status: Int
    public var errors: [DomainIssue]
    public var codes: [String] { errors.map(\.code) }
    public func issue(_ code: String) -> DomainIssue? { errors.first { $0.code == code } }
}

/// A response body that is not the type a test expected: its status and text, so the failure says what came back.
public struct UnexpectedBody: Error, CustomStringConvertible {
    public var expected: String
    public var status: Int
    public var text: String
    public var underlying: String
    public var description: String { "cannot decode \(expected) from \(status): \(text) (\(underlying))" }
}

/// A response read whole, to assert on after the request has ended.
public struct Reply: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: Data

    public init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(_ response: TestResponse) {
        self.init(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSON { (try? JSONDecoder().decode(JSON.self, from: body)) ?? .null }
    /// The first issue of a problem body.
    public var issue: JSON { json["errors"][0] }

    /// The body as `T`, decoded as the services encode (`DomainJSON`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try DomainJSON.decoder().decode(T.self, from: body) }
        catch { throw UnexpectedBody(expected: "\(T.self)", status: status.code, text: text, underlying: "\(error)") }
    }

    /// The body as a problem; throws unless it is one (its media type too).
    public var problem: ProblemBody {
        get throws {
            guard headers[.contentType] == "application/problem+json; charset=utf-8" else {
                throw UnexpectedBody(expected: "a problem", status: status.code, text: text, underlying: "content type \(headers[.contentType] ?? "none")")
            }
            return try decode(ProblemBody.self)
        }
    }

    // Foundation's view of the same body, for tests that compare loosely typed values.
    public var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    public var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    public var errors: [[String: Any]] { object["errors"] as? [[String: Any]] ?? [] }
    public var errorCodes: [String] { errors.compactMap { $0["code"] as? String } }
}

extension TestResponse {
    public var text: String { String(buffer: body) }
    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try Reply(self).decode(T.self) }
    public var problem: ProblemBody { get throws { try Reply(self).problem } }
}

/// The headers and bodies of a test's requests.
public enum TestRequest {
    public static func headers(_ token: String?, idempotencyKey: String? = nil, contentType: String? = "application/json") -> HTTPFields {
        var fields: HTTPFields = [:]
        if let token { fields[.authorization] = "Bearer \(token)" }
        if let contentType { fields[.contentType] = contentType }
        if let idempotencyKey { fields[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        return fields
    }

    /// `value` as the services encode it.
    public static func json(_ value: some Encodable) -> ByteBuffer {
        ByteBuffer(data: try! DomainJSON.encoder().encode(value))
    }
}

extension TestClientProtocol {
    /// One request, with a bearer token when there is one, a JSON body (`json`) or another (`body`, of `contentType`); the whole reply.
    public func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, body: String? = nil,
                     contentType: String = "application/json", idempotencyKey: String? = nil) async throws -> Reply {
        let text = json ?? body
        let headers = TestRequest.headers(token, idempotencyKey: idempotencyKey, contentType: text == nil ? nil : json != nil ? "application/json" : contentType)
        return try await execute(uri: uri, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) }) { Reply($0) }
    }

    /// `send`, failing the test unless the answer is `status`.
    @discardableResult
    public func call(_ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil, body: String? = nil,
                     contentType: String = "text/csv; charset=utf-8", expect status: HTTPResponse.Status,
                     file: StaticString = #filePath, line: UInt = #line) async throws -> Reply {
        let reply = try await send(method, uri, token: token, json: json, body: body, contentType: contentType)
        XCTAssertEqual(reply.status, status, "\(method) \(uri): \(reply.text)", file: file, line: line)
        return reply
    }
}

extension TestService {
    /// Moves the test clock forward to `instant`; a test clock never goes back.
    public func moveClock(to instant: Date) {
        let seconds = instant.timeIntervalSince(clock.now())
        precondition(seconds >= 0, "the test clock only moves forward")
        clock.advance(.milliseconds(Int64((seconds * 1000).rounded())))
    }
}

extension StudioNamed {
    /// A naming as review announces it, with a made-up unit, leader and credit code unless told otherwise.
    public static func sample(_ studio: StudioID = .new(), name: String = "王建国劳模创新工作室", unit: String = "衢州元立金属制品有限公司",
                              body: String = "330802", leader: String = "王建国", application: ApplicationID? = nil,
                              year: Int? = nil, namedOn: LocalDate) -> StudioNamed {
        let year = year ?? namedOn.year
        return StudioNamed(studioID: studio, applicationID: application ?? ApplicationID("app-\(studio.rawValue)"), roundID: RoundID("round-\(year)"),
                           year: year, studioName: name, unitName: unit, unitCreditCode: "91330800MA2DHXXX1X",
                           screeningBodyCode: body, leaderName: leader, namedOn: namedOn)
    }
}
