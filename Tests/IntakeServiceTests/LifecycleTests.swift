import ServiceKit
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import StudioDomain
import TestSupport
import XCTest

/// Draft, submitted, amended (versions), withdrawn; Idempotency-Key; one application per unit and studio per round;
/// review's status reports.
final class LifecycleTests: XCTestCase {
    func testTheSameIdempotencyKeyReturnsTheSameResultAndCreatesOnce() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let form = IntakeFixture.validForm()
            let first = try await fixture.create(client, token: fixture.kecheng, round: round, form: form, idempotencyKey: "k-1") { response in
                XCTAssertEqual(response.status, .created)
                return String(buffer: response.body)
            }
            let again = try await fixture.create(client, token: fixture.kecheng, round: round, form: form, idempotencyKey: "k-1") { response in
                XCTAssertEqual(response.status, .created)
                return String(buffer: response.body)
            }
            XCTAssertEqual(first, again)
            XCTAssertEqual(try fixture.applicationCount(), 1)
            XCTAssertEqual(try fixture.service.emitted(ApplicationSubmitted.self).count, 1)
            // The same key with another body is refused
            try await fixture.create(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "别的工作室"), idempotencyKey: "k-1") { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.codes, ["idempotency_key_reused"])
            }
            // Without the key, the same unit and studio again in the round is a conflict
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .conflict)
                let issue = try response.problem.errors[0]
                XCTAssertEqual(issue.code, "application.duplicate")
                XCTAssertEqual(issue.field, "studio.name")
            }
            // Even as a draft
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form, submit: false) { XCTAssertEqual($0.status, .conflict) }
            XCTAssertEqual(try fixture.applicationCount(), 1)
        }
    }

    /// The 201 of a new application is written directly (`FormJSON`, without re-reading the row); it must be the
    /// very bytes a read of the application gives, draft or submitted. (This check used to run as an `assert`
    /// inside the write transaction of every debug submission.)
    func testTheCreatedViewIsTheBytesAReadGives() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            for (studio, submit) in [("王建国数控技能创新工作室", true), ("quote \" backslash \\ 工作室 \u{1}", false)] {
                let created = try await fixture.create(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: studio),
                                                       submit: submit) { response in
                    XCTAssertEqual(response.status, .created)
                    return String(buffer: response.body)
                }
                let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any])?["id"] as? String)
                let read = try await client.execute(uri: "/applications/\(id)", method: .get, headers: TestRequest.headers(fixture.kecheng)) {
                    String(buffer: $0.body)
                }
                XCTAssertEqual(created, read, studio)
            }
        }
    }

    func testEachAmendmentIsANewVersionAndTheHistoryIsKept() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            fixture.move(to: "2026-09-10")
            var amended = IntakeFixture.validForm()
            amended.team?.members?.append(MemberForm(name: "钱进"))
            try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: TestRequest.headers(fixture.kecheng), body: TestRequest.json(amended)) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let view = try response.decode(ApplicationView.self)
                XCTAssertEqual(view.version, 2)
                XCTAssertEqual(view.submittedOn, LocalDate("2026-09-01"))
            }
            // An amendment that breaks a rule is refused and the version stays
            var broken = amended
            broken.leader?.skillLevel = "初级工"
            try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: TestRequest.headers(fixture.kecheng), body: TestRequest.json(broken)) {
                XCTAssertEqual($0.status, .unprocessableContent)
            }
            try await client.execute(uri: "/applications/\(app.id)/versions", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                let versions = try response.decode(Listing<ApplicationVersionView>.self).items
                XCTAssertEqual(versions.map(\.version), [1, 2])
                XCTAssertEqual(versions[0].form.team?.members?.count, 2)
                XCTAssertEqual(versions[1].form.team?.members?.count, 3)
                XCTAssertEqual(versions[1].recordedOn, LocalDate("2026-09-10"))
            }
            let event = try XCTUnwrap(try fixture.service.emitted(ApplicationAmended.self).first)
            XCTAssertEqual(try fixture.service.emitted(ApplicationAmended.self).count, 1)
            XCTAssertEqual(event.data.applicationVersion, 2)
            XCTAssertEqual(event.data.submittedOn, LocalDate("2026-09-01"))
            XCTAssertEqual(event.data.amendedOn, LocalDate("2026-09-10"))
            XCTAssertEqual(event.data.application.teamSize, 4)
            XCTAssertEqual(event.header.sequence, 2, "the amendment follows the submission in the application's order")
        }
    }

    func testAWithdrawalBeforeTheDeadlineIsSentToReviewAndAfterItIsRefused() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let early = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "甲工作室"))
            let late = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "乙工作室"))
            try await client.execute(uri: "/applications/\(early.id)/withdraw", method: .post, headers: TestRequest.headers(fixture.kecheng),
                                     body: ByteBuffer(string: #"{"reason":"团队调整"}"#)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(try response.decode(ApplicationView.self).status, "withdrawn")
            }
            let withdrawn = try XCTUnwrap(try fixture.service.emitted(ApplicationWithdrawn.self).first?.data)
            XCTAssertEqual(withdrawn.applicationID, early.id)
            XCTAssertEqual(withdrawn.roundID, round)
            XCTAssertEqual(withdrawn.reason, "团队调整")
            // Withdrawn twice: a conflict
            try await client.execute(uri: "/applications/\(early.id)/withdraw", method: .post, headers: TestRequest.headers(fixture.kecheng)) {
                XCTAssertEqual($0.status, .conflict)
            }
            fixture.move(to: "2026-11-01")
            try await client.execute(uri: "/applications/\(late.id)/withdraw", method: .post, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.codes, ["round_closed"])
            }
            XCTAssertEqual(try fixture.service.emitted(ApplicationWithdrawn.self).count, 1)
        }
    }

    func testReviewsStatusReportsAreShownAndAReturnedApplicationCanBeAmendedAfterTheDeadline() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            fixture.move(to: "2026-11-10")
            let reason = DomainIssue(code: "site_photos_missing", field: "attachments", article: Article(5, item: 1),
                                     messageZh: "请补充场地照片。", messageEn: "Add photos of the site.")
            try await fixture.service.receive(ApplicationStatusChanged(applicationID: app.id, kind: .naming, status: .returnedForAmendment, reasons: [reason]), from: "review")
            try await client.execute(uri: "/applications/\(app.id)", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                let view = try response.decode(ApplicationView.self)
                XCTAssertEqual(view.status, "returnedForAmendment")
                XCTAssertEqual(view.statusZh, "退回补正")
                XCTAssertEqual(view.statusReasons, [reason])
                XCTAssertEqual(view.statusHistory.last?.source, "review")
            }
            // Returned: amendable after the deadline
            try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: TestRequest.headers(fixture.kecheng),
                                     body: TestRequest.json(IntakeFixture.validForm())) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                XCTAssertEqual(try response.decode(ApplicationView.self).version, 2)
            }
            for status in [ApplicationStatus.qualificationPassed, .underExpertReview, .onPublicNotice, .named] {
                try await fixture.service.receive(ApplicationStatusChanged(applicationID: app.id, kind: .naming, status: status), from: "review")
            }
            try await client.execute(uri: "/applications?roundId=\(round)", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                let items = try response.decode(Listing<ApplicationSummaryView>.self).items
                XCTAssertEqual(items.map(\.status), ["named"])
                XCTAssertEqual(items.first?.statusZh, "已命名")
            }
            // A named application can no longer be amended or withdrawn
            try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: TestRequest.headers(fixture.kecheng),
                                     body: TestRequest.json(IntakeFixture.validForm())) { XCTAssertEqual($0.status, .conflict) }
            // An event for an application intake never had is rejected, not applied
            let result = try await fixture.service.receive(ApplicationStatusChanged(applicationID: .new(), kind: .naming, status: .named), from: "review")
            guard case .rejected = result else { return XCTFail("expected a rejection, got \(result)") }
        }
    }
}
