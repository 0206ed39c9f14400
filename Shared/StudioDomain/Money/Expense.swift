import Foundation

/// What grant money may be spent on (Art 15): 主要包括 (mainly includes) the five named kinds of cost; another
/// cost that serves the studio's work is `other`, recorded with a written justification for the department's
/// approval; nothing unrelated to the studio.
public enum ExpenseCategory: String, Codable, Hashable, Sendable, CaseIterable {
    /// 分析测试
    case analysisTesting
    /// 人员劳务
    case personnelLabour
    /// 会议及调研
    case meetingsResearch
    /// 资料印刷
    case printing
    /// 知识产权事务
    case intellectualProperty
    /// 其他与工作室建设相关的支出: needs a justification and the department's approval.
    case other

    /// The five categories Art 15 names, accepted at once.
    public static let named: [ExpenseCategory] = [.analysisTesting, .personnelLabour, .meetingsResearch, .printing, .intellectualProperty]

    public var nameZh: String {
        switch self {
        case .analysisTesting: "分析测试"
        case .personnelLabour: "人员劳务"
        case .meetingsResearch: "会议及调研"
        case .printing: "资料印刷"
        case .intellectualProperty: "知识产权事务"
        case .other: "其他与工作室建设相关的支出"
        }
    }

    public var nameEn: String {
        switch self {
        case .analysisTesting: "analysis and testing"
        case .personnelLabour: "personnel labour"
        case .meetingsResearch: "meetings and field research"
        case .printing: "printing of materials"
        case .intellectualProperty: "intellectual-property affairs"
        case .other: "other costs serving the studio"
        }
    }

    /// One of the five named categories by its raw value, Chinese name, or a common short form (`会议调研`,
    /// `印刷`, `知识产权`); nil for anything else, which is an `other` cost or an unrelated one.
    public static func parse(_ text: String) -> ExpenseCategory? {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let category = ExpenseCategory(rawValue: key), category != .other { return category }
        if let category = named.first(where: { $0.nameZh == key }) { return category }
        switch key {
        case "分析测试费": return .analysisTesting
        case "劳务", "劳务费", "人员劳务费": return .personnelLabour
        case "会议调研", "会议", "调研", "会议费", "调研费": return .meetingsResearch
        case "印刷", "印刷费", "资料印刷费": return .printing
        case "知识产权", "知识产权费", "知识产权事务费": return .intellectualProperty
        default: return nil
        }
    }
}

/// The purposes grant money subsidises (Art 15).
public enum ExpensePurpose: String, Codable, Hashable, Sendable, CaseIterable {
    /// 高技能人才培养
    case talentTraining
    /// 技术创新研究
    case technicalInnovation
    /// 工作室日常运营
    case dailyOperation

    public var nameZh: String {
        switch self {
        case .talentTraining: "高技能人才培养"
        case .technicalInnovation: "技术创新研究"
        case .dailyOperation: "工作室日常运营"
        }
    }

    public var nameEn: String {
        switch self {
        case .talentTraining: "training of high-skill talent"
        case .technicalInnovation: "technical innovation research"
        case .dailyOperation: "daily running of the studio"
        }
    }

    /// The raw value, the Chinese name, or a short form (`人才培养`, `技术创新`, `日常运营`).
    public static func parse(_ text: String) -> ExpensePurpose? {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let purpose = ExpensePurpose(rawValue: key) { return purpose }
        if let purpose = allCases.first(where: { $0.nameZh == key }) { return purpose }
        switch key {
        case "人才培养": return .talentTraining
        case "技术创新", "创新研究": return .technicalInnovation
        case "日常运营", "运营": return .dailyOperation
        default: return nil
        }
    }
}
