import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The end-of-cycle assessment (Art 17): pass renews into the next cycle, fail revokes with a public notice,
/// a cycle ended without an assessment is overdue.
final class AssessmentTests: XCTestCase {
    func testAPassRenewsTheStudioIntoTheNextCycle() async throws {
        // Given a studio named on 29 February 2024, assessed on 10 January 2027 (cycle ends 1 March 2027)
        let fixture = try AssessmentFixture(at: "2027-01-10T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2024-02-29"))
        try await fixture.service.built.application.test(.router) { client in
            // When the department records a pass
            let reply = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                               body: AssessmentFixture.assessment(on: "2027-01-10", result: "pass", visitedOn: "2027-01-05"))
            XCTAssertEqual(reply.status, .created, reply.text)
            XCTAssertEqual(reply.json["status"].string, "active")
            XCTAssertEqual(reply.json["cycle"]["number"].int, 2)
            XCTAssertEqual(reply.json["cycle"]["start"].string, "2027-03-01")
            XCTAssertEqual(reply.json["assessment"]["totalScore"].int, 84)
            XCTAssertEqual(reply.json["assessment"]["recordedByRole"].string, "department")
            XCTAssertEqual(reply.json["assessment"]["late"].bool, false)
            // Then studio.renewed and studio.cycle_changed carry the next cycle, and nothing is revoked
            let renewed = try fixture.service.emitted(StudioRenewed.self)
            XCTAssertEqual(renewed.count, 1)
            XCTAssertEqual(renewed[0].data.cycle, StudioCycle(number: 2, start: LocalDate("2027-03-01")!))
            XCTAssertEqual(renewed[0].data.assessedOn, LocalDate("2027-01-10"))
            XCTAssertEqual(renewed[0].data.assessmentID?.rawValue, reply.json["assessment"]["id"].string)
            let changed = try fixture.service.emitted(StudioCycleChanged.self)
            XCTAssertEqual(changed.map(\.data.cycle.end), [LocalDate("2030-03-01")!])
            XCTAssertEqual(try fixture.service.emitted(StudioRevoked.self).count, 0)
            // And the history says who renewed it, and a second assessment of cycle 1 is refused
            let detail = try await client.send(.get, "/studios/s1", token: fixture.federation)
            XCTAssertEqual(detail.json["history"].array.map { $0["kind"].string }, ["registered", "renewed"])
            XCTAssertEqual(detail.json["assessments"].array.count, 1)
            // Until the next cycle starts on 1 March the studio is still in year 3, neither due nor overdue
            XCTAssertEqual(detail.json["studio"]["standing"]["yearInCycle"].int, 3)
            XCTAssertEqual(detail.json["studio"]["standing"]["assessmentWindowOpen"].bool, false)
            XCTAssertEqual(detail.json["studio"]["standing"]["overdue"].bool, false)
            let again = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                               body: AssessmentFixture.assessment(on: "2027-01-10", result: "fail", reasons: "x"))
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(again.issue["code"].string, "assessment.stale_cycle")
        }
    }

    func testAFailRevokesTheTitleWithAPublicNotice() async throws {
        // Given a studio named 2023-12-20, cycle ending 2026-12-20
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", name: "衢化技改创新工作室", unit: "巨化集团衢州分公司", namedOn: "2023-12-20"))
        try await fixture.service.built.application.test(.router) { client in
            // When the department records a fail
            let reply = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                               body: AssessmentFixture.assessment(on: "2026-11-24", result: "fail", reasons: "三年内无委托创新项目，团队不足3人"))
            XCTAssertEqual(reply.status, .created, reply.text)
            XCTAssertEqual(reply.json["status"].string, "revoked")
            // Then studio.revoked goes out with reason assessmentFailed and the notice's id
            let revoked = try fixture.service.emitted(StudioRevoked.self)
            XCTAssertEqual(revoked.count, 1)
            XCTAssertEqual(revoked[0].data.reason, .assessmentFailed)
            XCTAssertEqual(revoked[0].data.decidedOn, LocalDate("2026-11-24"))
            let noticeID = try XCTUnwrap(revoked[0].data.noticeID)
            XCTAssertEqual(reply.json["noticeId"].string, noticeID.rawValue)
            XCTAssertEqual(try fixture.service.emitted(StudioRenewed.self).count, 0)
            // And the public notice names the studio, the reason, the article and the date, in Chinese
            let notice = try await client.send(.get, "/public/notices/\(noticeID.rawValue)")
            XCTAssertEqual(notice.status, .ok)
            let body = try XCTUnwrap(notice.json["body"].string)
            XCTAssertTrue(body.contains("巨化集团衢州分公司“衢化技改创新工作室”"))
            XCTAssertTrue(body.contains("考核不合格"))
            XCTAssertTrue(body.contains("第十七条"))
            XCTAssertTrue(body.contains("2026年11月24日"))
            XCTAssertFalse(body.contains("王建国"))
            XCTAssertEqual(notice.json["title"].string, "关于撤销“衢化技改创新工作室”衢州市高技能人才（劳模）创新工作室命名的通报")
            // And the studio holds no title any more: nothing more can be recorded
            let more = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                              body: AssessmentFixture.assessment(on: "2026-11-24", result: "pass"))
            XCTAssertEqual(more.status, .conflict)
            XCTAssertEqual(more.issue["code"].string, "studio.no_title")
        }
    }

    func testInvalidAssessmentsAreRefusedWholeAndNothingIsWritten() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2023-12-20"))
        try await fixture.service.built.application.test(.router) { client in
            // A fail without reasons, a score out of range, an unknown criterion and a missing one
            let bad = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                             body: AssessmentFixture.assessment(on: "2026-11-24", result: "fail",
                                                                                scores: #"{"facilities":25,"workRules":17,"projects":16,"team":18,"luck":3}"#))
            XCTAssertEqual(bad.status, .unprocessableContent)
            let fields = Set(bad.json["errors"].array.compactMap { $0["field"].string })
            XCTAssertEqual(fields, ["scores.facilities", "scores.results", "scores.luck", "reasons"])
            XCTAssertEqual(bad.json["errors"].array.first { $0["field"].string == "scores.facilities" }?["article"].string, "第五条第（一）项 / Art. 5(1)")
            // A date in the future, and a wrongly typed field
            let future = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                                body: AssessmentFixture.assessment(on: "2026-11-25", result: "pass", visitedOn: "2026-11-20"))
            XCTAssertEqual(future.issue["code"].string, "date_in_future")
            let typed = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                               body: #"{"cycleNumber":"one"}"#)
            XCTAssertEqual(typed.status, .unprocessableContent)
            XCTAssertEqual(typed.issue["field"].string, "cycleNumber")
            // Only the department records it
            let federation = try await client.send(.post, "/studios/s1/assessments", token: fixture.federation,
                                                    body: AssessmentFixture.assessment(on: "2026-11-24", result: "pass"))
            XCTAssertEqual(federation.status, .forbidden)
        }
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM cycle_assessment"), 0)
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM outbox_message WHERE type != 'studio.registered'"), 0)
    }

    func testACycleEndedWithoutAnAssessmentIsOverdueNotPassedOrExpired() async throws {
        // Given a studio named 2023-06-01, whose cycle's last day is 2026-05-31
        let fixture = try AssessmentFixture(at: "2026-05-31T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2023-06-01"))
        try await fixture.name(AssessmentFixture.named("s2", name: "新近命名工作室", namedOn: "2026-01-10"))
        try await fixture.service.built.application.test(.router) { client in
            // On the last day it is due but not overdue
            let lastDay = try await client.send(.get, "/studios?overdue=true", token: fixture.department)
            XCTAssertEqual(lastDay.json["items"].array.count, 0)
            // When the cycle ends (00:00 on 1 June in Quzhou, still 31 May in UTC) without an assessment
            try await fixture.set("2026-05-31T16:00:00Z")
            // Then it is flagged overdue, keeps its status, is told overdue once, and no event pretends it passed or expired
            let overdue = try await client.send(.get, "/studios?overdue=true", token: fixture.department)
            XCTAssertEqual(overdue.json["items"].array.map { $0["id"].string }, ["s1"])
            XCTAssertEqual(overdue.json["items"][0]["status"].string, "active")
            XCTAssertEqual(overdue.json["items"][0]["standing"]["overdue"].bool, true)
            let due = try await client.send(.get, "/assessments/due?overdue=true", token: fixture.federation)
            XCTAssertEqual(due.json["items"].array.map { $0["id"].string }, ["s1"])
            XCTAssertEqual(try fixture.service.emitted(StudioAssessmentOverdue.self).map { "\($0.data.studioID.rawValue) \($0.data.overdueOn)" }, ["s1 2026-06-01"])
            XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM outbox_message WHERE type NOT IN ('studio.registered', 'studio.assessment_overdue')"), 0)
            // When the department records the assessment late
            try await fixture.setQuzhouMorning("2026-07-15")
            let late = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                              body: AssessmentFixture.assessment(on: "2026-07-15", result: "pass", visitedOn: "2026-07-01"))
            XCTAssertEqual(late.status, .created, late.text)
            XCTAssertEqual(late.json["assessment"]["late"].bool, true)
            // Then the next cycle still starts where the first ended, and the flag is gone
            XCTAssertEqual(late.json["cycle"]["start"].string, "2026-06-01")
            let after = try await client.send(.get, "/studios?overdue=true", token: fixture.department)
            XCTAssertEqual(after.json["items"].array.count, 0)
        }
    }
}
