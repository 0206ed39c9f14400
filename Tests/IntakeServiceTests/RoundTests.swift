import ServiceKit
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import StudioDomain
import TestSupport
import XCTest

/// Rounds (申报批次): the department opens them; submissions outside the window and over a body's quota are refused.
final class RoundTests: XCTestCase {
    func testOnlyTheDepartmentOpensRoundsAndOnlyOnePerKindAndYear() async throws {
        let fixture = try IntakeFixture(on: "2026-07-01")
        try await fixture.service.built.application.test(.router) { client in
            let body = TestRequest.json(IntakeFixture.OpenRoundBody(kind: .naming, year: 2026, opensOn: "2026-08-01", deadline: "2026-10-31", quotaPerBody: nil))
            try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(fixture.kecheng), body: body) {
                XCTAssertEqual($0.status, .forbidden)
            }
            _ = try await fixture.openRound(client)
            try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(fixture.department), body: body) { response in
                XCTAssertEqual(response.status, .conflict)
                XCTAssertEqual(try response.problem.codes, ["round.duplicate"])
            }
            let reversed = TestRequest.json(IntakeFixture.OpenRoundBody(kind: .projectGrant, year: 2026, opensOn: "2026-08-01", deadline: "2026-07-31", quotaPerBody: 0))
            try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(fixture.department), body: reversed) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(Set(try response.problem.errors.map(\.field)), ["deadline", "quotaPerBody"])
            }
            try await client.execute(uri: "/rounds", method: .get, headers: TestRequest.headers(fixture.qujiang)) { response in
                XCTAssertEqual(try response.decode(Listing<IntakeRound>.self).items.count, 1)
            }
        }
    }

    func testAnOpenedRoundIsAnnouncedToReviewInItsTransaction() async throws {
        let fixture = try IntakeFixture(on: "2026-07-01")
        try await fixture.service.built.application.test(.router) { client in
            // When the department opens a round
            let round = try await fixture.openRound(client, kind: .naming, year: 2026, opensOn: "2026-08-01", deadline: "2026-10-31")
            // Then `round.opened` is in the outbox with it (one transaction), before any application exists
            let opened = try fixture.service.emitted(RoundOpened.self)
            XCTAssertEqual(opened.map(\.data), [RoundOpened(roundID: round, kind: .naming, year: 2026, opensOn: LocalDate("2026-08-01")!,
                                                             deadline: LocalDate("2026-10-31")!)])
            XCTAssertEqual(opened.first?.aggregate, "round:\(round.rawValue)")
            XCTAssertEqual(try fixture.applicationCount(), 0)
            // And a refused second round of the same kind and year sends nothing
            let again = TestRequest.json(IntakeFixture.OpenRoundBody(kind: .naming, year: 2026, opensOn: "2026-08-01", deadline: "2026-10-31", quotaPerBody: nil))
            try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(fixture.department), body: again) {
                XCTAssertEqual($0.status, .conflict)
            }
            XCTAssertEqual(try fixture.service.emitted(RoundOpened.self).count, 1)
            // And an unknown round is named in Chinese in the Chinese message
            try await client.execute(uri: "/rounds/nope", method: .get, headers: TestRequest.headers(fixture.department)) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertEqual(try response.problem.errors.map(\.messageZh), ["未找到批次：nope"])
            }
        }
    }

    func testASubmissionOutsideTheWindowIsRefusedAndTheDeadlineDayCounts() async throws {
        let fixture = try IntakeFixture(on: "2026-07-31")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, opensOn: "2026-08-01", deadline: "2026-10-31")
            // The day before the opening
            try await fixture.create(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm()) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                let issue = try XCTUnwrap(try response.problem.issue("round_not_open"))
                XCTAssertEqual(issue.field, "roundId")
                XCTAssertTrue(issue.messageZh.contains("2026-08-01"))
            }
            // The deadline day itself is inside the window
            fixture.move(to: "2026-10-31")
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            // The day after it is not
            fixture.move(to: "2026-11-01")
            try await fixture.create(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "迟到的工作室")) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.codes, ["round_closed"])
            }
            XCTAssertEqual(try fixture.applicationCount(), 1)
        }
    }

    func testTheQuotaPerBodyIsEnforcedAndAWithdrawalFreesAPlace() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client, quotaPerBody: 1)
            let first = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "甲工作室"))
            // A second recommendation of the same body is over the quota
            try await fixture.create(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm(studio: "乙工作室")) { response in
                XCTAssertEqual(response.status, .conflict)
                let problem = try response.problem
                XCTAssertEqual(problem.codes, ["round.quota_exceeded"])
                XCTAssertEqual(problem.errors[0].article, Article(10).reference)
            }
            XCTAssertEqual(try fixture.applicationCount(), 1, "the refused creation left nothing behind")
            // Another body has its own quota
            _ = try await fixture.submitted(client, token: fixture.qujiang, round: round,
                                            form: IntakeFixture.validForm(studio: "乙工作室", creditCode: IntakeFixture.otherCreditCode))
            // A recommendation order beyond the quota is refused
            try await client.execute(uri: "/applications/\(first.id)/withdraw", method: .post, headers: TestRequest.headers(fixture.kecheng)) {
                XCTAssertEqual($0.status, .ok)
            }
            var form = IntakeFixture.validForm(studio: "乙工作室")
            form.screening?.recommendationOrder = 2
            try await fixture.create(client, token: fixture.kecheng, round: round, form: form) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(try response.problem.codes, ["recommendation_order_over_quota"])
            }
            form.screening?.recommendationOrder = 1
            _ = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: form)
        }
    }
}
