import Foundation

/// The standing of a named studio in the register kept by assessment.
public enum StudioStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// 在册: named and within a cycle.
    case active
    /// 示范性创新工作室 (Art 14): active and holding the demonstration title.
    case demonstration
    /// 已撤销: failed a cycle assessment (Art 17) or found plagiarising or falsifying (Art 20).
    case revoked
    /// 已到期: the cycle ended and no assessment has renewed it.
    case expired

    /// The studio holds the city-level title and may apply for grants.
    public var holdsTitle: Bool { self == .active || self == .demonstration }

    public var nameZh: String {
        switch self {
        case .active: "在册"
        case .demonstration: "示范性创新工作室"
        case .revoked: "已撤销"
        case .expired: "已到期"
        }
    }

    public var nameEn: String {
        switch self {
        case .active: "active"
        case .demonstration: "demonstration studio"
        case .revoked: "revoked"
        case .expired: "expired"
        }
    }
}
