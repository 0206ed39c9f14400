import Foundation

/// Where an application stands, as review reports it to intake (`application.status_changed`).
/// Outcomes depend on the kind: a naming ends `named`/`notNamed`, a project grant `awarded`/`notAwarded`,
/// a demonstration `selected`/`notSelected`.
public enum ApplicationStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// 已提交: received by the department.
    case submitted
    /// 资格审查通过 (Art 11)
    case qualificationPassed
    /// 资格审查未通过 (Art 11): the reasons list the failed conditions.
    case qualificationFailed
    /// 退回补正: the applicant may amend and resubmit.
    case returnedForAmendment
    /// 专家评审中 (Art 11, 13, 14)
    case underExpertReview
    /// 公示中: the proposed list is on public notice.
    case onPublicNotice
    /// 已命名 (Art 11)
    case named
    /// 未命名
    case notNamed
    /// 获课题经费补助 (Art 13)
    case awarded
    /// 未获补助
    case notAwarded
    /// 入选示范性创新工作室 (Art 14)
    case selected
    /// 未入选
    case notSelected

    /// No further status follows.
    public var isFinal: Bool {
        switch self {
        case .qualificationFailed, .named, .notNamed, .awarded, .notAwarded, .selected, .notSelected: true
        case .submitted, .qualificationPassed, .returnedForAmendment, .underExpertReview, .onPublicNotice: false
        }
    }

    /// The applicant may still change or withdraw the application.
    public var isAmendable: Bool { self == .submitted || self == .returnedForAmendment }

    public var nameZh: String {
        switch self {
        case .submitted: "已提交"
        case .qualificationPassed: "资格审查通过"
        case .qualificationFailed: "资格审查未通过"
        case .returnedForAmendment: "退回补正"
        case .underExpertReview: "专家评审中"
        case .onPublicNotice: "公示中"
        case .named: "已命名"
        case .notNamed: "未命名"
        case .awarded: "获得课题经费补助"
        case .notAwarded: "未获课题经费补助"
        case .selected: "入选示范性创新工作室"
        case .notSelected: "未入选示范性创新工作室"
        }
    }

    public var nameEn: String {
        switch self {
        case .submitted: "submitted"
        case .qualificationPassed: "qualification review passed"
        case .qualificationFailed: "qualification review failed"
        case .returnedForAmendment: "returned for amendment"
        case .underExpertReview: "under expert review"
        case .onPublicNotice: "on public notice"
        case .named: "named"
        case .notNamed: "not named"
        case .awarded: "project grant awarded"
        case .notAwarded: "project grant not awarded"
        case .selected: "selected as demonstration studio"
        case .notSelected: "not selected as demonstration studio"
        }
    }
}
