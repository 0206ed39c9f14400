import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import StudioDomain
import TestSupport
import XCTest

/// Art 5, 6 and 7 at the door: each rule on both sides of its boundary, every failing rule at once, and an
/// ineligible application is never stored as submitted.
final class EligibilityTests: XCTestCase {
    func testCreationWorkOfFiveMonthsAndThirtyDaysIsRefusedAndSixMonthsAccepted() async throws {
        // Given a team that started creation work on 2026-03-01, and today is 2026-08-31
        let fixture = try IntakeFixture(on: "2026-08-31")
        try await fixture.service.built.application.test(.router) { client in
            var form = IntakeFixture.validForm()
            form.studio?.creationStartDate = LocalDate("2026-03-01")
            let round = try await fixture.openRound(client)
            // When it submits after 5 months and 30 days, then it is refused under Art 7 and nothing is stored
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let problem = try response.problem
                let issue = try XCTUnwrap(problem.issue("creation_period_too_short"))
                XCTAssertEqual(issue.field, "studio.creationStartDate")
                XCTAssertEqual(issue.article, Article(7).reference)
                XCTAssertTrue(issue.messageZh.contains("2026-09-01"))
                XCTAssertEqual(problem.errors.count, 1)
            }
            XCTAssertEqual(try fixture.applicationCount(), 0)
            XCTAssertTrue(try fixture.service.emitted(ApplicationSubmitted.self).isEmpty)

            // When it submits the next day, exactly 6 months on, then it is accepted and review hears of it
            fixture.move(to: "2026-09-01")
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: form)
            XCTAssertEqual(app.status, "submitted")
            XCTAssertEqual(app.version, 1)
            XCTAssertEqual(app.submittedOn, LocalDate("2026-09-01"))
            let event = try XCTUnwrap(try fixture.service.emitted(ApplicationSubmitted.self).first)
            XCTAssertEqual(event.data.application.applicationID, app.id)
            XCTAssertEqual(event.data.application.roundID, round)
            XCTAssertEqual(event.data.submittedOn, LocalDate("2026-09-01"))
            XCTAssertEqual(event.data.application.teamSize, 3)
            XCTAssertEqual(event.data.application.leader.skillLevel, .seniorTechnician)
            XCTAssertEqual(event.data.application.screeningBodyCode, "330802")
            XCTAssertEqual(event.header.aggregate, "application:\(app.id)")
            // Review gets the scoring material but no personal data
            let details = try XCTUnwrap(event.data.application.details)
            XCTAssertEqual(details.projects.first?.commissioningUnit, "衢州精工机械有限公司")
            XCTAssertEqual(details.funds, Money(yuan: 50_000))
            XCTAssertEqual(details.screeningOpinion, "材料齐全，条件符合，同意推荐。")
            let raw = try await fixture.service.database.read { db in
                try Data.fetchOne(db, sql: "SELECT body FROM outbox_message WHERE type = 'application.submitted'")
            }
            let json = String(decoding: try XCTUnwrap(raw), as: UTF8.self)
            XCTAssertFalse(json.contains(IntakeFixture.idNumber))
            XCTAssertFalse(json.contains("13905700000"))
            // The members' names, and nothing else of them, go along for review's conflict checks (回避)
            XCTAssertEqual(event.data.application.teamMemberNames, ["李明", "赵芳"])
            XCTAssertFalse(json.contains("技术骨干"), "a member's role stays in intake")
        }
    }

    func testALeaderAtLevelFourIsRefusedAndAtLevelThreeAccepted() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            var form = IntakeFixture.validForm()
            form.leader?.skillLevel = "四级/中级工"
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("leader_skill_below_senior"))
                XCTAssertEqual(issue.field, "leader.skillLevel")
                XCTAssertEqual(issue.article, Article(5, item: 4).reference)
                XCTAssertTrue(issue.messageZh.contains("四级/中级工"))
                XCTAssertTrue(issue.messageEn.contains("senior worker"))
            }
            form.leader?.skillLevel = "三级/高级工"
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: form)
            XCTAssertEqual(app.status, "submitted")
            XCTAssertEqual(try fixture.service.emitted(ApplicationSubmitted.self).last?.data.application.leader.skillLevel, .senior)
        }
    }

    func testATeamOfTwoIsRefusedAndOfThreeAccepted() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            var form = IntakeFixture.validForm()
            form.team?.members = [MemberForm(name: "李明")]
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("team_too_small"))
                XCTAssertEqual(issue.field, "team.members")
                XCTAssertTrue(issue.messageZh.contains("2人"))
            }
            form.team?.members = [MemberForm(name: "李明"), MemberForm(name: "赵芳")]
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: form)
        }
    }

    func testUnitTypeTradeUnionProjectAndSiteRulesAreAllReportedAtOnce() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            var form = IntakeFixture.validForm()
            form.applicantUnit?.unitType = "社会组织"
            form.applicantUnit?.hasTradeUnion = false
            form.studio?.hasFixedSite = false
            form.projects?[0].commissioningUnit = nil
            form.projects?[0].startDate = LocalDate("2024-01-01")
            form.projects?[0].endDate = LocalDate("2025-06-30")
            form.leader?.skillLevel = "中级工"
            form.team?.members = []
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let problem = try response.problem
                for code in ["unit_type_not_eligible", "no_trade_union", "no_fixed_site", "no_commissioned_project", "leader_skill_below_senior", "team_too_small"] {
                    let issue = try XCTUnwrap(problem.issue(code), "\(code) missing from \(problem.codes)")
                    XCTAssertNotNil(issue.article, code)
                    XCTAssertFalse(issue.messageZh.isEmpty)
                    XCTAssertFalse(issue.messageEn.isEmpty)
                }
                XCTAssertEqual(problem.issue("unit_type_not_eligible")?.field, "applicantUnit.unitType")
                XCTAssertEqual(problem.issue("unit_type_not_eligible")?.article, Article(6).reference)
                XCTAssertEqual(problem.issue("no_fixed_site")?.article, Article(5, item: 1).reference)
                XCTAssertEqual(problem.issue("no_commissioned_project")?.field, "projects")
                XCTAssertEqual(problem.issue("no_commissioned_project")?.article, Article(5, item: 3).reference)
            }
            XCTAssertEqual(try fixture.applicationCount(), 0)
        }
    }

    func testCheckCharactersOfTheCreditCodeAndTheIDNumber() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            // Given a credit code and an ID number whose last character is off by one
            var form = IntakeFixture.validForm()
            let good = IntakeFixture.creditCode
            let wrongCheck = UnifiedSocialCreditCode.alphabet.first { $0 != good.last! }!
            form.applicantUnit?.creditCode = String(good.dropLast()) + String(wrongCheck)
            let id = IntakeFixture.idNumber
            form.leader?.idNumber = String(id.dropLast()) + (id.last == "1" ? "2" : "1")
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let problem = try response.problem
                XCTAssertEqual(problem.issue("credit_code_check")?.field, "applicantUnit.creditCode")
                XCTAssertEqual(problem.issue("id_number_check")?.field, "leader.idNumber")
                XCTAssertFalse(String(buffer: response.body).contains(id.dropLast()), "the ID number is never echoed")
            }
            // When the check characters are right (and the ID number in lower case x would be too), it is accepted
            form.applicantUnit?.creditCode = good.lowercased()
            form.leader?.idNumber = id
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: form)
            XCTAssertEqual(try fixture.service.emitted(ApplicationSubmitted.self).last?.data.application.applicantUnit.creditCode, good)
        }
    }

    func testADraftMayBeSavedIncompleteButIsCheckedOnSubmission() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let draft = try await fixture.create(client, token: fixture.kecheng, round: round,
                                                 form: ApplicationForm(studio: StudioForm(name: "半成品工作室")), submit: false) { response in
                XCTAssertEqual(response.status, .created)
                return try response.decode(ApplicationView.self)
            }
            XCTAssertEqual(draft.status, "draft")
            XCTAssertEqual(draft.version, 0)
            XCTAssertTrue(try fixture.service.emitted(ApplicationSubmitted.self).isEmpty)
            try await client.execute(uri: "/applications/\(draft.id)/submit", method: .post, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let fields = Set(try response.problem.errors.map(\.field))
                for field in ["applicantUnit.name", "applicantUnit.creditCode", "leader.idNumber", "leader.skillLevel", "team.members", "projects", "screening.opinion"] {
                    XCTAssertTrue(fields.contains(field), "\(field) not in \(fields)")
                }
            }
            // Then the draft is still a draft
            try await client.execute(uri: "/applications/\(draft.id)", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(try response.decode(ApplicationView.self).status, "draft")
            }
            // When the form is completed and submitted, it goes through
            try await client.execute(uri: "/applications/\(draft.id)", method: .put, headers: TestRequest.headers(fixture.kecheng),
                                     body: TestRequest.json(IntakeFixture.validForm(studio: "半成品工作室"))) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/applications/\(draft.id)/submit", method: .post, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                XCTAssertEqual(try response.decode(ApplicationView.self).version, 1)
            }
        }
    }

    func testBadInputIsAProblemNamingTheFieldAndNeverA500() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let auth = TestRequest.headers(fixture.kecheng)
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("", .badRequest, "body"),
                ("{\"roundId\":", .badRequest, "body"),
                ("{\"roundId\":\"\(round)\"}", .unprocessableContent, "form"),
                ("{\"roundId\":\"\(round)\",\"form\":{\"studio\":{\"creationStartDate\":\"2026-02-30\"}}}", .unprocessableContent, "form.studio.creationStartDate"),
                ("{\"roundId\":\"\(round)\",\"form\":{\"team\":{\"members\":[{\"name\":7}]}}}", .unprocessableContent, "form.team.members[0].name"),
                ("{\"roundId\":\"nope\",\"form\":{}}", .unprocessableContent, "roundId"),
            ]
            for (body, status, field) in cases {
                try await client.execute(uri: "/applications", method: .post, headers: auth, body: ByteBuffer(string: body)) { response in
                    XCTAssertEqual(response.status, status, body)
                    XCTAssertEqual(try response.problem.errors.first?.field, field, body)
                }
            }
            XCTAssertEqual(try fixture.applicationCount(), 0)
        }
    }

    func testNumberThatDoesNotFitItsIntegerFieldIsRefusedNamingTheField() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let auth = TestRequest.headers(fixture.kecheng)
            // A fraction in fen after a fraction that is fine where it stands (square metres); an integer too large
            let cases: [(String, String, String)] = [
                (#"{"roundId":"\#(round)","form":{"studio":{"siteArea":120.5,"funds":1250.5}}}"#, "form.studio.funds", "field.not_integer"),
                (#"{"roundId":"\#(round)","form":{"screening":{"recommendationOrder":99999999999999999999}}}"#, "form.screening.recommendationOrder", "field.out_of_range"),
                (#"{"roundId":"\#(round)","form":{"projects":[{"funding":100},{"funding":1e30}]}}"#, "form.projects[1].funding", "field.out_of_range"),
            ]
            for (body, field, code) in cases {
                try await client.execute(uri: "/applications", method: .post, headers: auth, body: ByteBuffer(string: body)) { response in
                    XCTAssertEqual(response.status, .unprocessableContent, body)
                    let issue = try XCTUnwrap(try response.problem.errors.first, body)
                    XCTAssertEqual(issue.field, field, body)
                    XCTAssertEqual(issue.code, code, body)
                }
            }
            XCTAssertEqual(try fixture.applicationCount(), 0)
        }
    }

    func testTheSubmissionDayIsTheDayInQuzhouNotInUTC() async throws {
        // Given 2026-08-31T16:30Z, which is already 2026-09-01 00:30 in Quzhou (UTC+8)
        let clock = TestClock(Date(timeIntervalSince1970: 1_788_193_800))
        XCTAssertEqual(LocalDate(clock.now(), in: TimeZone(identifier: "UTC")!), LocalDate("2026-08-31"))
        let service = try TestService(IntakeModule(), clock: clock)
        let body = try service.token(.screeningBody, subject: "330802")
        let department = try service.token(.department)
        try await service.built.application.test(.router) { client in
            try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(department),
                                     body: TestRequest.json(IntakeFixture.OpenRoundBody(kind: .naming, year: 2026, opensOn: "2026-08-01", deadline: "2026-10-31", quotaPerBody: nil))) { response in
                let round = try response.decode(IntakeRound.self).id
                var form = IntakeFixture.validForm()
                form.studio?.creationStartDate = LocalDate("2026-03-01")
                try await client.execute(uri: "/applications", method: .post, headers: TestRequest.headers(body),
                                         body: TestRequest.json(IntakeFixture.Create(roundId: round, submit: true, form: form))) { response in
                    // Then it counts as submitted on 2026-09-01: six months, accepted
                    XCTAssertEqual(response.status, .created, String(buffer: response.body))
                    XCTAssertEqual(try response.decode(ApplicationView.self).submittedOn, LocalDate("2026-09-01"))
                }
            }
        }
    }
}
