import Foundation
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// A round opened in intake is known to review at once (`round.opened`), so the department configures it before
/// the first application arrives.
final class RoundOpenedTests: XCTestCase {
    typealias F = ReviewFixture

    func testReviewKnowsARoundBeforeItsFirstApplication() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        try await fixture.service.built.application.test(.router) { client in
            // Given a round review has never heard of: 404, the thing named in Chinese in the Chinese message
            let unknown = try await F.call(client, .get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.errors.map { $0["message_zh"] as? String }, ["未找到批次：naming-2027"])

            // When intake announces that it opened the round
            let result = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .naming, year: 2027,
                                                                       opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
            guard case .applied = result else { return XCTFail("round.opened was \(result)") }

            // Then review knows it with no application, and the department configures quota, panel and rubric in advance
            let shown = try await F.call(client, .get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual(shown.status, .ok, shown.text)
            XCTAssertEqual(shown.object["applications"] as? Int, 0)
            XCTAssertEqual((shown.object["round"] as? [String: Any])?["kind"] as? String, "naming")
            let configured = try await F.call(client, .patch, "/rounds/naming-2027", token: dep, json: #"{"quota":8,"minimumScore":70}"#)
            XCTAssertEqual(configured.status, .ok, configured.text)
            try await F.call(client, .post, "/experts", token: dep, json: F.expertJSON("E1"))
            let availability = try await F.call(client, .put, "/rounds/naming-2027/experts/E1", token: dep, json: #"{"available":true,"maxLoad":5}"#)
            XCTAssertEqual(availability.status, .ok, availability.text)

            // And the first application joins the configured round, its settings kept
            try await fixture.submit(F.content("A1", round: "naming-2027"))
            let after = try await F.call(client, .get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual(after.object["applications"] as? Int, 1)
            XCTAssertEqual((after.object["round"] as? [String: Any])?["quota"] as? Int, 8)
            XCTAssertEqual((after.object["round"] as? [String: Any])?["minimumScore"] as? Int, 70)

            // And a second announcement changes nothing, while one of another kind is refused
            let again = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .naming, year: 2027,
                                                                      opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
            guard case .applied = again else { return XCTFail("a repeated round.opened was \(again)") }
            let still = try await F.call(client, .get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual((still.object["round"] as? [String: Any])?["quota"] as? Int, 8)
            let other = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .projectGrant, year: 2027,
                                                                      opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
            guard case .rejected(let issues) = other else { return XCTFail("a round of another kind was \(other)") }
            XCTAssertEqual(issues.map(\.code), ["round.kind_mismatch"])
        }
    }
}
