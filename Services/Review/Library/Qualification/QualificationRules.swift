import Messaging
import StudioDomain

/// The checks a department officer cannot overrule when passing an application (资格审查): the conditions the
/// data decides (Art 5(4), 6, 7) and, for a studio's own applications, the register (Art 13, 14, 17, 20).
enum QualificationRules {
    static func blockingIssues(_ application: ReviewApplication, studio: ReplicaStudio?) -> [DomainIssue] {
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
        // Art 13, 14, 17, 20: the same rule intake applied at the door, on review's copy of the register.
        return EligibilityRules.studioApplication(application.kind, studioID: studioID, studio: studio?.standing(on: application.submittedOn),
                                                  applicantBody: content.screeningBodyCode, submittedOn: application.submittedOn, field: "studioID")
    }
}
