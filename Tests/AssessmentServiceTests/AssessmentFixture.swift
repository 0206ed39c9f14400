import AssessmentService
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// A JSON value read from a response, for assertions: `reply.json["items"][0]["status"].string`.
enum JSON: Decodable, Equatable, Sendable {
    case object([String: JSON]), array([JSON]), string(String), number(Double), bool(Bool), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSON].self)) }
    }

    subscript(key: String) -> JSON {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    subscript(index: Int) -> JSON {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return .null
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var int: Int? { if case .number(let value) = self { Int(value) } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    var array: [JSON] { if case .array(let value) = self { value } else { [] } }
    var keys: Set<String> { if case .object(let value) = self { Set(value.keys) } else { [] } }
}

struct Reply: Sendable {
    var status: HTTPResponse.Status
    var text: String
    var json: JSON { (try? JSONDecoder().decode(JSON.self, from: Data(text.utf8))) ?? .null }
    /// The first issue of a problem body.
    var issue: JSON { json["errors"][0] }
}

/// An assessment service in memory with a hand-moved clock, plus the helpers every test uses.
struct AssessmentFixture: Sendable {
    let service: TestService
    let department: String
    let federation: String

    /// `at` is an RFC 3339 instant; remember 00:00 in Quzhou is 16:00Z the day before.
    /// `background: false` leaves the expiry service out, for a test that watches every change to the database.
    init(at instant: String = "2026-11-24T02:00:00Z", settings: AssessmentSettings = AssessmentSettings(), background: Bool = true) throws {
        let module = AssessmentModule(settings: settings), clock = TestClock(RFC3339.date(from: instant)!)
        service = background ? try TestService(module, clock: clock) : try TestService(WithoutBackgroundServices(module), clock: clock)
        department = try service.token(.department)
        federation = try service.token(.federation)
    }

    /// Moves the clock to `instant` (forward only), then does what follows business time as the background
    /// services and the demo clock's move do (the expiry sweep): reads never write.
    func set(_ instant: String) async throws {
        let target = RFC3339.date(from: instant)!
        let delta = target.timeIntervalSince(service.clock.now())
        precondition(delta >= 0, "the test clock only moves forward")
        service.clock.advance(.milliseconds(Int64(delta * 1000)))
        try await service.built.clockMoved()
    }

    /// The moment 10:00 in Quzhou on `day`.
    func setQuzhouMorning(_ day: String) async throws {
        try await set("\(day)T02:00:00Z")
    }

    static func named(_ id: String = UUID().uuidString.lowercased(), name: String = "王建国劳模创新工作室", unit: String = "衢州元立金属制品有限公司",
                      body: String = "330802", leader: String = "王建国", namedOn: String) -> StudioNamed {
        StudioNamed(studioID: StudioID(id), applicationID: ApplicationID("app-\(id)"), roundID: RoundID("round-\(namedOn.prefix(4))"),
                    year: Int(namedOn.prefix(4))!, studioName: name, unitName: unit, unitCreditCode: "91330800MA2DHXXX1X",
                    screeningBodyCode: body, leaderName: leader, namedOn: LocalDate(namedOn)!)
    }

    @discardableResult
    func name(_ event: StudioNamed) async throws -> StudioNamed {
        let result = try await service.receive(event, from: "review")
        guard case .applied = result else { XCTFail("studio.named not applied: \(result)"); return event }
        return event
    }

    func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String? = nil,
              body: String? = nil, contentType: String = "application/json") async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = contentType }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, text: String(buffer: response.body))
    }

    /// A complete Art 17 assessment body.
    static func assessment(cycle: Int = 1, on day: String, result: String, reasons: String? = nil, publicText: String? = nil, visitedOn: String? = nil,
                           scores: String = #"{"facilities":18,"workRules":17,"projects":16,"team":18,"results":15}"#) -> String {
        let reasonsField = (reasons.map { #","reasons":"\#($0)""# } ?? "") + (publicText.map { #","publicText":"\#($0)""# } ?? "")
        return #"{"cycleNumber":\#(cycle),"assessedOn":"\#(day)","scores":\#(scores),"siteVisit":{"visitedOn":"\#(visitedOn ?? day)","visitors":["经济工作部 李明","专家 赵华"],"plaqueDisplayed":true},"result":"\#(result)"\#(reasonsField)}"#
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try service.database.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }
}
