import Foundation
import GRDB
import StudioDomain

extension LocalDate {
    /// `2026年11月24日`, the way a 通报 dates itself.
    var chinese: String { "\(year)年\(month)月\(day)日" }
}

/// Small validation helpers shared by the controllers: every problem is a `DomainIssue`.
enum Check {
    static func text(_ value: String?, field: String, nameZh: String, nameEn: String, max: Int = 200, required: Bool = true) -> [DomainIssue] {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            return required ? [.required(field, nameZh: nameZh, nameEn: nameEn)] : []
        }
        if trimmed.count > max {
            return [DomainIssue(code: "too_long", field: field, messageZh: "\(nameZh)不能超过 \(max) 个字符。", messageEn: "\(nameEn) must be at most \(max) characters.")]
        }
        return []
    }

    static func notInFuture(_ date: LocalDate, today: LocalDate, field: String, nameZh: String, nameEn: String) -> [DomainIssue] {
        guard date > today else { return [] }
        return [DomainIssue(code: "date_in_future", field: field, messageZh: "\(nameZh)不能晚于今天（\(today)）。", messageEn: "\(nameEn) cannot be after today (\(today)).")]
    }

    static func trimmed(_ value: String?) -> String? {
        let text = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return text.isEmpty ? nil : text
    }
}

extension Check {
    /// The public text of a decision's 通报 (`publicText`): refused where the decision publishes none (a pass, a
    /// dismissal: `noNotice` says why, under `article`), and checked as sent (a text over the limit is refused even
    /// when trimming would shorten it; no ID or phone number).
    static func noticeText(_ raw: String?, publishesNotice: Bool, article: Article, noNotice: (zh: String, en: String)) -> [DomainIssue] {
        guard let raw else { return [] }
        var issues: [DomainIssue] = []
        if !publishesNotice, trimmed(raw) != nil {
            issues.append(DomainIssue(code: "public_text.without_notice", field: "publicText", article: article,
                                      messageZh: noNotice.zh, messageEn: noNotice.en))
        }
        return issues + PublicText.issues(raw, field: "publicText")
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
