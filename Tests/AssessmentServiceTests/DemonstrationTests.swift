import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Demonstration acceptance (Art 14): a pass emits `demonstration.accepted` exactly once; a fail emits nothing.
final class DemonstrationTests: XCTestCase {
    static let scores = #"{"facilities":19,"workRules":18,"projects":19,"team":18,"results":19}"#

    func selected(_ studio: String, application: String = "demo-app-1") -> DemonstrationSelected {
        DemonstrationSelected(studioID: StudioID(studio), applicationID: ApplicationID(application), roundID: "demo-2026", year: 2026)
    }

    func testAPassedAcceptanceEmitsExactlyOneEventAndGivesTheTitle() async throws {
        // Given a named studio that review selected, and the selection delivered twice under two webhook ids
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2025-03-10"))
        _ = try await fixture.service.receive(selected("s1"), from: "review")
        _ = try await fixture.service.receive(selected("s1"), from: "review")
        try await fixture.service.built.application.test(.router) { client in
            let pending = try await client.send(.get, "/demonstration-acceptances?status=pending", token: fixture.department)
            XCTAssertEqual(pending.json["items"].array.count, 1)
            let id = try XCTUnwrap(pending.json["items"][0]["id"].string)
            // When the department records a pass, and then tries again
            let body = #"{"assessedOn":"2026-11-20","scores":\#(Self.scores),"result":"pass","reasons":"示范引领作用明显"}"#
            let pass = try await client.send(.post, "/demonstration-acceptances/\(id)/result", token: fixture.department, body: body)
            XCTAssertEqual(pass.status, .ok, pass.text)
            XCTAssertEqual(pass.json["status"].string, "accepted")
            XCTAssertEqual(pass.json["totalScore"].int, 93)
            let again = try await client.send(.post, "/demonstration-acceptances/\(id)/result", token: fixture.department, body: body)
            XCTAssertEqual(again.status, .conflict)
            // Then exactly one demonstration.accepted went out, for the selected application
            let accepted = try fixture.service.emitted(DemonstrationAccepted.self)
            XCTAssertEqual(accepted.count, 1)
            XCTAssertEqual(accepted[0].data.studioID, "s1")
            XCTAssertEqual(accepted[0].data.applicationID, "demo-app-1")
            XCTAssertEqual(accepted[0].data.year, 2026)
            XCTAssertEqual(accepted[0].data.acceptedOn, LocalDate("2026-11-20"))
            // And the studio holds the demonstration title, visibly on the public list too
            let detail = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(detail.json["studio"]["status"].string, "demonstration")
            XCTAssertEqual(detail.json["history"].array.last?["kind"].string, "demonstrationAccepted")
            let listing = try await client.send(.get, "/public/studios")
            XCTAssertEqual(listing.json["items"][0]["status"].string, "demonstration")
        }
    }

    func testAFailedAcceptanceEmitsNothing() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2025-03-10"))
        _ = try await fixture.service.receive(selected("s1"), from: "review")
        try await fixture.service.built.application.test(.router) { client in
            let list = try await client.send(.get, "/demonstration-acceptances", token: fixture.federation)
            let id = try XCTUnwrap(list.json["items"][0]["id"].string)
            let noReasons = try await client.send(.post, "/demonstration-acceptances/\(id)/result", token: fixture.department,
                                                   body: #"{"assessedOn":"2026-11-20","scores":\#(Self.scores),"result":"fail"}"#)
            XCTAssertEqual(noReasons.status, .unprocessableContent)
            XCTAssertEqual(noReasons.issue["field"].string, "reasons")
            let fail = try await client.send(.post, "/demonstration-acceptances/\(id)/result", token: fixture.department,
                                              body: #"{"assessedOn":"2026-11-20","scores":\#(Self.scores),"result":"fail","reasons":"成果缺乏行业示范性"}"#)
            XCTAssertEqual(fail.json["status"].string, "failed")
            let detail = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(detail.json["studio"]["status"].string, "active")
        }
        XCTAssertEqual(try fixture.service.emitted(DemonstrationAccepted.self).count, 0)
    }

    func testASelectionOfAStudioNotInTheRegisterIsRejected() async throws {
        let fixture = try AssessmentFixture()
        let result = try await fixture.service.receive(selected("ghost"), from: "review")
        guard case .rejected(let issues) = result else { return XCTFail("expected a rejection, got \(result)") }
        XCTAssertEqual(issues.first?.article, "第十四条 / Art. 14")
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM demonstration_acceptance"), 0)
    }
}
