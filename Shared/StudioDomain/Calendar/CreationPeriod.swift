import Foundation

/// The time a team has been doing creation work (开展创建工作) before it applies. Art 7: at least 6 months.
///
/// **Rule.** A team that started on S may apply on D iff D ≥ S + 6 calendar months. When the target month has
/// no such day the month end counts (clamping, the applicant's favour, as 民法典第二百零三条 counts periods):
/// started 2026-08-31 → eligible from 2027-02-28. So 5 months and 30 days is refused
/// (started 2026-03-01, applying 2026-08-31) and exactly 6 months is accepted (applying 2026-09-01).
public struct CreationPeriod: Codable, Hashable, Sendable {
    public static let minimumMonths = 6

    /// The day creation work started.
    public var startedOn: LocalDate

    public init(startedOn: LocalDate) { self.startedOn = startedOn }

    /// The first day an application may be submitted.
    public var eligibleFrom: LocalDate {
        startedOn.adding(months: Self.minimumMonths, missingDay: .clampToMonthEnd)
    }

    /// Art 7 holds for an application submitted on `submission`.
    public func isSatisfied(on submission: LocalDate) -> Bool { submission >= eligibleFrom }
}
