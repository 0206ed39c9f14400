import StudioDomain

/// What the regulation leaves to the department (DOMAIN.md, "What the rules leave open"), as one value.
/// The executable decodes it from its command line (`FundingOptions`); tests pass their own.
public struct FundingSettings: Sendable, Equatable {
    /// What spending beyond a grant's balance (paid minus spent) does.
    public enum OverspendPolicy: String, Sendable, Equatable, CaseIterable {
        /// Refused with a 422.
        case refuse
        /// Recorded and flagged for the joint inspection (Art 16).
        case flag
    }

    /// Art 12, 13, 14: 10,000, 20,000 and 50,000 yuan unless configured otherwise.
    public var amounts: [GrantKind: Money]
    /// A grant is due for payment this many days after its decision.
    public var paymentDays: Int
    /// A grant counts as due this many days before its payment date, and overdue the day after it.
    public var dueNoticeDays: Int
    public var overspend: OverspendPolicy
    /// Art 16: 每二年 a joint inspection.
    public var inspectionIntervalYears: Int

    public init(amounts: [GrantKind: Money] = Dictionary(uniqueKeysWithValues: GrantKind.allCases.map { ($0, $0.defaultAmount) }),
                paymentDays: Int = 30, dueNoticeDays: Int = 7, overspend: OverspendPolicy = .refuse,
                inspectionIntervalYears: Int = 2) {
        self.amounts = amounts
        self.paymentDays = paymentDays
        self.dueNoticeDays = dueNoticeDays
        self.overspend = overspend
        self.inspectionIntervalYears = inspectionIntervalYears
    }

    public static let standard = FundingSettings()

    public func amount(for kind: GrantKind) -> Money { amounts[kind] ?? kind.defaultAmount }
}
