import Foundation

/// What an application asks for.
public enum ApplicationKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// 命名申报 (Art 9–11): a team asks to be named a city-level studio.
    case naming
    /// 课题经费补助 (Art 13): a named studio, from the 2nd year of its cycle, asks for project funding.
    case projectGrant
    /// 示范性创新工作室 (Art 14): a named city or provincial studio applies for demonstration status.
    case demonstration

    /// Project-grant and demonstration applications come from an existing studio and carry its id.
    public var requiresStudio: Bool { self != .naming }

    /// The grant that follows a positive decision.
    public var grantKind: GrantKind {
        switch self {
        case .naming: .naming
        case .projectGrant: .projectGrant
        case .demonstration: .demonstration
        }
    }

    public var article: Article {
        switch self {
        case .naming: Article(11)
        case .projectGrant: Article(13)
        case .demonstration: Article(14)
        }
    }

    public var nameZh: String {
        switch self {
        case .naming: "命名申报"
        case .projectGrant: "课题经费补助申报"
        case .demonstration: "示范性创新工作室申报"
        }
    }

    public var nameEn: String {
        switch self {
        case .naming: "naming application"
        case .projectGrant: "project-grant application"
        case .demonstration: "demonstration-studio application"
        }
    }
}
