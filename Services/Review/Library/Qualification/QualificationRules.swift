import StudioDomain

/// The checks a department officer cannot overrule when passing an application (资格审查): the conditions the
/// data decides (Art 5(4), 6, 7) and, for a studio's own applications, the register (Art 13, 14, 17).
enum QualificationRules {
    static func blockingIssues(_ application: ReviewApplication, studio: StudioReplica.Studio?) -> [DomainIssue] {
        let content = application.content
        var issues: [DomainIssue] = []
        if application.kind == .naming {
            issues += [EligibilityRules.leaderSkillLevel(content.leader.skillLevel), EligibilityRules.teamSize(content.teamSize),
                       EligibilityRules.creationPeriod(startedOn: content.studio.creationStartDate, submittedOn: application.submittedOn)].compactMap { $0 }
            issues += EligibilityRules.applicantUnit(type: content.applicantUnit.unitType, hasTradeUnion: content.applicantUnit.hasTradeUnion)
            return issues
        }
        guard let studioID = content.studioID else {
            return [DomainIssue(code: "studio_missing", field: "studioID", article: application.kind.article,
                                messageZh: "\(application.kind.nameZh)须由已命名的工作室提出", messageEn: "a \(application.kind.nameEn) must come from a named studio")]
        }
        guard let studio else {
            return [DomainIssue(code: "studio_not_in_register", field: "studioID", article: application.kind.article,
                                messageZh: "工作室 \(studioID) 不在工作室名册中", messageEn: "studio \(studioID) is not in the studio register")]
        }
        if !studio.status.holdsTitle {
            issues.append(DomainIssue(code: "studio_without_title", field: "studioID", article: Article(17),
                                      messageZh: "工作室当前状态为\(studio.status.nameZh)，不具备申报资格", messageEn: "the studio is \(studio.status.nameEn) and may not apply"))
        }
        if application.kind == .projectGrant {
            if studio.level != .city {
                issues.append(DomainIssue(code: "project_grant_city_only", field: "studioID", article: Article(13),
                                          messageZh: "课题经费补助仅面向市级创新工作室", messageEn: "project grants are for city-level studios"))
            }
            if let cycle = StudioCycle.cycle(containing: application.submittedOn, namedOn: studio.namedOn),
               let issue = EligibilityRules.projectGrant(cycle: cycle, submittedOn: application.submittedOn) {
                issues.append(issue)
            }
        }
        return issues
    }
}
