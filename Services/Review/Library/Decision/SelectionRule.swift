import Foundation
import ServiceKit
import StudioDomain

/// 市总工会决定 (Art 11): which entries of the list on public notice (公示名单) the city federation names, awards
/// or selects, and why every other open application of the round is not. The list loses the entries whose
/// objection was upheld, and any the federation leaves out after an objection (with a reason); the decision
/// waits for the notice to end and every objection to be resolved.
struct SelectionRule: Sendable {
    /// An objection as the rule needs it: on which entry, and whether it was upheld (nil: not yet resolved).
    struct Objection: Sendable, Equatable {
        var id: Int64
        var applicationId: ApplicationID
        var upheld: Bool?
    }

    /// Where one application of the round ends.
    struct Verdict: Sendable, Equatable {
        var chosen: Bool
        var status: ApplicationStatus
        /// Why not, told to the applicant; empty when chosen.
        var reasons: [DomainIssue]
    }

    let kind: ApplicationKind
    /// The list on notice, best first.
    let listed: [ApplicationID]
    let noticeEndsOn: LocalDate
    let objections: [Objection]
    /// Entries the federation leaves out after an objection it need not have upheld, and its reason.
    let excluded: Set<ApplicationID>
    let exclusionReason: String

    init(kind: ApplicationKind, listed: [ApplicationID], noticeEndsOn: LocalDate, objections: [Objection], excluded: Set<ApplicationID>, exclusionReason: String) {
        self.kind = kind
        self.listed = listed
        self.noticeEndsOn = noticeEndsOn
        self.objections = objections
        self.excluded = excluded
        self.exclusionReason = exclusionReason.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Leaving entries out needs a reason of at most 2,000 characters; checked before anything is read.
    static func checkExclusion(_ excluded: Set<ApplicationID>, reason: String?) throws {
        guard !excluded.isEmpty else { return }
        let reason = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw Problem.validation([.required("reason", nameZh: "不予命名的理由", nameEn: "The reason for leaving entries out")])
        }
        guard reason.count <= 2000 else {
            throw Problem.invalid("decision.reason_too_long", field: "reason", zh: "理由最多 2000 字", en: "the reason is at most 2,000 characters")
        }
    }

    /// The entries chosen on `decidedOn`, best first; throws when the decision cannot be taken then, or as asked.
    func chosen(on decidedOn: LocalDate) throws -> [ApplicationID] {
        guard decidedOn > noticeEndsOn else {
            throw Problem.conflict("decision.notice_running", field: "decidedOn", zh: "公示期至 \(noticeEndsOn) 结束，之后方可决定", en: "the notice runs until \(noticeEndsOn); decide after it")
        }
        let open = objections.filter { $0.upheld == nil }
        guard open.isEmpty else {
            throw Problem(.conflict, titleZh: "仍有未处理的异议", titleEn: "objections are unresolved", issues: open.map {
                DomainIssue(code: "decision.objection_open", field: "objections[\($0.id)]", messageZh: "申报 \($0.applicationId) 的异议 \($0.id) 尚未处理", messageEn: "objection \($0.id) on application \($0.applicationId) is unresolved")
            })
        }
        let objected = Set(objections.map(\.applicationId))
        let notObjected = excluded.filter { !objected.contains($0) || !listed.contains($0) }.sorted()
        guard notObjected.isEmpty else {
            throw Problem(.unprocessableContent, titleZh: "只能去掉公示期间有异议的申报", titleEn: "only entries objected to during the notice can be left out", issues: notObjected.map {
                DomainIssue(code: "decision.exclusion_not_objected", field: "excludeApplicationIds", article: Article(11),
                            messageZh: "申报 \($0) 不在公示名单中或公示期间未收到异议，不能单独去掉", messageEn: "application \($0) is not on the list or drew no objection during the notice")
            })
        }
        let upheld = self.upheld
        return listed.filter { !upheld.contains($0) && !excluded.contains($0) }
    }

    private var upheld: Set<ApplicationID> { Set(objections.filter { $0.upheld == true }.map(\.applicationId)) }

    /// The verdict on one open application of the round, given the chosen entries.
    func verdict(for application: ReviewApplication, chosen: [ApplicationID]) -> Verdict {
        let positive = chosen.contains(application.id)
        var reasons: [DomainIssue] = []
        if !positive {
            if excluded.contains(application.id) {
                reasons = [DomainIssue(code: "decision.left_out_after_objection", field: "", article: Article(11),
                                       messageZh: "市总工会决定不予\(kind == .naming ? "命名" : "入选")：\(exclusionReason)",
                                       messageEn: "the federation left the entry out after an objection during the notice: \(exclusionReason)")]
            } else {
                reasons = [Self.reason(for: application, upheld: upheld.contains(application.id), kind: kind)]
            }
        }
        return Verdict(chosen: positive, status: Self.status(kind, positive), reasons: reasons)
    }

    static func status(_ kind: ApplicationKind, _ positive: Bool) -> ApplicationStatus {
        switch kind {
        case .naming: positive ? .named : .notNamed
        case .projectGrant: positive ? .awarded : .notAwarded
        case .demonstration: positive ? .selected : .notSelected
        }
    }

    static func reason(for application: ReviewApplication, upheld: Bool, kind: ApplicationKind) -> DomainIssue {
        if upheld {
            return DomainIssue(code: "objection_upheld", field: "", article: kind.article, messageZh: "公示期间的异议经核实成立", messageEn: "an objection during the public notice was upheld")
        }
        switch application.applicationStatus {
        case .returnedForAmendment:
            return DomainIssue(code: "not_amended_in_time", field: "", article: Article(11), messageZh: "退回补正后未在评审前重新提交", messageEn: "the application was returned for amendment and not resubmitted before the review")
        case .qualificationPassed, .submitted:
            return DomainIssue(code: "not_reviewed", field: "", article: Article(11), messageZh: "申报未进入专家评审", messageEn: "the application did not enter the expert review")
        default:
            return DomainIssue(code: "not_selected_by_panel", field: "", article: kind == .naming ? Article(9) : kind.article,
                               messageZh: "按专家评审得分、名额和最低分未被推荐", messageEn: "not proposed on the panel's scores, the quota and the minimum score")
        }
    }
}
