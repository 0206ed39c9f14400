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
        service.moveClock(to: RFC3339.date(from: instant)!)
        try await service.built.clockMoved()
    }

    /// The moment 10:00 in Quzhou on `day`.
    func setQuzhouMorning(_ day: String) async throws {
        try await set("\(day)T02:00:00Z")
    }

    static func named(_ id: String = UUID().uuidString.lowercased(), name: String = "王建国劳模创新工作室", unit: String = "衢州元立金属制品有限公司",
                      body: String = "330802", leader: String = "王建国", namedOn: String) -> StudioNamed {
        .sample(StudioID(id), name: name, unit: unit, body: body, leader: leader, namedOn: LocalDate(namedOn)!)
    }

    @discardableResult
    func name(_ event: StudioNamed) async throws -> StudioNamed {
        let result = try await service.receive(event, from: "review")
        guard case .applied = result else { XCTFail("studio.named not applied: \(result)"); return event }
        return event
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
