import Foundation

/// The eligibility conditions of the regulation that can be checked on an application's data alone, each
/// giving the bilingual issue an applicant sees. Conditions that need judgement (facilities, work rules,
/// projects: Art 5(1)–(3)) are left to qualification review and scoring.
public enum EligibilityRules {
    /// Art 5(4): 形成3人以上创新团队. In Chinese legal usage 以上 includes the number, so 3 is enough.
    public static let minimumTeamSize = 3

    /// Art 5(4): the leader holds 高级及以上 (三级/高级工 or higher). A missing level is refused too.
    public static func leaderSkillLevel(_ level: SkillLevel?, field: String = "leader.skillLevel") -> DomainIssue? {
        guard let level else {
            return DomainIssue(code: "leader_skill_missing", field: field, article: Article(5, item: 4),
                               messageZh: "请填写工作室负责人的职业技能等级。",
                               messageEn: "The vocational skill level of the studio leader is required.")
        }
        guard !level.meetsArticle5Leader else { return nil }
        return DomainIssue(code: "leader_skill_below_senior", field: field, article: Article(5, item: 4),
                           messageZh: "工作室负责人须具有高级（三级/高级工）及以上职业技能等级，当前为\(level.nameZh)。",
                           messageEn: "The studio leader needs a vocational skill level of senior worker (level 3) or higher; the level given is \(level.nameEn).")
    }

    /// Art 5(4): a team of at least 3 people, the leader included.
    public static func teamSize(_ size: Int, field: String = "teamSize") -> DomainIssue? {
        guard size < minimumTeamSize else { return nil }
        return DomainIssue(code: "team_too_small", field: field, article: Article(5, item: 4),
                           messageZh: "创新团队须达到\(minimumTeamSize)人以上，当前为\(size)人。",
                           messageEn: "The innovation team needs at least \(minimumTeamSize) members; it has \(size).")
    }

    /// Art 6: an enterprise, public institution or party/government organ, with a trade-union organisation.
    public static func applicantUnit(type: UnitType, hasTradeUnion: Bool, field: String = "applicantUnit") -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if !type.isEligibleApplicant {
            issues.append(DomainIssue(code: "unit_type_not_eligible", field: field + ".unitType", article: Article(6),
                                      messageZh: "申报单位须为企事业单位或党政机关，\(type.nameZh)不能申报。",
                                      messageEn: "The applicant unit must be an enterprise, a public institution or a party or government organ; a \(type.nameEn) may not apply."))
        }
        if !hasTradeUnion {
            issues.append(DomainIssue(code: "no_trade_union", field: field + ".hasTradeUnion", article: Article(6),
                                      messageZh: "申报单位须建有工会组织。",
                                      messageEn: "The applicant unit must have a trade-union organisation."))
        }
        return issues
    }

    /// Art 7: creation work for at least 6 months on the submission day (see `CreationPeriod` for the rule).
    public static func creationPeriod(startedOn: LocalDate, submittedOn: LocalDate,
                                      field: String = "studio.creationStartDate") -> DomainIssue? {
        let period = CreationPeriod(startedOn: startedOn)
        guard !period.isSatisfied(on: submittedOn) else { return nil }
        return DomainIssue(code: "creation_period_too_short", field: field, article: Article(7),
                           messageZh: "创新团队须开展创建工作6个月以上方可申报（自\(startedOn)起，\(period.eligibleFrom)起可申报）。",
                           messageEn: "The team must have done creation work for at least 6 months (started \(startedOn); it may apply from \(period.eligibleFrom)).")
    }

    /// Art 13, judged in the cycle running on the day of the application (see `StudioCycle.running`), from
    /// the cycle the register holds: an early renewal does not take away the rest of the running cycle.
    public static func projectGrant(heldCycle: StudioCycle, namedOn: LocalDate, submittedOn: LocalDate,
                                    field: String = "studioID") -> DomainIssue? {
        let cycle = StudioCycle.running(on: submittedOn, held: heldCycle, namedOn: namedOn) ?? heldCycle
        return projectGrant(cycle: cycle, submittedOn: submittedOn, field: field)
    }

    /// Art 13: project-grant applications from the 2nd year of the studio's cycle.
    public static func projectGrant(cycle: StudioCycle, submittedOn: LocalDate, field: String = "studioID") -> DomainIssue? {
        guard !cycle.isProjectGrantEligible(on: submittedOn) else { return nil }
        if submittedOn >= cycle.end {
            return DomainIssue(code: "studio_cycle_ended", field: field, article: Article(17),
                               messageZh: "工作室本周期已于\(cycle.lastDay)期满，须经考核合格后方可继续申请。",
                               messageEn: "The studio's cycle ended on \(cycle.lastDay); it may apply again after passing the cycle assessment.")
        }
        let from = cycle.startOfYear(2)
        return DomainIssue(code: "project_grant_before_second_year", field: field, article: Article(13),
                           messageZh: "课题经费补助须在工作室周期的第二年起申请（本周期第二年自\(from)起）。",
                           messageEn: "Project grants may be requested from the 2nd year of the studio's cycle (this cycle's 2nd year begins \(from)).")
    }
}
