import AssessmentService
import Foundation
import GRDB
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Art 17 keeps the title by a pass: a studio whose cycle ended unassessed keeps it for a grace period only.
final class ExpiryTests: XCTestCase {
    func testAStudioWhoseCycleEndedUnassessedDoesNotKeepItsTitleForEver() async throws {
        // Given two studios whose first cycle ends 2026-06-01 (named 2023-06-01) and the default 90 days' grace
        let fixture = try AssessmentFixture(at: "2026-05-31T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", name: "衢化技改创新工作室", unit: "巨化集团衢州分公司", namedOn: "2023-06-01"))
        try await fixture.name(AssessmentFixture.named("s2", name: "江山木门创新工作室", unit: "江山某木业有限公司", body: "330881", namedOn: "2023-06-01"))
        try await fixture.service.built.application.test(.router) { client in
            // s2 is assessed late but within the grace period
            try await fixture.setQuzhouMorning("2026-08-20")
            let s2 = try await client.send(.post, "/studios/s2/assessments", token: fixture.department,
                                            body: AssessmentFixture.assessment(on: "2026-08-20", result: "pass", visitedOn: "2026-08-10"))
            XCTAssertEqual(s2.status, .created, s2.text)

            // On the last day of grace (2026-08-29) s1 is overdue but still on the public register
            try await fixture.setQuzhouMorning("2026-08-29")
            let before = try await client.send(.get, "/public/studios")
            XCTAssertEqual(Set(before.json["items"].array.compactMap { $0["id"].string }), ["s1", "s2"])
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).count, 0)

            // When the grace period has passed
            try await fixture.setQuzhouMorning("2026-08-30")
            // Then s1 is off the public register, and only s1
            let after = try await client.send(.get, "/public/studios")
            XCTAssertEqual(after.json["items"].array.compactMap { $0["id"].string }, ["s2"])
            let detail = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(detail.json["studio"]["status"].string, "expired")
            XCTAssertEqual(detail.json["studio"]["standing"]["overdue"].bool, true, "still on the department's work list")
            // And studio.expired goes out once for the replicas, with its public notice
            _ = try await client.send(.get, "/assessments/due", token: fixture.department)
            let expired = try fixture.service.emitted(StudioExpired.self)
            XCTAssertEqual(expired.map(\.data.studioID), ["s1"])
            XCTAssertEqual(expired.first?.data.expiredOn, LocalDate("2026-08-30"))
            XCTAssertEqual(expired.first?.data.cycle.number, 1)
            XCTAssertEqual(expired.first?.aggregate, "studio:s1")
            let noticeID = try XCTUnwrap(expired.first?.data.noticeID)
            let notice = try await client.send(.get, "/public/notices/\(noticeID.rawValue)")
            XCTAssertEqual(notice.status, .ok)
            XCTAssertEqual(notice.json["kind"].string, "expiry")
            let body = try XCTUnwrap(notice.json["body"].string)
            XCTAssertTrue(body.contains("巨化集团衢州分公司“衢化技改创新工作室”"), body)
            XCTAssertTrue(body.contains("第十七条"), body)
            XCTAssertTrue(body.contains("2026年8月30日"), body)
            XCTAssertFalse(body.contains("王建国"))

            // When a late assessment passes, then the title is restored and the studio is back on the register
            try await fixture.setQuzhouMorning("2026-09-15")
            let late = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                              body: AssessmentFixture.assessment(on: "2026-09-15", result: "pass", visitedOn: "2026-09-10"))
            XCTAssertEqual(late.status, .created, late.text)
            XCTAssertEqual(late.json["status"].string, "active")
            XCTAssertEqual(late.json["cycle"]["start"].string, "2026-06-01")
            let renewed = try fixture.service.emitted(StudioRenewed.self).filter { $0.data.studioID == "s1" }
            XCTAssertEqual(renewed.map(\.data.restoredStatus), [.active])
            let restored = try await client.send(.get, "/public/studios")
            XCTAssertEqual(Set(restored.json["items"].array.compactMap { $0["id"].string }), ["s1", "s2"])
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).count, 1, "expired once")
            let history = try await client.send(.get, "/public/studios/s1")
            XCTAssertEqual(history.json["history"].array.compactMap { $0["kind"].string }, ["registered", "expired", "renewed"])
        }
    }

    /// Reads are reads: the register, a studio's page, the department's lists and the notices write nothing, even
    /// on a day a studio falls due; the sweep after the clock moves (the background service's, the demo clock's) does.
    func testAReadOfTheRegisterWritesNothingAndTheSweepAfterTheClockMovesExpires() async throws {
        let fixture = try AssessmentFixture(at: "2026-06-10T02:00:00Z", settings: AssessmentSettings(expiryGraceDays: 10))
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2023-06-01"))
        @Sendable func rows() async throws -> [Int] {
            try await fixture.service.database.read { db in
                try ["studio", "public_notice", "title_history", "outbox_message"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 }
            }
        }
        try await fixture.service.built.application.test(.router) { client in
            // The background service sweeps at start, on the 10th day of grace (nothing due); then the clock moves
            // past the grace period by hand, without the sweep that follows a move (the hourly one is an hour away)
            try await Task.sleep(for: .milliseconds(500))
            fixture.service.clock.advance(.seconds(2 * 86400))
            let before = try await rows()
            for path in ["/public/studios", "/public/studios/s1", "/public/notices"] {
                do { let awaited = try await client.send(.get, path).status; XCTAssertEqual(awaited, .ok, path) }
            }
            for path in ["/studios", "/studios/s1", "/assessments/due"] {
                do { let awaited = try await client.send(.get, path, token: fixture.department).status; XCTAssertEqual(awaited, .ok, path) }
            }
            let stillListed = try await client.send(.get, "/public/studios")
            XCTAssertEqual(stillListed.json["items"].array.count, 1, "no read expired it")
            do { let awaited = try await rows(); XCTAssertEqual(awaited, before, "no read wrote a row") }
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).count, 0)
            // The sweep that follows the clock expires it, once
            try await fixture.service.built.clockMoved()
            try await fixture.service.built.clockMoved()
            let after = try await client.send(.get, "/public/studios")
            XCTAssertEqual(after.json["items"].array.count, 0)
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).map(\.data.expiredOn), [LocalDate("2026-06-11")!])
        }
    }

    /// The department hears of an overdue assessment on the first day of grace, not only when the title expires:
    /// `studio.assessment_overdue`, once per cycle, from the sweep that follows business time, never from a read.
    func testAStudioOverdueWithinItsGracePeriodIsToldOnceBySweepAndNeverByARead() async throws {
        // Given three studios whose first cycle ends 2026-06-01 (named 2023-06-01); one is assessed in the window
        let fixture = try AssessmentFixture(at: "2026-05-20T02:00:00Z")
        for id in ["s1", "s2", "s3"] { try await fixture.name(AssessmentFixture.named(id, namedOn: "2023-06-01")) }
        try await fixture.service.built.application.test(.router) { client in
            let s3 = try await client.send(.post, "/studios/s3/assessments", token: fixture.department,
                                            body: AssessmentFixture.assessment(on: "2026-05-20", result: "pass", visitedOn: "2026-05-15"))
            XCTAssertEqual(s3.status, .created, s3.text)
            // On the cycle's last day nothing is overdue
            try await fixture.setQuzhouMorning("2026-05-31")
            XCTAssertEqual(try fixture.service.emitted(StudioAssessmentOverdue.self).count, 0)
            // When the business day passes the cycle's end without a read
            fixture.service.clock.advance(.seconds(2 * 86400))
            for path in ["/studios", "/studios/s1", "/assessments/due"] {
                do { let awaited = try await client.send(.get, path, token: fixture.department).status; XCTAssertEqual(awaited, .ok, path) }
            }
            XCTAssertEqual(try fixture.service.emitted(StudioAssessmentOverdue.self).count, 0, "a read tells nothing")
            // Then the sweep that follows business time tells each unassessed studio once, with the grace period's end
            try await fixture.service.built.clockMoved()
            try await fixture.service.built.clockMoved()
            try await fixture.setQuzhouMorning("2026-07-15")
            let told = try fixture.service.emitted(StudioAssessmentOverdue.self)
            XCTAssertEqual(told.map(\.data.studioID).sorted(), ["s1", "s2"], "not s3, assessed in its window")
            XCTAssertTrue(told.allSatisfy { $0.data.overdueOn == LocalDate("2026-06-02") && $0.data.graceEndsOn == LocalDate("2026-08-30")
                && $0.data.cycle.number == 1 && $0.aggregate == "studio:\($0.data.studioID.rawValue)" }, "\(told.map(\.data))")
            // The studio keeps its title while the grace period runs
            let register = try await client.send(.get, "/public/studios")
            XCTAssertEqual(Set(register.json["items"].array.compactMap { $0["id"].string }), ["s1", "s2", "s3"])
            // When s2 is assessed late and passes, and s1's grace period passes unassessed
            let s2 = try await client.send(.post, "/studios/s2/assessments", token: fixture.department,
                                            body: AssessmentFixture.assessment(on: "2026-07-15", result: "pass", visitedOn: "2026-07-10"))
            XCTAssertEqual(s2.status, .created, s2.text)
            try await fixture.setQuzhouMorning("2026-08-30")
            // Then s1 expires and nobody is told overdue again
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).map(\.data.studioID), ["s1"])
            XCTAssertEqual(try fixture.service.emitted(StudioAssessmentOverdue.self).count, 2)
        }
    }

    /// A clock that jumps past the grace period tells the expiry only.
    func testAStudioFoundPastItsGracePeriodIsToldExpiredNotOverdue() async throws {
        let fixture = try AssessmentFixture(at: "2026-05-20T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2023-06-01"))
        try await fixture.service.built.application.test(.router) { _ in
            try await fixture.setQuzhouMorning("2026-09-01")
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).map(\.data.studioID), ["s1"])
            XCTAssertEqual(try fixture.service.emitted(StudioAssessmentOverdue.self).count, 0)
        }
    }

    func testTheGracePeriodIsASetting() async throws {
        // Given a department that allows 10 days' grace
        let fixture = try AssessmentFixture(at: "2026-06-10T02:00:00Z", settings: AssessmentSettings(expiryGraceDays: 10))
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2023-06-01"))
        try await fixture.service.built.application.test(.router) { client in
            _ = try await client.send(.get, "/public/studios")
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).count, 0, "2026-06-10 is the 10th day of grace")
            try await fixture.setQuzhouMorning("2026-06-11")
            let after = try await client.send(.get, "/public/studios")
            XCTAssertEqual(after.json["items"].array.count, 0)
            XCTAssertEqual(try fixture.service.emitted(StudioExpired.self).map(\.data.expiredOn), [LocalDate("2026-06-11")!])
        }
        XCTAssertEqual(AssessmentSettings().expiryGraceDays, 90)
        let options = try AssessmentOptions.parse([])
        XCTAssertEqual(try options.settings(environment: SettingsEnvironment(["ASSESSMENT_EXPIRY_GRACE_DAYS": "30"])).expiryGraceDays, 30)
        XCTAssertThrowsError(try options.settings(environment: SettingsEnvironment(["ASSESSMENT_EXPIRY_GRACE_DAYS": "0"])), "out of range: refused at start")
    }
}
