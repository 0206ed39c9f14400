import Foundation
@testable import ReviewService
import ServiceKit
import StudioDomain
import XCTest

/// 市总工会决定 (Art 11) as `SelectionRule` decides it, without a database: who of the list on notice is chosen, and
/// why every other open application of the round is not.
final class SelectionRuleTests: XCTestCase {
    static let endsOn = LocalDate("2026-11-10")!
    static let after = LocalDate("2026-11-11")!

    static func application(_ id: ApplicationID, _ status: ApplicationStatus, kind: ApplicationKind = .naming) -> ReviewApplication {
        ReviewApplication(id: id, roundID: "round", kind: kind, status: status.rawValue, version: 1,
                          content: ReviewFixture.content(id.rawValue, kind: kind), submittedOn: LocalDate("2026-09-01")!)
    }

    static func rule(_ kind: ApplicationKind = .naming, listed: [ApplicationID] = ["A1", "A2", "A3"], objections: [SelectionRule.Objection] = [],
                     excluded: Set<ApplicationID> = [], reason: String = "") -> SelectionRule {
        SelectionRule(kind: kind, listed: listed, noticeEndsOn: endsOn, objections: objections, excluded: excluded, exclusionReason: reason)
    }

    static func problem(_ body: () throws -> Any) -> Problem? {
        do { _ = try body(); return nil } catch { return error as? Problem }
    }

    func testTheListOnNoticeIsChosenInItsOrderWhenNothingWasUpheld() throws {
        // Given three listed entries and one objection the department found unfounded
        let rule = Self.rule(objections: [.init(id: 1, applicationId: "A2", upheld: false)])
        // When the federation decides the day after the notice
        let chosen = try rule.chosen(on: Self.after)
        // Then all three are named, best first
        XCTAssertEqual(chosen, ["A1", "A2", "A3"])
        XCTAssertEqual(rule.verdict(for: Self.application("A2", .onPublicNotice), chosen: chosen), .init(chosen: true, status: .named, reasons: []))
    }

    func testAnUpheldObjectionTakesTheEntryOffAndSaysSo() throws {
        let rule = Self.rule(objections: [.init(id: 1, applicationId: "A3", upheld: true)])
        let chosen = try rule.chosen(on: Self.after)
        XCTAssertEqual(chosen, ["A1", "A2"])
        let verdict = rule.verdict(for: Self.application("A3", .onPublicNotice), chosen: chosen)
        XCTAssertEqual(verdict.status, .notNamed)
        XCTAssertEqual(verdict.reasons.map(\.code), ["objection_upheld"])
        XCTAssertEqual(verdict.reasons.first?.article, ApplicationKind.naming.article.description)
    }

    func testTheDecisionWaitsForTheNoticeToEndAndEveryObjectionToBeResolved() {
        // On the notice's last day: too early
        let running = Self.problem { try Self.rule().chosen(on: Self.endsOn) }
        XCTAssertEqual(running?.status, .conflict)
        XCTAssertEqual(running?.issues.map(\.code), ["decision.notice_running"])
        // After it, with objection 7 still open: refused, naming it
        let open = Self.problem { try Self.rule(objections: [.init(id: 7, applicationId: "A1", upheld: nil)]).chosen(on: Self.after) }
        XCTAssertEqual(open?.status, .conflict)
        XCTAssertEqual(open?.issues.map(\.field), ["objections[7]"])
    }

    func testTheFederationMayLeaveOutOnlyAnEntryObjectedToDuringTheNotice() throws {
        // Given an objection on A2 that the department found unfounded
        let objections: [SelectionRule.Objection] = [.init(id: 1, applicationId: "A2", upheld: false)]
        // When the federation leaves A2 out with a reason, A2 is not named and the applicant reads the reason
        let rule = Self.rule(objections: objections, excluded: ["A2"], reason: "  群众反映属实部分需整改  ")
        let chosen = try rule.chosen(on: Self.after)
        XCTAssertEqual(chosen, ["A1", "A3"])
        let verdict = rule.verdict(for: Self.application("A2", .onPublicNotice), chosen: chosen)
        XCTAssertEqual(verdict.status, .notNamed)
        XCTAssertEqual(verdict.reasons.map(\.code), ["decision.left_out_after_objection"])
        XCTAssertEqual(verdict.reasons.first?.messageZh, "市总工会决定不予命名：群众反映属实部分需整改")
        // But A1 (no objection) and X9 (not on the list) cannot be left out: 422 naming both
        let refused = Self.problem { try Self.rule(objections: objections, excluded: ["A1", "X9"], reason: "r").chosen(on: Self.after) }
        XCTAssertEqual(refused?.status, .unprocessableContent)
        XCTAssertEqual(refused?.issues.map(\.code), ["decision.exclusion_not_objected", "decision.exclusion_not_objected"])
        XCTAssertTrue(refused?.issues[0].messageEn.contains("A1") ?? false)
        XCTAssertTrue(refused?.issues[1].messageEn.contains("X9") ?? false)
    }

    func testLeavingEntriesOutNeedsAReasonOfAtMost2000Characters() {
        XCTAssertNil(Self.problem { try SelectionRule.checkExclusion([], reason: nil) })
        XCTAssertEqual(Self.problem { try SelectionRule.checkExclusion(["A2"], reason: " \n") }?.issues.map(\.field), ["reason"])
        XCTAssertEqual(Self.problem { try SelectionRule.checkExclusion(["A2"], reason: String(repeating: "理", count: 2001)) }?.issues.map(\.code),
                       ["decision.reason_too_long"])
        XCTAssertNil(Self.problem { try SelectionRule.checkExclusion(["A2"], reason: String(repeating: "理", count: 2000)) })
    }

    func testEveryOtherOpenApplicationIsToldWhyItWasNotChosen() throws {
        let rule = Self.rule(listed: ["A1"])
        let chosen = try rule.chosen(on: Self.after)
        func reason(_ status: ApplicationStatus) -> String? { rule.verdict(for: Self.application("B", status), chosen: chosen).reasons.first?.code }
        XCTAssertEqual(reason(.returnedForAmendment), "not_amended_in_time")
        XCTAssertEqual(reason(.qualificationPassed), "not_reviewed")
        XCTAssertEqual(reason(.submitted), "not_reviewed")
        XCTAssertEqual(reason(.underExpertReview), "not_selected_by_panel")
        XCTAssertEqual(rule.verdict(for: Self.application("B", .underExpertReview), chosen: chosen).reasons.first?.article, Article(9).description)
    }

    func testGrantAndDemonstrationRoundsAwardAndSelect() throws {
        for (kind, yes, no) in [(ApplicationKind.projectGrant, ApplicationStatus.awarded, ApplicationStatus.notAwarded),
                                (.demonstration, .selected, .notSelected)] {
            let rule = Self.rule(kind, listed: ["A1"], objections: [.init(id: 1, applicationId: "A1", upheld: false)], excluded: ["A1"], reason: "不符")
            let chosen = try rule.chosen(on: Self.after)
            XCTAssertEqual(chosen, [])
            let verdict = rule.verdict(for: Self.application("A1", .onPublicNotice, kind: kind), chosen: chosen)
            XCTAssertEqual(verdict.status, no)
            XCTAssertEqual(verdict.reasons.first?.messageZh, "市总工会决定不予入选：不符")
            XCTAssertEqual(SelectionRule.status(kind, true), yes)
            XCTAssertEqual(rule.verdict(for: Self.application("B", .underExpertReview, kind: kind), chosen: chosen).reasons.first?.article, kind.article.description)
        }
    }
}
