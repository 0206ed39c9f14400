import Foundation
import GRDB
import PlatformClient
import StudioDomain
import XCTest

/// Round corrections over the real binaries: the department extends a round's deadline and a county submits on the
/// new last day; then the round is cancelled and a submission is refused naming the cancellation; review, told by
/// `round.changed` and `round.cancelled` over signed webhooks, keeps both. Then the kind and year open again and take
/// a submission, which reaches review in the new round.
final class RoundCorrectionLiveTests: XCTestCase {
    func testAnExtendedDeadlineAndACancellationReachReviewOverLiveProcesses() throws {
        let live = try LivePlatform(prefix: "studio-rounds-")
        defer { live.stop(); live.remove() }
        try live.start()
        let platform = live.platform
        let client = PlatformClient()
        let intake = platform.url(.intake)
        let department = try platform.token(.department), operatorToken = try platform.token(.operator)
        let clock = try client.call("GET", intake + "/ops/clock", token: operatorToken)
        let today = try XCTUnwrap((clock.object["today"] as? String).flatMap(LocalDate.init), clock.text)

        // A round whose last day is today, and a county's token
        let opened = try client.call("POST", intake + "/rounds", token: department,
                                     json: ["kind": "naming", "year": today.year, "opensOn": today.description, "deadline": today.description])
        XCTAssertEqual(opened.status, 201, opened.text)
        let round = try XCTUnwrap(opened.object["id"] as? String)
        let issued = try client.call("POST", intake + "/ops/tokens", token: operatorToken,
                                     json: ["role": "screening_body", "subject": "330802", "label": "live rounds"])
        let county = try XCTUnwrap(issued.object["token"] as? String, issued.text)

        // The county asks for two more days; the department extends the deadline with that reason
        let newDeadline = today.adding(days: 2)
        let extended = try client.call("POST", intake + "/rounds/\(round)/deadline", token: department,
                                       json: ["deadline": newDeadline.description, "reason": "柯城区申请延期两天"])
        XCTAssertEqual(extended.status, 200, extended.text)
        // On the new last day the county submits
        let moved = try client.call("POST", intake + "/ops/clock", token: operatorToken, json: ["advanceDays": 2])
        XCTAssertEqual(moved.status, 200, moved.text)
        let scenario = ScaleScenario(platform: platform, options: .init(applications: 1))
        let form = scenario.form(index: 1, body: "330802", order: 1, today: today, year: today.year)
        let submitted = try client.call("POST", intake + "/applications", token: county, json: ["roundId": round, "submit": true, "form": try PlatformClient.json(form)])
        XCTAssertEqual(submitted.status, 201, submitted.text)

        // The department cancels the round; the next submission is refused naming the cancellation and its reason
        let cancelled = try client.call("POST", intake + "/rounds/\(round)/cancel", token: department, json: ["reason": "评审办法修订，本批次重新组织"])
        XCTAssertEqual(cancelled.status, 200, cancelled.text)
        let another = scenario.form(index: 2, body: "330802", order: 2, today: today, year: today.year)
        let refused = try client.call("POST", intake + "/applications", token: county, json: ["roundId": round, "submit": true, "form": try PlatformClient.json(another)])
        XCTAssertEqual(refused.status, 422, refused.text)
        XCTAssertTrue(refused.text.contains("round_cancelled") && refused.text.contains("评审办法修订"), refused.text)

        // The department opens the same kind and year again; a second one while it stands is refused in both languages
        let roundBody: [String: Any] = ["kind": "naming", "year": today.year, "opensOn": newDeadline.description, "deadline": newDeadline.adding(days: 10).description]
        let reopened = try client.call("POST", intake + "/rounds", token: department, json: roundBody)
        XCTAssertEqual(reopened.status, 201, reopened.text)
        let newRound = try XCTUnwrap(reopened.object["id"] as? String)
        XCTAssertNotEqual(newRound, round)
        let duplicate = try client.call("POST", intake + "/rounds", token: department, json: roundBody)
        XCTAssertEqual(duplicate.status, 409, duplicate.text)
        XCTAssertTrue(duplicate.text.contains("round.duplicate") && duplicate.text.contains("未撤销") && duplicate.text.contains("not cancelled"), duplicate.text)
        // And the county submits into the new round
        let resubmitted = try client.call("POST", intake + "/applications", token: county, json: ["roundId": newRound, "submit": true, "form": try PlatformClient.json(another)])
        XCTAssertEqual(resubmitted.status, 201, resubmitted.text)

        // Review was told both over the webhooks
        try live.drain(timeout: 60)
        let review = try PlatformChecks.open(live.databasePath("review"))
        let row = try review.read { db in
            try Row.fetchOne(db, sql: "SELECT intake_deadline, cancel_reason FROM review_round WHERE id = ?", arguments: [round])
        }
        XCTAssertEqual(row?["intake_deadline"] as String?, newDeadline.description)
        XCTAssertEqual(row?["cancel_reason"] as String?, "评审办法修订，本批次重新组织")
        let actions = try review.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM review_audit WHERE round_id = ? ORDER BY id", arguments: [round])
        }
        XCTAssertEqual(actions.filter { $0.hasPrefix("round.") }, ["round.opened", "round.changed", "round.cancelled"])
        let applications = try review.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_application WHERE round_id = ?", arguments: [round]) ?? 0
        }
        XCTAssertEqual(applications, 1, "the application submitted on the new last day reached review")
        // Review knows the new round of the same kind and year beside the cancelled one, with its application
        let reopenedRow = try review.read { db in
            try Row.fetchOne(db, sql: "SELECT kind, year, cancel_reason, (SELECT COUNT(*) FROM review_application WHERE round_id = review_round.id) AS n FROM review_round WHERE id = ?",
                             arguments: [newRound])
        }
        XCTAssertEqual(reopenedRow?["kind"] as String?, "naming")
        XCTAssertEqual(reopenedRow?["year"] as Int?, today.year)
        XCTAssertNil(reopenedRow?["cancel_reason"] as String?)
        XCTAssertEqual(reopenedRow?["n"] as Int?, 1, "the application submitted into the reopened round reached review")
        try review.close()
    }
}
