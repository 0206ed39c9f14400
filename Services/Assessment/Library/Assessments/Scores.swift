import Foundation
import Messaging
import StudioDomain

/// The criteria of an assessment: the conditions of Art 2 and 5, each scored 0…20 (100 in all). The regulation
/// gives no weights; these equal weights are the default, and the department records the result it decides.
enum Criterion: String, CaseIterable, Sendable {
    /// 硬件设施 (Art 5(1))
    case facilities
    /// 工作制度 (Art 5(2))
    case workRules
    /// 项目实施 (Art 5(3))
    case projects
    /// 人员结构 (Art 5(4))
    case team
    /// 创新成果 (Art 2)
    case results

    static let maximum = 20

    var nameZh: String {
        switch self {
        case .facilities: "硬件设施"
        case .workRules: "工作制度"
        case .projects: "项目实施"
        case .team: "人员结构"
        case .results: "创新成果"
        }
    }

    var article: Article {
        switch self {
        case .facilities: Article(5, item: 1)
        case .workRules: Article(5, item: 2)
        case .projects: Article(5, item: 3)
        case .team: Article(5, item: 4)
        case .results: Article(2)
        }
    }

    /// Every criterion present, each within 0…20, and nothing else.
    static func validate(_ scores: [String: Int], field: String) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        for criterion in allCases {
            guard let score = scores[criterion.rawValue] else {
                issues.append(DomainIssue(code: "score.missing", field: "\(field).\(criterion.rawValue)", article: criterion.article,
                                          messageZh: "缺少“\(criterion.nameZh)”的评分。", messageEn: "the score for \(criterion.rawValue) is missing."))
                continue
            }
            if !(0...maximum).contains(score) {
                issues.append(DomainIssue(code: "score.range", field: "\(field).\(criterion.rawValue)", article: criterion.article,
                                          messageZh: "“\(criterion.nameZh)”的评分须在 0 到 \(maximum) 之间。", messageEn: "the score for \(criterion.rawValue) must be 0…\(maximum)."))
            }
        }
        for key in scores.keys.sorted() where Criterion(rawValue: key) == nil {
            issues.append(DomainIssue(code: "score.unknown", field: "\(field).\(key)", messageZh: "未知的评分项：\(key)。",
                                      messageEn: "unknown criterion \(key); use \(allCases.map(\.rawValue).joined(separator: ", "))."))
        }
        return issues
    }

    static func json(_ scores: [String: Int]) throws -> String {
        String(decoding: try DomainJSON.encoder().encode(scores), as: UTF8.self)
    }

    /// Scores stored as JSON in `column`; nil for NULL, `StoredValueError` for a text that is not a score object.
    static func decode(_ text: String?, column: String = "scores") throws -> [String: Int]? {
        try text.map { text in
            guard let scores = try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8)) else {
                throw StoredValueError(column: column, value: text, expected: "scores by criterion (JSON)")
            }
            return scores
        }
    }
}

/// pass / fail, the decision an assessment records.
enum AssessmentResult: String, Codable, Sendable {
    case pass, fail
}
