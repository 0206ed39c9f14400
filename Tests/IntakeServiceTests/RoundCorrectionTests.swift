import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The department corrects an open round: a new deadline, a new quota, or the round cancelled, each with its reason,
/// in intake's audit log and told to review.
final class RoundCorrectionTests: XCTestCase {
    typealias F = IntakeFixture

    struct Body: Encodable {
        var deadline: String?
        var quotaPerBody: Int?
        var quotas: [String: Int]?
        var reason: String?
    }

    static func post(_ client: some TestClientProtocol, _ fixture: IntakeFixture, _ path: String, token: String? = nil, _ body: Body,
              _ check: @escaping (TestResponse) async throws -> Void) async throws {
        try await client.execute(uri: path, method: .post, headers: TestRequest.headers(token ?? fixture.department), body: TestRequest.json(body), testCallback: check)
    }

    func testAnExtendedDeadlineLetsACountySubmitOnTheNewLastDay() async throws {
        let fixture = try IntakeFixture(on: "2026-10-30")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, opensOn: "2026-08-01", deadline: "2026-10-31")
            // A county cannot move it, and a reason is required
            try await Self.post(client, fixture, "/rounds/\(round)/deadline", token: fixture.kecheng, Body(deadline: "2026-11-02", reason: "柯城区申请延期")) {
                XCTAssertEqual($0.status, .forbidden)
            }
            try await Self.post(client, fixture, "/rounds/\(round)/deadline", Body(deadline: "2026-11-02")) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.errors.map(\.field), ["reason"])
            }
            // When the department gives two more days
            try await Self.post(client, fixture, "/rounds/\(round)/deadline", Body(deadline: "2026-11-02", reason: "柯城区申请延期两天")) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                XCTAssertEqual(try response.decode(IntakeRound.self).deadline, LocalDate("2026-11-02"))
            }
            // Then a county submits on the new last day
            fixture.move(to: "2026-11-02")
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: F.validForm())
            // And the day after is closed again
            fixture.move(to: "2026-11-03")
            try await fixture.create(client, token: fixture.qujiang, round: round,
                                     form: F.validForm(studio: "迟到的工作室", creditCode: F.otherCreditCode)) { response in
                XCTAssertEqual(try response.problem.codes, ["round_closed"])
            }
            // And the change is in the hash-chained audit log with its reason, and in round.changed for review
            let entries = try await fixture.service.database.read { db in try AuditLog.entries(after: 0, limit: 100, in: db) }
            let entry = try XCTUnwrap(entries.first { $0.action == "round.deadline_changed" })
            XCTAssertEqual(entry.subject, "round:\(round)")
            XCTAssertEqual(entry.actorRole, "department")
            XCTAssertTrue(entry.details.contains("柯城区申请延期两天") && entry.details.contains("2026-10-31") && entry.details.contains("2026-11-02"))
            let chain = try await fixture.service.database.read { db in try AuditLog.verify(in: db) }
            XCTAssertTrue(chain.intact)
            let events = try fixture.service.emitted(RoundChanged.self).map(\.data)
            XCTAssertEqual(events, [RoundChanged(roundID: round, change: "deadline", deadline: LocalDate("2026-11-02")!,
                                                 previousDeadline: LocalDate("2026-10-31")!, quotaPerBody: nil, quotas: [:], reason: "柯城区申请延期两天")])
        }
    }

    func testANewDeadlineIsRefusedBeforeTodayBeforeTheOpeningAfterTheYearOrUnchanged() async throws {
        let fixture = try IntakeFixture(on: "2026-09-10")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, opensOn: "2026-08-01", deadline: "2026-10-31")
            for (deadline, code) in [("2026-09-09", "round_deadline_past"), ("2027-01-05", "round_deadline_after_year"),
                                     ("2026-10-31", "round_deadline_unchanged")] {
                try await Self.post(client, fixture, "/rounds/\(round)/deadline", Body(deadline: deadline, reason: "调整截止日期")) { response in
                    XCTAssertEqual(response.status, .unprocessableContent, deadline)
                    let issue = try XCTUnwrap(try response.problem.issue(code), deadline)
                    XCTAssertEqual(issue.field, "deadline")
                    XCTAssertFalse(issue.messageZh.isEmpty || issue.messageEn.isEmpty)
                }
            }
            try await Self.post(client, fixture, "/rounds/nope/deadline", Body(deadline: "2026-11-02", reason: "调整截止日期")) {
                XCTAssertEqual($0.status, .notFound)
            }
            // Nothing was changed, logged or sent
            let stored = try await fixture.service.database.read { db in try RoundStore.find(round, in: db) }
            XCTAssertEqual(stored?.deadline, LocalDate("2026-10-31"))
            XCTAssertEqual(try fixture.service.emitted(RoundChanged.self).count, 0)
            let entries = try await fixture.service.database.read { db in try AuditLog.entries(after: 0, limit: 10, in: db) }
            XCTAssertEqual(entries.filter { $0.action.hasPrefix("round.") }.count, 0)
        }
    }

    func testAQuotaChangeIsCheckedAgainstWhatABodyHasAlreadyRecommended() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, quotaPerBody: 3)
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: F.validForm(studio: "甲工作室"))
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: F.validForm(studio: "乙工作室"))
            // One per body would leave 柯城 over its quota
            try await Self.post(client, fixture, "/rounds/\(round)/quota", Body(quotaPerBody: 1, reason: "压缩名额")) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("round_quota_below_recommended"))
                XCTAssertEqual(issue.field, "quotaPerBody")
                XCTAssertTrue(issue.messageZh.contains("已推荐2份"), issue.messageZh)
            }
            // Two, with a third for 衢江 alone, is accepted, and then 柯城's third is over it
            try await Self.post(client, fixture, "/rounds/\(round)/quota", Body(quotaPerBody: 2, quotas: ["330803": 3], reason: "按各地申报情况调整名额")) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
            }
            try await fixture.create(client, token: fixture.kecheng, round: round, form: F.validForm(studio: "丙工作室")) { response in
                XCTAssertEqual(try response.problem.codes, ["round.quota_exceeded"])
            }
            let event = try XCTUnwrap(try fixture.service.emitted(RoundChanged.self).last?.data)
            XCTAssertEqual(event.change, "quota")
            XCTAssertEqual(event.quotaPerBody, 2)
            XCTAssertEqual(event.quotas, ["330803": 3])
            let entries = try await fixture.service.database.read { db in try AuditLog.entries(after: 0, limit: 100, in: db) }
            XCTAssertTrue(entries.contains { $0.action == "round.quota_changed" && $0.details.contains("按各地申报情况调整名额") })
        }
    }

    func testACancelledRoundRefusesSubmissionsNamingTheCancellationAndItsReason() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let draft = try await fixture.create(client, token: fixture.kecheng, round: round, form: F.validForm(), submit: false) { response in
                try response.decode(ApplicationView.self)
            }
            try await Self.post(client, fixture, "/rounds/\(round)/cancel", Body(reason: "x")) { response in
                XCTAssertEqual(try response.problem.errors.map(\.field), ["reason"])
            }
            try await Self.post(client, fixture, "/rounds/\(round)/cancel", Body(reason: "评审办法修订，本批次重新组织")) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let view = try response.decode(IntakeRound.self)
                XCTAssertTrue(view.isCancelled)
                XCTAssertEqual(view.cancelReason, "评审办法修订，本批次重新组织")
            }
            // A new application and the draft's submission are refused, naming the cancellation and its reason in both languages
            try await fixture.create(client, token: fixture.qujiang, round: round, form: F.validForm(studio: "乙工作室", creditCode: F.otherCreditCode)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("round_cancelled"))
                XCTAssertTrue(issue.messageZh.contains("撤销") && issue.messageZh.contains("评审办法修订"), issue.messageZh)
                XCTAssertTrue(issue.messageEn.contains("cancelled") && issue.messageEn.contains("评审办法修订"), issue.messageEn)
            }
            try await client.execute(uri: "/applications/\(draft.id)/submit", method: .post, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(try response.problem.codes, ["round_cancelled"])
            }
            // The round reads as not accepting, cannot be changed again, and review is told
            try await client.execute(uri: "/rounds/\(round)", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                XCTAssertEqual(object?["acceptingSubmissions"] as? Bool, false)
                XCTAssertEqual(object?["cancelReason"] as? String, "评审办法修订，本批次重新组织")
            }
            try await Self.post(client, fixture, "/rounds/\(round)/deadline", Body(deadline: "2026-11-30", reason: "再延期")) { response in
                XCTAssertEqual(response.status, .conflict)
                XCTAssertEqual(try response.problem.codes, ["round.cancelled"])
            }
            XCTAssertEqual(try fixture.service.emitted(RoundCancelled.self).map(\.data),
                           [RoundCancelled(roundID: round, cancelledOn: LocalDate("2026-09-01")!, reason: "评审办法修订，本批次重新组织")])
            let entries = try await fixture.service.database.read { db in try AuditLog.entries(after: 0, limit: 100, in: db) }
            XCTAssertEqual(entries.filter { $0.action == "round.cancelled" }.count, 1)
        }
    }
}
