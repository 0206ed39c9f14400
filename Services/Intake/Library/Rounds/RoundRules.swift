import Foundation
import StudioDomain

/// The department's rules for the rounds it opens and corrects (申报批次, 批次调整): the quotas of Art 10 (择优申报),
/// the deadline a correction may set, and the reason every correction carries.
enum RoundRules {
    /// Why the quotas cannot be set: each must be a positive integer, and a body's own quota must name a known
    /// screening body. Sorted by body code, so the same input gives the same problem document.
    static func quotaIssues(quotaPerBody: Int?, quotas: [String: Int]?, referenceData: ReferenceData) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if let quota = quotaPerBody, quota < 1 {
            issues.append(DomainIssue(code: "round_quota", field: "quotaPerBody", article: Article(10), messageZh: "名额须为正整数。", messageEn: "A quota is a positive integer."))
        }
        for (code, quota) in (quotas ?? [:]).sorted(by: { $0.key < $1.key }) {
            if referenceData.screeningBody(code: code) == nil {
                issues.append(DomainIssue(code: "screening_body_unknown", field: "quotas.\(code)", messageZh: "未知的初审单位代码\(code)。", messageEn: "Unknown screening body code \(code)."))
            } else if quota < 1 {
                issues.append(DomainIssue(code: "round_quota", field: "quotas.\(code)", article: Article(10), messageZh: "名额须为正整数。", messageEn: "A quota is a positive integer."))
            }
        }
        return issues
    }

    /// The reason every correction carries: 2 to 500 characters once trimmed.
    static func reasonIssue(_ reason: String?) -> DomainIssue? {
        let text = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard text.count < 2 || text.count > 500 else { return nil }
        return DomainIssue(code: "round_change_reason", field: "reason", messageZh: "须说明调整原因（2至500个字）。",
                           messageEn: "A reason of 2 to 500 characters is required.")
    }

    /// Why `deadline` cannot replace the round's deadline on `today`, or nil: not before today (a county must be able
    /// to use it), not before the opening day, not after the end of the round's year (the year it is decided in),
    /// and not the deadline it already has.
    static func deadlineIssues(_ deadline: LocalDate, round: IntakeRound, today: LocalDate) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if deadline < today {
            issues.append(DomainIssue(code: "round_deadline_past", field: "deadline", article: Article(10),
                                      messageZh: "新的截止日期（\(deadline)）早于今天（\(today)）。", messageEn: "The new deadline (\(deadline)) is before today (\(today))."))
        }
        if deadline < round.opensOn {
            issues.append(DomainIssue(code: "round_deadline_before_opening", field: "deadline",
                                      messageZh: "新的截止日期早于开始日期（\(round.opensOn)）。", messageEn: "The new deadline is before the opening day (\(round.opensOn))."))
        }
        if let yearEnd = LocalDate(year: round.year, month: 12, day: 31), deadline > yearEnd {
            issues.append(DomainIssue(code: "round_deadline_after_year", field: "deadline",
                                      messageZh: "\(round.year)年度批次的截止日期不能晚于\(yearEnd)（本年度须完成评审和命名）。",
                                      messageEn: "A \(round.year) round's deadline cannot be after \(yearEnd): it is reviewed and decided in its year."))
        }
        if deadline == round.deadline {
            issues.append(DomainIssue(code: "round_deadline_unchanged", field: "deadline",
                                      messageZh: "新的截止日期与现在的相同（\(deadline)）。", messageEn: "The new deadline is the one the round already has (\(deadline))."))
        }
        return issues
    }
}
