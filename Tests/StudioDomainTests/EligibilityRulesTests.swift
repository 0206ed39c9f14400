import XCTest
@testable import StudioDomain

final class EligibilityRulesTests: XCTestCase {
    private func date(_ text: String) -> LocalDate { LocalDate(text)! }

    func testLeaderAtLevelFourIsRefusedWithArticle5Item4() throws {
        // Given a leader holding 四级/中级工
        // When the Art 5(4) rule is checked
        let issue = try XCTUnwrap(EligibilityRules.leaderSkillLevel(.intermediate))

        // Then it is refused, citing 第五条第（四）项, in both languages
        XCTAssertEqual(issue.code, "leader_skill_below_senior")
        XCTAssertEqual(issue.field, "leader.skillLevel")
        XCTAssertEqual(issue.article, "第五条第（四）项 / Art. 5(4)")
        XCTAssertTrue(issue.messageZh.contains("四级/中级工"))
        XCTAssertTrue(issue.messageEn.contains("level 3"))
    }

    func testLeaderAtLevelThreeIsAccepted() {
        XCTAssertNil(EligibilityRules.leaderSkillLevel(.senior))
        XCTAssertNil(EligibilityRules.leaderSkillLevel(SkillLevel.parse("高级工")))
        XCTAssertEqual(EligibilityRules.leaderSkillLevel(nil)?.code, "leader_skill_missing")
    }

    func testTeamOfThreeIsEnoughAndTwoIsNot() {
        XCTAssertNil(EligibilityRules.teamSize(3))
        XCTAssertEqual(EligibilityRules.teamSize(2)?.code, "team_too_small")
    }

    func testArticle6UnitTypes() {
        // Given each unit type, with a trade union
        // Then only enterprises, public institutions and party/government organs may apply
        XCTAssertTrue(UnitType.enterprise.isEligibleApplicant)
        XCTAssertTrue(UnitType.publicInstitution.isEligibleApplicant)
        XCTAssertTrue(UnitType.partyGovernmentOrgan.isEligibleApplicant)
        XCTAssertFalse(UnitType.socialOrganisation.isEligibleApplicant)
        XCTAssertFalse(UnitType.other.isEligibleApplicant)
        XCTAssertEqual(UnitType.parse("事业单位"), .publicInstitution)
        XCTAssertEqual(UnitType.parse("社会团体"), .socialOrganisation)

        XCTAssertEqual(EligibilityRules.applicantUnit(type: .enterprise, hasTradeUnion: true), [])
        let issues = EligibilityRules.applicantUnit(type: .socialOrganisation, hasTradeUnion: false)
        XCTAssertEqual(issues.map(\.code), ["unit_type_not_eligible", "no_trade_union"])
        XCTAssertEqual(issues.map(\.field), ["applicantUnit.unitType", "applicantUnit.hasTradeUnion"])
        XCTAssertEqual(issues.first?.article, "第六条 / Art. 6")
    }

    func testArticle7FiveMonthsThirtyDaysIsRefused() throws {
        // Given a team that started on 2026-03-01
        let started = date("2026-03-01")

        // When it applies 5 months and 30 days later (2026-08-01 + 30 days)
        let submitted = started.adding(months: 5).adding(days: 30)
        XCTAssertEqual(submitted, date("2026-08-31"))
        let issue = try XCTUnwrap(EligibilityRules.creationPeriod(startedOn: started, submittedOn: submitted))

        // Then it is refused under Art 7, naming the first possible day
        XCTAssertEqual(issue.code, "creation_period_too_short")
        XCTAssertEqual(issue.article, "第七条 / Art. 7")
        XCTAssertTrue(issue.messageEn.contains("2026-09-01"))
    }

    func testArticle7ExactlySixMonthsIsAccepted() {
        XCTAssertNil(EligibilityRules.creationPeriod(startedOn: date("2026-03-01"), submittedOn: date("2026-09-01")))
        XCTAssertNil(EligibilityRules.creationPeriod(startedOn: date("2026-03-01"), submittedOn: date("2027-01-01")))
    }

    func testArticle7MonthEndClamping() {
        // Given a team that started on 31 August
        let period = CreationPeriod(startedOn: date("2026-08-31"))

        // Then six months are complete on 28 February (no 31 February), not on 1 March
        XCTAssertEqual(period.eligibleFrom, date("2027-02-28"))
        XCTAssertFalse(period.isSatisfied(on: date("2027-02-27")))
        XCTAssertTrue(period.isSatisfied(on: date("2027-02-28")))

        // And a leap February clamps to the 29th
        XCTAssertEqual(CreationPeriod(startedOn: date("2027-08-31")).eligibleFrom, date("2028-02-29"))
        // And a 30-day month clamps 31 → 30
        XCTAssertEqual(CreationPeriod(startedOn: date("2026-12-31")).eligibleFrom, date("2027-06-30"))
    }

    func testArticle13ProjectGrantFromTheSecondYear() {
        // Given a studio named on 2025-06-15
        let cycle = StudioCycle(start: date("2025-06-15"))

        // Then it may not ask in year 1, may from the first day of year 2, and not after the cycle
        XCTAssertEqual(EligibilityRules.projectGrant(cycle: cycle, submittedOn: date("2026-06-14"))?.code,
                       "project_grant_before_second_year")
        XCTAssertNil(EligibilityRules.projectGrant(cycle: cycle, submittedOn: date("2026-06-15")))
        XCTAssertNil(EligibilityRules.projectGrant(cycle: cycle, submittedOn: date("2028-06-14")))
        XCTAssertEqual(EligibilityRules.projectGrant(cycle: cycle, submittedOn: date("2028-06-15"))?.code,
                       "studio_cycle_ended")
    }

    func testPassingTheEndOfCycleAssessmentEarlyTakesAwayTheRestOfYear3NotAtAll() {
        // Given a studio named 2026-12-02 (cycle 1 ends 2029-12-01) renewed early: the register holds cycle 2
        let named = date("2026-12-02")
        let renewed = StudioCycle(start: named).next
        XCTAssertEqual(renewed.start, date("2029-12-02"))

        // Then on 2029-11-02 cycle 1 is still running, in its year 3
        XCTAssertEqual(StudioCycle.running(on: date("2029-11-02"), held: renewed, namedOn: named), StudioCycle(start: named))
        XCTAssertNil(EligibilityRules.projectGrant(heldCycle: renewed, namedOn: named, submittedOn: date("2029-11-02")))
        // And from 2029-12-02 cycle 2 runs, whose year 1 has no project grant
        XCTAssertEqual(EligibilityRules.projectGrant(heldCycle: renewed, namedOn: named, submittedOn: date("2029-12-02"))?.code,
                       "project_grant_before_second_year")
        // And an unassessed studio whose held cycle has ended has no running cycle
        XCTAssertNil(StudioCycle.running(on: date("2029-12-02"), held: StudioCycle(start: named), namedOn: named))
        XCTAssertEqual(EligibilityRules.projectGrant(heldCycle: StudioCycle(start: named), namedOn: named, submittedOn: date("2029-12-02"))?.code,
                       "studio_cycle_ended")
    }

    /// "May this studio apply" is one rule for intake and review (Art 13, 14, 17, 20).
    func testAStudiosOwnApplicationIsJudgedByOneRule() {
        let id = StudioID("studio-1")
        let named = date("2025-06-15")
        func standing(level: StudioLevel = .city, status: StudioStatus = .active, reason: RevocationReason? = nil) -> StudioStanding {
            StudioStanding(id: id, name: "钳工创新工作室", screeningBodyCode: "330802", level: level, status: status, revocationReason: reason, namedOn: named,
                           cycle: StudioCycle(start: named))
        }
        let inYear2 = date("2026-07-01")
        func codes(_ kind: ApplicationKind, _ studio: StudioStanding?, on day: LocalDate = date("2026-07-01")) -> [String] {
            EligibilityRules.studioApplication(kind, studioID: id, studio: studio, applicantBody: "330802", submittedOn: day).map(\.code)
        }
        // A city studio in its 2nd year may ask for a project grant and compete for demonstration
        XCTAssertEqual(codes(.projectGrant, standing()), [])
        XCTAssertEqual(codes(.demonstration, standing()), [])
        // Art 13: city-level studios only; Art 14: provincial ones may compete for demonstration
        XCTAssertEqual(codes(.projectGrant, standing(level: .provincial)), ["project_grant_city_only"])
        XCTAssertEqual(codes(.demonstration, standing(level: .provincial)), [])
        // Art 13: not in year 1
        XCTAssertEqual(codes(.projectGrant, standing(), on: date("2026-06-14")), ["project_grant_before_second_year"])
        // Art 20: revoked for fraud cites Art 20; Art 17: a failed assessment or an expired title cites Art 17
        let fraud = EligibilityRules.studioApplication(.demonstration, studioID: id, studio: standing(status: .revoked, reason: .plagiarismOrFraud), applicantBody: "330802", submittedOn: inYear2)
        XCTAssertEqual(fraud.map(\.code), ["studio_not_active"])
        XCTAssertEqual(fraud.first?.article, Article(20).reference)
        let failed = EligibilityRules.studioApplication(.projectGrant, studioID: id, studio: standing(status: .revoked, reason: .assessmentFailed), applicantBody: "330802", submittedOn: inYear2)
        XCTAssertEqual(failed.first?.article, Article(17).reference)
        let expired = EligibilityRules.studioApplication(.projectGrant, studioID: id, studio: standing(status: .expired), applicantBody: "330802", submittedOn: inYear2)
        XCTAssertEqual(expired.first?.article, Article(17).reference)
        // Not in the register (or another body's): unknown, citing the kind's article
        let unknown = EligibilityRules.studioApplication(.projectGrant, studioID: id, studio: nil, applicantBody: "330802", submittedOn: inYear2)
        XCTAssertEqual(unknown.map(\.code), ["studio_unknown"])
        XCTAssertEqual(unknown.first?.article, Article(13).reference)
        let anotherBodys = EligibilityRules.studioApplication(.projectGrant, studioID: id, studio: standing(), applicantBody: "330881", submittedOn: inYear2)
        XCTAssertEqual(anotherBodys.map(\.code), ["studio_unknown"], "another body's studio reads as unknown")
        // A naming application has no studio to judge
        XCTAssertEqual(codes(.naming, nil), [])
    }
}
