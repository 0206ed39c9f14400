import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Art 17 cycles: three years from naming, leap days, year ends and the Asia/Shanghai day.
final class CycleTests: XCTestCase {
    func testStandingAcrossALeapDayAndAYearEnd() {
        // Named on 29 February 2024: the third anniversary does not exist, so the cycle ends on 1 March 2027.
        let leap = StudioCycle(start: LocalDate("2024-02-29")!)
        XCTAssertEqual(leap.end, LocalDate("2027-03-01"))
        XCTAssertEqual(leap.lastDay, LocalDate("2027-02-28"))
        let standing = CycleStanding.evaluate(cycle: leap, today: LocalDate("2026-12-01")!, windowDays: 90)
        XCTAssertEqual(standing.yearInCycle, 3)
        XCTAssertEqual(standing.assessmentWindowOpensOn, LocalDate("2026-12-01"))  // 2027-03-01 minus 90 days, across the year end
        XCTAssertTrue(standing.assessmentWindowOpen)
        XCTAssertFalse(standing.overdue)
        XCTAssertEqual(standing.daysToCycleEnd, 89)
        let dayBefore = CycleStanding.evaluate(cycle: leap, today: LocalDate("2026-11-30")!, windowDays: 90)
        XCTAssertFalse(dayBefore.assessmentWindowOpen)
        // The last day is not overdue; the day after is.
        XCTAssertFalse(CycleStanding.evaluate(cycle: leap, today: LocalDate("2027-02-28")!, windowDays: 90).overdue)
        let after = CycleStanding.evaluate(cycle: leap, today: LocalDate("2027-03-01")!, windowDays: 90)
        XCTAssertTrue(after.overdue)
        XCTAssertNil(after.yearInCycle)
        XCTAssertEqual(after.daysToCycleEnd, -1)
        // The next cycle continues on 1 March, 2028 being a leap year changes nothing.
        XCTAssertEqual(leap.next.start, LocalDate("2027-03-01"))
        XCTAssertEqual(leap.next.end, LocalDate("2030-03-01"))
    }

    func testYearInCycleFollowsTheQuzhouDayNotTheUTCDay() async throws {
        // Given a studio named on 1 January 2025
        let fixture = try AssessmentFixture(at: "2025-06-01T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2025-01-01"))
        try await fixture.service.built.application.test(.router) { client in
            // At 23:59 on 31 December in Quzhou (15:59Z) the studio is still in year 1
            try await fixture.set("2025-12-31T15:59:00Z")
            let before = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(before.json["studio"]["standing"]["yearInCycle"].int, 1)
            // At 00:30 on 1 January in Quzhou (still 31 December in UTC) it is in year 2
            try await fixture.set("2025-12-31T16:30:00Z")
            let after = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(after.json["studio"]["standing"]["yearInCycle"].int, 2)
            XCTAssertEqual(after.json["studio"]["standing"]["cycle"]["end"].string, "2028-01-01")
        }
    }

    func testTheAssessmentWindowOpensTheConfiguredDaysBeforeTheEnd() async throws {
        // Given a studio named 2024-01-15 (cycle end 2027-01-15) and the default 90-day window (opens 2026-10-17)
        let fixture = try AssessmentFixture(at: "2026-10-16T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2024-01-15"))
        try await fixture.service.built.application.test(.router) { client in
            // On 16 October the window is closed: not due, and an assessment is refused under Art 17
            let closed = try await client.send(.get, "/assessments/due", token: fixture.department)
            XCTAssertEqual(closed.json["items"].array.count, 0)
            let early = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                               body: AssessmentFixture.assessment(on: "2026-10-16", result: "pass"))
            XCTAssertEqual(early.status, .unprocessableContent)
            XCTAssertEqual(early.issue["code"].string, "assessment.window_not_open")
            XCTAssertEqual(early.issue["article"].string, "第十七条 / Art. 17")
            XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM cycle_assessment"), 0)
            // From 17 October it is due
            try await fixture.setQuzhouMorning("2026-10-17")
            let open = try await client.send(.get, "/assessments/due", token: fixture.department)
            XCTAssertEqual(open.json["items"][0]["id"].string, "s1")
            XCTAssertEqual(open.json["items"][0]["standing"]["assessmentWindowOpensOn"].string, "2026-10-17")
            XCTAssertEqual(open.json["items"][0]["standing"]["overdue"].bool, false)
        }
        // With a 30-day window the same studio is due only from 2026-12-16
        let short = try AssessmentFixture(at: "2026-12-15T02:00:00Z", settings: AssessmentSettings(assessmentWindowDays: 30))
        try await short.name(AssessmentFixture.named("s1", namedOn: "2024-01-15"))
        try await short.service.built.application.test(.router) { client in
            let closed = try await client.send(.get, "/assessments/due", token: short.department)
            XCTAssertEqual(closed.json["items"].array.count, 0)
            try await short.setQuzhouMorning("2026-12-16")
            let open = try await client.send(.get, "/assessments/due", token: short.department)
            XCTAssertEqual(open.json["items"].array.count, 1)
        }
    }

    func testWindowDaysComeFromTheFlagOrElseTheEnvironmentAndABadValueStopsTheStart() throws {
        let options = try AssessmentOptions.parse([])
        XCTAssertEqual(try options.settings(environment: SettingsEnvironment(["ASSESSMENT_WINDOW_DAYS": "60"])).assessmentWindowDays, 60)
        XCTAssertEqual(try options.settings(environment: SettingsEnvironment([:])).assessmentWindowDays, 90)
        XCTAssertEqual(try AssessmentOptions.parse(["--assessment-window-days", "30"])
            .settings(environment: SettingsEnvironment(["ASSESSMENT_WINDOW_DAYS": "60"])).assessmentWindowDays, 30, "the flag wins")
        XCTAssertThrowsError(try options.settings(environment: SettingsEnvironment(["ASSESSMENT_WINDOW_DAYS": "0"]))) { error in
            XCTAssertTrue("\(error)".contains("ASSESSMENT_WINDOW_DAYS"), "\(error)")
        }
        XCTAssertThrowsError(try options.settings(environment: SettingsEnvironment(["ASSESSMENT_WINDOW_DAYS": "ninety"])))
    }
}
