import ServiceKit
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import StudioDomain
import TestSupport
import XCTest

/// Project-grant (Art 13) and demonstration (Art 14) applications, judged on the studio register intake builds
/// from assessment's events.
final class StudioApplicationTests: XCTestCase {
    func register(_ fixture: IntakeFixture, _ id: StudioID, body: String = "330802", namedOn: String, level: StudioLevel = .city) async throws {
        let named = LocalDate(namedOn)!
        let result = try await fixture.service.receive(StudioRegistered(studioID: id, applicationID: nil, studioName: "工作室\(id)", unitName: "衢州精工机械有限公司",
                                                                        screeningBodyCode: body, level: level, namedOn: named, cycle: StudioCycle(start: named)), from: "assessment")
        guard case .applied = result else { return XCTFail("registration not applied: \(result)") }
    }

    static func form(_ studio: StudioID) -> ApplicationForm {
        var form = IntakeFixture.validForm(studio: "工作室\(studio)")
        form.studioId = studio
        return form
    }

    func testProjectGrantsFromTheSecondYearOfTheCycleOncePerYearAndOnlyForTheBodysOwnActiveStudios() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await register(fixture, "s-year2", namedOn: "2025-03-10")
        try await register(fixture, "s-year1", namedOn: "2026-01-10")
        try await register(fixture, "s-other", body: "330803", namedOn: "2024-05-01")
        try await register(fixture, "s-revoked", namedOn: "2024-05-01")
        try await fixture.service.receive(StudioRevoked(studioID: "s-revoked", reason: .plagiarismOrFraud, decidedOn: LocalDate("2026-06-01")!), from: "assessment")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .projectGrant)
            // Year 2 of its cycle: accepted, and review gets the studio id
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: Self.form("s-year2"))
            XCTAssertEqual(app.kind, .projectGrant)
            let event = try XCTUnwrap(try fixture.service.emitted(ApplicationSubmitted.self).last?.data.application)
            XCTAssertEqual(event.kind, .projectGrant)
            XCTAssertEqual(event.studioID, "s-year2")
            // One per studio per year
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s-year2")) { response in
                XCTAssertEqual(response.status, .conflict)
                XCTAssertEqual(try response.problem.errors.first?.field, "studioId")
            }
            // Year 1: refused under Art 13
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s-year1")) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("project_grant_before_second_year"))
                XCTAssertEqual(issue.article, Article(13).reference)
            }
            // Another body's studio reads as unknown; a revoked one is refused under Art 20
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s-other")) { response in
                XCTAssertEqual(try response.problem.codes, ["studio_unknown"])
            }
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s-revoked")) { response in
                let issue = try XCTUnwrap(try response.problem.issue("studio_not_active"))
                XCTAssertEqual(issue.article, Article(20).reference)
            }
            // A project-grant form without a studio is refused
            try await fixture.create(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "无名")) { response in
                XCTAssertTrue(try response.problem.codes.contains("studio_required"))
            }
            XCTAssertEqual(try fixture.applicationCount(), 1)
        }
    }

    func testPassingTheEndOfCycleAssessmentEarlyTakesAwayTheRestOfYear3() async throws {
        // Given two studios named 2026-12-02 (cycle 1 ends 2029-12-01); one passed its assessment early, so
        // intake's register already holds its cycle 2, which begins 2029-12-02
        let fixture = try IntakeFixture(on: "2029-11-02")
        try await register(fixture, "s-renewed", namedOn: "2026-12-02")
        try await register(fixture, "s-unassessed", namedOn: "2026-12-02")
        let cycle2 = StudioCycle(start: LocalDate("2026-12-02")!).next
        try await fixture.service.receive(StudioRenewed(studioID: "s-renewed", assessedOn: LocalDate("2029-11-02")!, cycle: cycle2), from: "assessment")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .projectGrant, year: 2029, opensOn: "2029-10-01", deadline: "2029-11-30")
            // When both apply for a project grant on 2029-11-02, then both are accepted: it is year 3 of cycle 1
            for id: StudioID in ["s-renewed", "s-unassessed"] {
                var form = Self.form(id)
                form.projects?[0].startDate = LocalDate("2029-03-01")
                form.projects?[0].endDate = LocalDate("2029-12-31")
                let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: form)
                XCTAssertEqual(app.kind, .projectGrant, "\(id)")
            }
        }
        XCTAssertEqual(try fixture.applicationCount(), 2)
    }

    func testAnExpiredStudioIsRefusedUntilALatePassRestoresIt() async throws {
        // Given a studio named 2022-09-01 whose cycle ended 2025-09-01 unassessed and whose title expired after the grace
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await register(fixture, "s-expired", namedOn: "2022-09-01")
        let cycle = StudioCycle(start: LocalDate("2022-09-01")!)
        let expired = try await fixture.service.receive(StudioExpired(studioID: "s-expired", cycle: cycle, expiredOn: LocalDate("2025-11-30")!), from: "assessment")
        guard case .applied = expired else { return XCTFail("studio.expired not applied: \(expired)") }
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .projectGrant)
            // When it applies, then it is refused under Art 17
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s-expired")) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("studio_not_active"))
                XCTAssertEqual(issue.article, Article(17).reference)
            }
            // When a late assessment passes and restores it (cycle 2 from 2025-09-01, now in its year 2), then it may apply
            _ = try await fixture.service.receive(StudioRenewed(studioID: "s-expired", assessedOn: LocalDate("2026-09-01")!, cycle: cycle.next,
                                                                restoredStatus: .active), from: "assessment")
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: Self.form("s-expired"))
            XCTAssertEqual(app.kind, .projectGrant)
        }
    }

    func testRevokedStudioIsRefusedCitingTheArticleOfItsRevocation() async throws {
        // Given one studio revoked for failing its Art 17 assessment, one for fraud (Art 20), one for another decision
        let fixture = try IntakeFixture(on: "2026-09-01")
        for id: StudioID in ["s-failed", "s-fraud", "s-other"] { try await register(fixture, id, namedOn: "2024-05-01") }
        try await fixture.service.receive(StudioRevoked(studioID: "s-failed", reason: .assessmentFailed, decidedOn: LocalDate("2026-06-01")!), from: "assessment")
        try await fixture.service.receive(StudioRevoked(studioID: "s-fraud", reason: .plagiarismOrFraud, decidedOn: LocalDate("2026-06-01")!), from: "assessment")
        try await fixture.service.receive(StudioRevoked(studioID: "s-other", reason: .other, decidedOn: LocalDate("2026-06-01")!), from: "assessment")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .projectGrant)
            // When each applies for a project grant, then each is refused under the article of its own revocation
            for (id, article) in [("s-failed", Article(17).reference), ("s-fraud", Article(20).reference), ("s-other", nil)] as [(StudioID, String?)] {
                try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form(id)) { response in
                    XCTAssertEqual(response.status, .unprocessableContent)
                    let issue = try XCTUnwrap(try response.problem.issue("studio_not_active"), "\(id)")
                    XCTAssertEqual(issue.article, article, "\(id)")
                    XCTAssertFalse(issue.messageZh.contains("已已"), issue.messageZh)
                    XCTAssertTrue(issue.messageZh.contains("称号已撤销"), issue.messageZh)
                }
            }
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s-failed")) { response in
                let issue = try XCTUnwrap(try response.problem.issue("studio_not_active"))
                XCTAssertTrue(issue.messageZh.contains("周期考核不合格"), issue.messageZh)
            }
            // And the register shows why
            try await client.execute(uri: "/studios", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                let studios = try response.decode(Listing<ReplicatedStudio>.self).items
                XCTAssertEqual(Dictionary(uniqueKeysWithValues: studios.map { ($0.studioId, $0.revocationReason) }),
                               ["s-failed": .assessmentFailed, "s-fraud": .plagiarismOrFraud, "s-other": .other])
            }
        }
        XCTAssertEqual(try fixture.applicationCount(), 0)
    }

    func testTheReplicaFollowsCycleChangesAndChangesOfAffiliation() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await register(fixture, "s1", namedOn: "2026-01-10")
        // Assessment moves the studio to a cycle whose second year has begun, then to another screening body (Art 19)
        try await fixture.service.receive(StudioCycleChanged(studioID: "s1", cycle: StudioCycle(number: 2, start: LocalDate("2025-06-01")!)), from: "assessment")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .projectGrant)
            try await client.execute(uri: "/studios", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                let studios = try response.decode(Listing<ReplicatedStudio>.self).items
                XCTAssertEqual(studios.map(\.cycle.number), [2])
            }
            try await fixture.service.receive(StudioChanged(studioID: "s1", screeningBodyCode: "330803", effectiveOn: LocalDate("2026-08-01")!), from: "assessment")
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("s1")) { response in
                XCTAssertEqual(try response.problem.codes, ["studio_unknown"])
            }
            var form = Self.form("s1")
            form.applicantUnit?.creditCode = IntakeFixture.otherCreditCode
            _ = try await fixture.submitted(client, token: fixture.qujiang, round: round, form: form)
        }
        // An event for a studio intake has not heard of yet is applied (the shared replica's policy): the studio reads
        // as unknown until its registration arrives, and is revoked from then on
        let result = try await fixture.service.receive(StudioRevoked(studioID: "late", reason: .plagiarismOrFraud, decidedOn: LocalDate("2026-09-01")!), from: "assessment")
        guard case .applied = result else { return XCTFail("expected the revocation applied, got \(result)") }
        let round = try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .demonstration)
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("late")) { response in
                XCTAssertEqual(try response.problem.codes, ["studio_unknown"])
            }
            return round
        }
        try await register(fixture, "late", namedOn: "2024-05-01")
        try await fixture.service.built.application.test(.router) { client in
            try await fixture.create(client, token: fixture.kecheng, round: round, form: Self.form("late")) { response in
                let issue = try XCTUnwrap(try response.problem.issue("studio_not_active"))
                XCTAssertEqual(issue.article, Article(20).reference)
            }
        }
    }

    func testDemonstrationApplicationsFromNamedCityAndProvincialStudiosOncePerYear() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await register(fixture, "city-1", namedOn: "2026-01-10")
        try await register(fixture, "prov-1", namedOn: "2023-04-01", level: .provincial)
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, kind: .demonstration)
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: Self.form("city-1"))
            var provincial = Self.form("prov-1")
            provincial.applicantUnit?.creditCode = IntakeFixture.otherCreditCode
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: provincial)
            XCTAssertEqual(app.kind, .demonstration)
            try await fixture.create(client, token: fixture.kecheng, round: round, form: provincial) { XCTAssertEqual($0.status, .conflict) }
            XCTAssertEqual(try fixture.service.emitted(ApplicationSubmitted.self).map(\.data.application.kind), [.demonstration, .demonstration])
        }
    }
}
