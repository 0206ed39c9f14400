import Foundation

/// A kind of grant (补助经费) and the amount the regulation fixes for it.
public enum GrantKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// Art 12: one-time 10,000 yuan working grant (一次性补助1万元工作经费) with the plaque on naming.
    case naming
    /// Art 13: 20,000 yuan project working grant (补助2万元课题工作经费) per selected studio.
    case projectGrant
    /// Art 14: 50,000 yuan (补助5万元工作经费) after the demonstration acceptance assessment.
    case demonstration

    /// The amount the regulation states; a service may configure another one per round.
    public var defaultAmount: Money {
        switch self {
        case .naming: Money(yuan: 10_000)
        case .projectGrant: Money(yuan: 20_000)
        case .demonstration: Money(yuan: 50_000)
        }
    }

    public var article: Article {
        switch self {
        case .naming: Article(12)
        case .projectGrant: Article(13)
        case .demonstration: Article(14)
        }
    }

    public var nameZh: String {
        switch self {
        case .naming: "命名补助经费"
        case .projectGrant: "课题工作经费补助"
        case .demonstration: "示范性创新工作室补助经费"
        }
    }

    public var nameEn: String {
        switch self {
        case .naming: "naming grant"
        case .projectGrant: "project grant"
        case .demonstration: "demonstration grant"
        }
    }
}
