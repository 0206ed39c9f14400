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
            return [notActive(studio)]
        case .active, .demonstration:
            break
        }
        if kind == .projectGrant, let issue = EligibilityRules.projectGrant(heldCycle: studio.cycle, namedOn: studio.namedOn,
                                                                                   submittedOn: submittedOn, field: "studioId") {
            return [issue]
        }
        return []
    }

    /// A revoked studio is refused under the article of its revocation: Art 17 for a failed assessment, Art 20
    /// for plagiarism or fraud, none for another decision; an expired one under Art 17 (its cycle ended).
    static func notActive(_ studio: ReplicatedStudio) -> DomainIssue {
        let article: Article?
        var whyZh = "", whyEn = ""
        if studio.status == .revoked {
            article = studio.revocationReason?.article
            if let reason = studio.revocationReason, reason != .other {
                whyZh = "（\(reason.nameZh)）"
                whyEn = " (\(reason.nameEn))"
            }
        } else {
            article = Article(17)
        }
        // nameZh already reads 已撤销 / 已到期: the template adds no 已 of its own
        return DomainIssue(code: "studio_not_active", field: "studioId", article: article?.reference,
                           messageZh: "工作室“\(studio.studioName)”的称号\(studio.status.nameZh)\(whyZh)，不能申报。",
                           messageEn: "The studio “\(studio.studioName)” is \(studio.status.nameEn)\(whyEn) and cannot apply.")
    }
}
