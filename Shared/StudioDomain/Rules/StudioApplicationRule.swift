import Foundation

/// What the studio register says of one studio, as far as its own applications are concerned: the facts a
/// project-grant (Art 13) or demonstration (Art 14) application is judged on. Intake (at the door) and review
/// (资格审查) each build it from their copy of the register and ask `EligibilityRules.studioApplication`, so both
/// give the same answer.
public struct StudioStanding: Hashable, Sendable {
    public var id: StudioID
    public var name: String
    /// The screening body the studio is under now (Art 19 may move it).
    public var screeningBodyCode: String
    public var level: StudioLevel
    public var status: StudioStatus
    /// Why the title was revoked, when `status` is revoked: the article a refusal cites depends on it.
    public var revocationReason: RevocationReason?
    public var namedOn: LocalDate
    /// The cycle the register holds (an early renewal does not take away the rest of the running one).
    public var cycle: StudioCycle

    public init(id: StudioID, name: String, screeningBodyCode: String, level: StudioLevel, status: StudioStatus,
                revocationReason: RevocationReason?, namedOn: LocalDate, cycle: StudioCycle) {
        self.id = id
        self.name = name
        self.screeningBodyCode = screeningBodyCode
        self.level = level
        self.status = status
        self.revocationReason = revocationReason
        self.namedOn = namedOn
        self.cycle = cycle
    }
}

extension EligibilityRules {
    /// May this studio apply? Art 13 (city-level studios, from the 2nd year of the cycle), Art 14 (named city or
    /// provincial studios), Art 17 (the title held: not expired, not revoked after a failed assessment, the cycle
    /// not over) and Art 20 (not revoked for plagiarism or fraud). `studio` is nil when the register has no such
    /// studio; another screening body's than `applicantBody` reads as unknown too, so existence does not leak.
    public static func studioApplication(_ kind: ApplicationKind, studioID: StudioID, studio: StudioStanding?, applicantBody: String,
                                         submittedOn: LocalDate, field: String = "studioId") -> [DomainIssue] {
        guard kind != .naming else { return [] }
        guard let studio, studio.screeningBodyCode == applicantBody else {
            return [DomainIssue(code: "studio_unknown", field: field, article: kind.article.reference,
                                messageZh: "登记册中没有本单位名下的已命名工作室\(studioID)。",
                                messageEn: "There is no named studio \(studioID) of your screening body in the register.")]
        }
        guard studio.status.holdsTitle else { return [notActive(studio, field: field)] }
        if kind == .projectGrant {
            if studio.level != .city {
                return [DomainIssue(code: "project_grant_city_only", field: field, article: Article(13).reference,
                                    messageZh: "课题经费补助仅面向市级创新工作室，“\(studio.name)”为\(studio.level.nameZh)工作室。",
                                    messageEn: "Project grants are for city-level studios; “\(studio.name)” is \(studio.level.nameEn).")]
            }
            if let issue = projectGrant(heldCycle: studio.cycle, namedOn: studio.namedOn, submittedOn: submittedOn, field: field) {
                return [issue]
            }
        }
        return []
    }

    /// A studio without its title is refused under the article of why: Art 17 for a failed assessment or an
    /// expired cycle, Art 20 for plagiarism or fraud, none for another decision.
    static func notActive(_ studio: StudioStanding, field: String) -> DomainIssue {
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
        return DomainIssue(code: "studio_not_active", field: field, article: article?.reference,
                           messageZh: "工作室“\(studio.name)”的称号\(studio.status.nameZh)\(whyZh)，不能申报。",
                           messageEn: "The studio “\(studio.name)” is \(studio.status.nameEn)\(whyEn) and cannot apply.")
    }
}
