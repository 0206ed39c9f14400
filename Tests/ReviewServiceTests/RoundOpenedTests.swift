import Foundation
import GRDB
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
            let unknown = try await client.send(.get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.errors.map { $0["message_zh"] as? String }, ["未找到批次：naming-2027"])

            // When intake announces that it opened the round
            let result = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .naming, year: 2027,
                                                                       opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
            guard case .applied = result else { return XCTFail("round.opened was \(result)") }

            // Then review knows it with no application, and the department configures quota, panel and rubric in advance
            let shown = try await client.send(.get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual(shown.status, .ok, shown.text)
            XCTAssertEqual(shown.object["applications"] as? Int, 0)
            XCTAssertEqual((shown.object["round"] as? [String: Any])?["kind"] as? String, "naming")
            let configured = try await client.send(.patch, "/rounds/naming-2027", token: dep, json: #"{"quota":8,"minimumScore":70}"#)
            XCTAssertEqual(configured.status, .ok, configured.text)
            try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E1"))
            let availability = try await client.send(.put, "/rounds/naming-2027/experts/E1", token: dep, json: #"{"available":true,"maxLoad":5}"#)
            XCTAssertEqual(availability.status, .ok, availability.text)

            // And the first application joins the configured round, its settings kept
            try await fixture.submit(F.content("A1", round: "naming-2027"))
            let after = try await client.send(.get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual(after.object["applications"] as? Int, 1)
            XCTAssertEqual((after.object["round"] as? [String: Any])?["quota"] as? Int, 8)
            XCTAssertEqual((after.object["round"] as? [String: Any])?["minimumScore"] as? Int, 70)

            // And a second announcement changes nothing, while one of another kind is refused
            let again = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .naming, year: 2027,
                                                                      opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
            guard case .applied = again else { return XCTFail("a repeated round.opened was \(again)") }
            let still = try await client.send(.get, "/rounds/naming-2027", token: dep)
            XCTAssertEqual((still.object["round"] as? [String: Any])?["quota"] as? Int, 8)
            let other = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .projectGrant, year: 2027,
                                                                      opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
            guard case .rejected(let issues) = other else { return XCTFail("a round of another kind was \(other)") }
            XCTAssertEqual(issues.map(\.code), ["round.kind_mismatch"])
        }
    }
}

/// Intake's corrections of a round reach review: a new deadline and a cancellation are kept with their reasons.
final class RoundCorrectionEventTests: XCTestCase {
    func testReviewKeepsIntakesNewDeadlineAndTheCancellationWithItsReason() async throws {
        let fixture = try ReviewFixture()
        _ = try await fixture.service.receive(RoundOpened(roundID: "naming-2027", kind: .naming, year: 2027,
                                                          opensOn: LocalDate("2027-03-01")!, deadline: LocalDate("2027-04-30")!), from: "intake")
        // When intake says the deadline moved by two days
        let changed = try await fixture.service.receive(RoundChanged(roundID: "naming-2027", change: "deadline", deadline: LocalDate("2027-05-02")!,
                                                                     previousDeadline: LocalDate("2027-04-30")!, quotaPerBody: nil, quotas: [:],
                                                                     reason: "柯城区申请延期两天"), from: "intake")
        guard case .applied = changed else { return XCTFail("round.changed was \(changed)") }
        // And then that the round was cancelled
        let cancelled = try await fixture.service.receive(RoundCancelled(roundID: "naming-2027", cancelledOn: LocalDate("2027-04-10")!,
                                                                         reason: "评审办法修订，本批次重新组织"), from: "intake")
        guard case .applied = cancelled else { return XCTFail("round.cancelled was \(cancelled)") }
        // Then review's round row and its audit hold both, with the reasons
        let row = try await fixture.service.database.read { db in
            try Row.fetchOne(db, sql: "SELECT intake_deadline, cancelled_on, cancel_reason FROM review_round WHERE id = 'naming-2027'")
        }
        XCTAssertEqual(row?["intake_deadline"] as String?, "2027-05-02")
        XCTAssertEqual(row?["cancelled_on"] as String?, "2027-04-10")
        XCTAssertEqual(row?["cancel_reason"] as String?, "评审办法修订，本批次重新组织")
        let audit = try await fixture.service.database.read { db in
            try Row.fetchAll(db, sql: "SELECT action, detail FROM review_audit WHERE round_id = 'naming-2027' ORDER BY id").map { ($0["action"] as String, $0["detail"] as String) }
        }
        XCTAssertEqual(audit.map(\.0), ["round.opened", "round.changed", "round.cancelled"])
        XCTAssertTrue(audit[1].1.contains("柯城区申请延期两天"))
        XCTAssertTrue(audit[2].1.contains("评审办法修订"))
        let chain = try await fixture.service.database.read { db in try AuditLog.verify(in: db) }
        XCTAssertTrue(chain.intact)
    }
}

/// Review's growing lists page (limit, cursor) and filter: the expert pool and a round's applications.
final class ReviewListPagingTests: XCTestCase {
    typealias F = ReviewFixture

    func testTheExpertPoolAndARoundsApplicationsPageAndFilter() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        try await fixture.service.built.application.test(.router) { client in
            for (id, unit) in [("E1", "浙江工业大学"), ("E2", "衢州学院"), ("E3", "浙江大学")] {
                let added = try await client.send(.post, "/experts", token: dep, json: F.expertJSON(id, unit: unit))
                XCTAssertEqual(added.status, .created, added.text)
            }
            let first = try await client.send(.get, "/experts?limit=2", token: dep)
            XCTAssertEqual((first.object["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["E1", "E2"])
            XCTAssertEqual(first.object["total"] as? Int, 3)
            let cursor = try XCTUnwrap(first.object["nextCursor"] as? String)
            let second = try await client.send(.get, "/experts?limit=2&cursor=\(cursor)", token: dep)
            XCTAssertEqual((second.object["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["E3"])
            XCTAssertNil(second.object["nextCursor"])
            let zhejiang = try await client.send(.get, "/experts?unit=%E6%B5%99%E6%B1%9F", token: dep)  // 浙江
            XCTAssertEqual(zhejiang.object["total"] as? Int, 2)
            let tooMany = try await client.send(.get, "/experts?limit=501", token: dep)
            XCTAssertEqual(tooMany.status, .badRequest)

            for n in 1...3 { try await fixture.submit(F.content("A\(n)", round: "naming-2026")) }
            let apps = try await client.send(.get, "/rounds/naming-2026/applications?limit=2", token: dep)
            XCTAssertEqual((apps.object["items"] as? [[String: Any]])?.count, 2)
            XCTAssertEqual(apps.object["total"] as? Int, 3)
            let rest = try await client.send(.get, "/rounds/naming-2026/applications?cursor=\(try XCTUnwrap(apps.object["nextCursor"] as? String))", token: dep)
            XCTAssertEqual((rest.object["items"] as? [[String: Any]])?.compactMap { $0["applicationId"] as? String }, ["A3"])
        }
    }
}
