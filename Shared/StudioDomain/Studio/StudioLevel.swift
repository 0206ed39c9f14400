import Foundation

/// The level at which a studio was named. This platform names city-level studios (市级); provincial ones
/// (省级, named by the provincial federation) matter because Art 14 lets them compete for demonstration status.
public enum StudioLevel: String, Codable, Hashable, Sendable, CaseIterable {
    /// 市级
    case city
    /// 省级
    case provincial

    public var nameZh: String { self == .city ? "市级" : "省级" }
    public var nameEn: String { self == .city ? "city level" : "provincial level" }
}
