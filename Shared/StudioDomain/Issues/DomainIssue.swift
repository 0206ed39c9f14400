import Foundation

/// One validation or decision problem, in both languages: the unit of every validation error on the platform
/// (HTTP 422 bodies, qualification-review reasons in `application.status_changed`, …).
///
/// JSON keys are `code, field, article, message_zh, message_en`.
public struct DomainIssue: Codable, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable snake_case code, for example `leader_skill_below_senior`.
    public var code: String
    /// The input field the issue is about, as the API names it (`leader.skillLevel`); empty for a whole-object issue.
    public var field: String
    /// The article it rests on, like `第五条第（四）项 / Art. 5(4)`; nil for a purely technical issue.
    public var article: String?
    public var messageZh: String
    public var messageEn: String

    public init(code: String, field: String, article: String? = nil, messageZh: String, messageEn: String) {
        self.code = code
        self.field = field
        self.article = article
        self.messageZh = messageZh
        self.messageEn = messageEn
    }

    public init(code: String, field: String, article: Article, messageZh: String, messageEn: String) {
        self.init(code: code, field: field, article: article.reference, messageZh: messageZh, messageEn: messageEn)
    }

    enum CodingKeys: String, CodingKey {
        case code, field, article
        case messageZh = "message_zh"
        case messageEn = "message_en"
    }

    public var description: String { "\(code) [\(field)]: \(messageEn)" }
}

extension DomainIssue {
    /// A required field is missing or empty.
    public static func required(_ field: String, nameZh: String, nameEn: String) -> DomainIssue {
        DomainIssue(code: "required", field: field, messageZh: "请填写\(nameZh)。", messageEn: "\(nameEn) is required.")
    }
}

/// Validation failures as a thrown error, so a service can `throw DomainIssues([...])` from deep inside and
/// map it to a 422 at its edge.
public struct DomainIssues: Error, Codable, Hashable, Sendable {
    public var issues: [DomainIssue]
    public init(_ issues: [DomainIssue]) { self.issues = issues }
}
