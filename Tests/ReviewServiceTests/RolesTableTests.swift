import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Every review operation × every role (plus no token and an unknown token) against one table; then the rows
/// that matter most: an expert (专家组成员, Art 11) sees only their own assignments and never a conflicted
/// application; the department qualifies (资格审查) and the federation (市总工会) alone decides the naming.
final class RolesTableTests: XCTestCase {
    typealias F = ReviewFixture

    static let table: [String: Access] = RolesTable.kit.merging([
        "get /rounds": .only(.department, .federation),
        "get /rounds/{round}": .only(.department, .federation),
        "patch /rounds/{round}": .only(.department),
        "get /rounds/{round}/applications": .only(.department, .federation),
        "get /rounds/{round}/audit": .only(.department, .federation),
        "post /applications/{application}/qualification": .only(.department),
        "get /applications/{application}": .only(.department, .federation, .expert),
        "get /experts": .only(.department),
        "post /experts": .only(.department),
        "post /experts/import": .only(.department),
        "get /experts/import-template.csv": .only(.department),
        "get /experts/{expert}": .only(.department, .expert),
        "put /experts/{expert}": .only(.department),
        "put /rounds/{round}/experts/{expert}": .only(.department),
        "get /rounds/{round}/conflicts": .only(.department),
        "post /rounds/{round}/conflicts": .only(.department),
        "post /applications/{application}/recusal": .only(.expert),
        "post /rounds/{round}/assignment": .only(.department),
        "get /rounds/{round}/assignment": .only(.department),
        "post /rounds/{round}/assignment/changes": .only(.department),
        "post /rounds/{round}/scoring": .only(.department),
        "post /rounds/{round}/close": .only(.department),
        "get /me/assignments": .only(.expert),
        "get /applications/{application}/score-sheets/mine": .only(.expert),
        "put /applications/{application}/score-sheets/mine": .only(.expert),
        "post /applications/{application}/score-sheets/mine/submit": .only(.expert),
        "get /applications/{application}/score-sheets": .only(.department, .federation, .expert),
        "post /applications/{application}/score-sheets/{expert}/reopen": .only(.department),
        "get /rounds/{round}/ranking": .only(.department, .federation),
        "post /rounds/{round}/notice": .only(.department),
        "get /rounds/{round}/notice": .only(.department, .federation),
        "get /rounds/{round}/ranking.xlsx": .only(.department, .federation),
        "get /rounds/{round}/notice.xlsx": .only(.department, .federation),
        "post /rounds/{round}/objections": .only(.department),
        "post /rounds/{round}/objections/{objection}/resolution": .only(.department),
        "post /rounds/{round}/decision": .only(.federation),
        "get /public/notices": .everyone,
        "get /public/rounds/{round}/notice": .everyone,
        "post /public/rounds/{round}/objections": .everyone,
        "put /applications/{application}/score-sheets/{expert}/paper": .only(.department),
        "post /applications/{application}/score-sheets/mine/confirm": .only(.expert),
        "post /applications/{application}/site-visits": .only(.department),
        "get /applications/{application}/site-visits": .only(.department, .federation, .expert),
        "post /site-visits/{visit}/photos": .only(.department),
        "get /site-visits/{visit}/photos/{photo}": .only(.department, .federation, .expert),
        "get /calendars": .only(.department, .federation),
        "get /calendars/{year}": .only(.department, .federation),
        "put /calendars/{year}": .only(.department),
    ]) { _, new in new }

    func testEveryOperationAnswersEveryRoleAsTheTableSays() async throws {
        // The decisions: qualification by the department, the naming by the federation, scores by experts only
        XCTAssertEqual(Self.table["post /applications/{application}/qualification"], .only(.department))
        XCTAssertEqual(Self.table["post /rounds/{round}/decision"], .only(.federation))
        XCTAssertEqual(Self.table["put /applications/{application}/score-sheets/mine"], .only(.expert))
        try await RolesTable.assertEveryOperationAnswersAsTheTableSays(ReviewModule(), table: Self.table)
    }

    func testAnExpertSeesOnlyTheirAssignmentsAndNeverAConflictedApplication() async throws {
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        let e1 = try fixture.expertToken("E1"), e2 = try fixture.expertToken("E2"), e3 = try fixture.expertToken("E3")
        try await fixture.service.built.application.test(.router) { client in
            try await ReviewHTTPTests.scoringRound(fixture, client)
            let assignment = try await client.send(.get, "/rounds/naming-2026/assignment", token: fixture.department)
            XCTAssertEqual(assignment.status, .ok, assignment.text)
            // E1 works at A1's unit (conflict): A1 is never in E1's list and does not exist for E1
            let e1Mine = try await client.send(.get, "/me/assignments", token: e1)
            XCTAssertEqual(e1Mine.status, .ok)
            XCTAssertFalse(e1Mine.items.contains { $0["applicationId"] as? String == "A1" }, e1Mine.text)
            for path in ["/applications/A1", "/applications/A1/score-sheets/mine", "/applications/A1/score-sheets"] {
                let reply = try await client.send(.get, path, token: e1)
                XCTAssertEqual(reply.status, .notFound, "\(path) for a conflicted expert: \(reply.text)")
            }
            // Each expert's list holds exactly what they may open, and whatever they cannot open is a 404
            for token in [e1, e2, e3] {
                let mine = try await client.send(.get, "/me/assignments", token: token)
                let own = Set(mine.items.compactMap { $0["applicationId"] as? String })
                for id in ["A1", "A2"] {
                    let reply = try await client.send(.get, "/applications/\(id)", token: token)
                    XCTAssertEqual(reply.status, own.contains(id) ? .ok : .notFound, "\(id): \(reply.text)")
                    XCTAssertNil(reply.object["experts"], "an expert does not learn who else reviews")
                }
                // Another expert's profile is not theirs to read
                let other = try await client.send(.get, "/experts/\(token == e2 ? "E3" : "E2")", token: token)
                XCTAssertEqual(other.status, .notFound)
                // Nor the department's views of the round
                for path in ["/rounds/naming-2026/assignment", "/rounds/naming-2026/conflicts", "/rounds/naming-2026/ranking", "/experts"] {
                    let reply = try await client.send(.get, path, token: token)
                    XCTAssertEqual(reply.status, .forbidden, path)
                }
            }
        }
    }

    func testOnlyTheDepartmentQualifiesAndOnlyTheFederationDecides() async throws {
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        let expert = try fixture.expertToken("E2")
        let finance = try fixture.service.token(.finance), body = try fixture.service.token(.screeningBody, subject: "330802")
        let before = try fixture.statuses(of: "A1")
        try await fixture.service.built.application.test(.router) { client in
            for token in [fixture.federation, expert, finance, body] {
                let reply = try await client.send(.post, "/applications/A1/qualification", token: token, json: #"{"outcome":"pass"}"#)
                XCTAssertEqual(reply.status, .forbidden)
            }
            XCTAssertEqual(try fixture.statuses(of: "A1"), before, "nothing changed")
            for token in [fixture.department, expert, finance, body] {
                let reply = try await client.send(.post, "/rounds/naming-2026/decision", token: token, json: #"{"applicationIds":["A1"]}"#)
                XCTAssertEqual(reply.status, .forbidden, reply.text)
            }
            let qualified = try await client.send(.post, "/applications/A1/qualification", token: fixture.department, json: #"{"outcome":"pass"}"#)
            XCTAssertEqual(qualified.status, .ok, qualified.text)
        }
    }
}
