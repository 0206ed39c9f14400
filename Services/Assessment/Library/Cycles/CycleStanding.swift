import Foundation
import StudioDomain

/// Where a studio stands in its cycle on a given day (Art 17), computed from the day and never stored, so
/// "the window is open" and "overdue" are always true to the clock without a background job.
///
/// - The assessment window opens `windowDays` days before the cycle's `end` (the first day after the cycle).
/// - A cycle whose `end` has come without a recorded assessment is **overdue**: the studio keeps its status
///   for the grace period (`AssessmentSettings.expiryGraceDays`), then it is expired (`Expiry`) until a late
///   assessment restores or revokes it.
public struct CycleStanding: Codable, Sendable, Equatable {
    public var cycle: StudioCycle
    /// 1, 2 or 3; nil once the cycle has ended (overdue).
    public var yearInCycle: Int?
    public var assessmentWindowOpensOn: LocalDate
    public var assessmentWindowOpen: Bool
    public var overdue: Bool
    /// Days from `today` to the cycle's last day; negative once overdue.
    public var daysToCycleEnd: Int

    public static func evaluate(cycle: StudioCycle, today: LocalDate, windowDays: Int) -> CycleStanding {
        let opens = cycle.end.adding(days: -windowDays)
        // A pass recorded inside the window sets the next cycle before it starts; until then the studio is in the
        // last year of the cycle just assessed (the window is at most 365 days, never longer than year 3).
        let year = today < cycle.start ? StudioCycle.lengthInYears : cycle.yearInCycle(on: today)
        return CycleStanding(
            cycle: cycle, yearInCycle: year, assessmentWindowOpensOn: opens,
            assessmentWindowOpen: today >= opens, overdue: today >= cycle.end,
            daysToCycleEnd: today.days(until: cycle.lastDay))
    }
}

/// The rules the regulation leaves open, as one value (DOMAIN.md "decide, document, make configurable").
public struct AssessmentSettings: Sendable {
    /// How many days before a cycle ends the department may record its assessment (default 90).
    public var assessmentWindowDays: Int
    /// Screening bodies, for the public "area" column and for Art 19 affiliation changes.
    public var referenceData: ReferenceData
    /// How many days after a cycle ends unassessed the studio keeps its title before it expires (default 90).
    public var expiryGraceDays: Int

    public static let expiryGraceRange = 1...3650

    public init(assessmentWindowDays: Int = 90, referenceData: ReferenceData = .defaults, expiryGraceDays: Int = 90) {
        precondition((1...365).contains(assessmentWindowDays), "the assessment window is 1…365 days")
        precondition(Self.expiryGraceRange.contains(expiryGraceDays), "the expiry grace period is 1…3650 days")
        self.assessmentWindowDays = assessmentWindowDays
        self.referenceData = referenceData
        self.expiryGraceDays = expiryGraceDays
    }
}
