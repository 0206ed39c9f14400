import Foundation

/// The four services, as they name themselves in an envelope's `source`.
public enum PlatformService: String, Codable, Hashable, Sendable, CaseIterable {
    /// 申报受理: applications, amendments, withdrawals.
    case intake
    /// 评审: qualification review, experts, decisions.
    case review
    /// 经费: grants, payments, inspections (Art 12–16).
    case funding
    /// 考核管理: the studio register, cycles, changes, revocations (Art 17–20).
    case assessment
}
