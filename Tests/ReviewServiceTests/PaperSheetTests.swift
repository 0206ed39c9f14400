import Foundation
import GRDB
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The review meeting on paper (评审会): the department enters an expert's sheet for them, recorded as entered by
/// whom and when; it counts as submitted; the expert sees it was entered for them and confirms or corrects it.
final class PaperSheetTests: XCTestCase {
    typealias F = ReviewFixture

    func testTheDepartmentEntersAPaperSheetAndTheExpertConfirmsOrCorrectsIt() async throws {
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            try await ReviewHTTPTests.scoringRound(fixture, client)
            let dep = fixture.department
            let assignment = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            let panels = Dictionary(uniqueKeysWithValues: (assignment.object["assignments"] as? [[String: Any]] ?? []).map {
                ($0["applicationId"] as! String, ($0["experts"] as! [[String: Any]]).map { $0["expertId"] as! String })
            })
            XCTAssertEqual(panels["A1"]?.sorted(), ["E2", "E3"], "E1 works at A1's unit")

            // Only an assigned expert's sheet, and only a complete one
            let unassigned = try await client.send(.put, "/applications/A1/score-sheets/E1/paper", token: dep, json: F.sheet(9))
            XCTAssertEqual(unassigned.status, .notFound, unassigned.text)
            let partial = try await client.send(.put, "/applications/A1/score-sheets/E2/paper", token: dep, json: #"{"scores":{"facilities":9}}"#)
            XCTAssertEqual(partial.status, .unprocessableContent, partial.text)
            // The expert cannot enter someone else's sheet with this route
            let byExpert = try await client.send(.put, "/applications/A1/score-sheets/E2/paper", token: try fixture.expertToken("E2"), json: F.sheet(9))
            XCTAssertEqual(byExpert.status, .forbidden)

            // The department enters E2's and E3's paper sheets for A1: submitted, with who and when
            for expert in ["E2", "E3"] {
                let entered = try await client.send(.put, "/applications/A1/score-sheets/\(expert)/paper", token: dep, json: F.sheet(9))
                XCTAssertEqual(entered.status, .ok, entered.text)
                XCTAssertEqual(entered.object["status"] as? String, "submitted")
                XCTAssertTrue((entered.object["enteredBy"] as? String)?.hasPrefix("department:") ?? false, entered.text)
                XCTAssertNotNil(entered.object["enteredAt"])
                XCTAssertNil(entered.object["confirmedAt"])
            }
            // E2 sees it was entered for them and confirms it
            let e2 = try fixture.expertToken("E2"), e3 = try fixture.expertToken("E3")
            let seen = try await client.send(.get, "/applications/A1/score-sheets/mine", token: e2)
            XCTAssertTrue((seen.object["enteredBy"] as? String)?.hasPrefix("department:") ?? false, seen.text)
            XCTAssertEqual(seen.object["total"] as? String, "90.00")
            let confirmed = try await client.send(.post, "/applications/A1/score-sheets/mine/confirm", token: e2)
            XCTAssertEqual(confirmed.status, .ok, confirmed.text)
            XCTAssertNotNil(confirmed.object["confirmedAt"])
            let twice = try await client.send(.post, "/applications/A1/score-sheets/mine/confirm", token: e2)
            XCTAssertEqual(twice.errorCodes, ["scoring.sheet_confirmed"])
            // A confirmed sheet is the expert's: the department cannot overwrite it without reopening
            let over = try await client.send(.put, "/applications/A1/score-sheets/E2/paper", token: dep, json: F.sheet(5))
            XCTAssertEqual(over.errorCodes, ["scoring.sheet_confirmed"])
            // E3 corrects theirs: the entry becomes their draft, their submission confirms the corrected sheet
            let corrected = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e3, json: #"{"scores":{"results":7}}"#)
            XCTAssertEqual(corrected.status, .ok, corrected.text)
            XCTAssertEqual(corrected.object["status"] as? String, "draft")
            let resubmitted = try await client.send(.post, "/applications/A1/score-sheets/mine/submit", token: e3)
            XCTAssertEqual(resubmitted.status, .ok, resubmitted.text)
            XCTAssertNotNil(resubmitted.object["confirmedAt"])
            XCTAssertTrue((resubmitted.object["enteredBy"] as? String)?.hasPrefix("department:") ?? false, "the entry stays on record")
            // Nothing to confirm on a sheet the expert filled in themself
            for expert in panels["A2"]! {
                let token = try fixture.expertToken(expert)
                _ = try await client.send(.put, "/applications/A2/score-sheets/mine", token: token, json: F.sheet(8))
                let submitted = try await client.send(.post, "/applications/A2/score-sheets/mine/submit", token: token)
                XCTAssertEqual(submitted.status, .ok, submitted.text)
                let nothing = try await client.send(.post, "/applications/A2/score-sheets/mine/confirm", token: token)
                XCTAssertEqual(nothing.errorCodes, ["scoring.nothing_to_confirm"])
                // and the department cannot enter over an expert's own submitted sheet
                let overOwn = try await client.send(.put, "/applications/A2/score-sheets/\(expert)/paper", token: dep, json: F.sheet(5))
                XCTAssertEqual(overOwn.errorCodes, ["scoring.sheet_submitted"])
            }
            // The entered sheets count as submitted: scoring closes and the ranking uses them
            let closed = try await client.send(.post, "/rounds/naming-2026/close", token: dep)
            XCTAssertEqual(closed.status, .ok, closed.text)
            let ranking = try await client.send(.get, "/rounds/naming-2026/ranking", token: dep)
            let lines = ranking.object["lines"] as? [[String: Any]] ?? []
            // A1: E2 90, E3 (9,9,9,9,7) 86 → 88.00; A2: 80.00
            XCTAssertEqual(lines.map { $0["applicationId"] as? String }, ["A1", "A2"])
            XCTAssertEqual(lines.map { $0["final"] as? String }, ["88.00", "80.00"], ranking.text)
        }
        // The audit chain records the entry, the confirmation and the correction
        let actions = try await fixture.service.database.read { db in try String.fetchAll(db, sql: "SELECT action FROM review_audit WHERE application_id = 'A1'") }
        XCTAssertEqual(actions.filter { $0 == "sheet.entered_from_paper" }.count, 2)
        XCTAssertTrue(actions.contains("sheet.confirmed"))
        XCTAssertTrue(actions.contains("sheet.correcting"))
    }
}
