import Foundation
import GRDB
import StudioDomain

/// Art 13 and 14: who may ask for a project grant or demonstration status, judged on intake's studio replica.
enum StudioEligibility {
    static func issues(_ id: StudioID, kind: ApplicationKind, body: String, submittedOn: LocalDate, in db: Database) throws -> [DomainIssue] {
        // Another body's studio reads as unknown: existence does not leak.
        guard let studio = try StudioReplica.find(id, in: db), studio.screeningBodyCode == body else {
            return [DomainIssue(code: "studio_unknown", field: "studioId", article: kind.article,
                                messageZh: "本单位名下没有已命名的工作室\(id)。", messageEn: "There is no named studio \(id) under your screening body.")]
        }
        switch studio.status {
        case .revoked, .expired:
            return [DomainIssue(code: "studio_not_active", field: "studioId", article: studio.status == .revoked ? Article(20) : Article(17),
                                messageZh: "工作室“\(studio.studioName)”的称号已\(studio.status.nameZh)，不能申报。",
                                messageEn: "The studio “\(studio.studioName)” is \(studio.status.nameEn) and cannot apply.")]
        case .active, .demonstration:
            break
        }
        if kind == .projectGrant, let issue = EligibilityRules.projectGrant(cycle: studio.cycle, submittedOn: submittedOn, field: "studioId") {
            return [issue]
        }
        return []
    }
}
