import Foundation

/// A studio cycle (周期, Art 17): three years from its start, the naming date for the first cycle.
/// At its end the department assesses the studio; a pass starts the next cycle, a fail revokes the title.
///
/// **Boundaries.** A cycle covers the half-open range `[start, end)` with `end` = start + 3 years, so its last
/// day is the day before the third anniversary: named 2025-03-10 → last day 2028-03-09, end 2028-03-10.
/// Cycle year *n* covers `[start + (n−1) years, start + n years)` the same way.
/// When the anniversary day does not exist (named on 29 February, anniversary in a common year) the last day
/// is the end of that month, as 民法典第二百零三条 counts year periods, so the anniversary rolls to 1 March:
/// named 2024-02-29 → year 2 from 2025-03-01, year 3 from 2026-03-01, end 2027-03-01 (last day 2027-02-28).
///
/// **Chaining.** The next cycle starts on this cycle's `end` (a renewal keeps the studio continuous), so a
/// 29 February naming continues on 1 March.
public struct StudioCycle: Codable, Hashable, Sendable {
    public static let lengthInYears = 3

    /// 1 for the cycle that starts at naming, then 2, 3, …
    public let number: Int
    /// The first day of the cycle.
    public let start: LocalDate
    /// The first day after the cycle (exclusive).
    public let end: LocalDate

    public init(number: Int = 1, start: LocalDate) {
        precondition(number >= 1, "cycle numbers start at 1")
        self.number = number
        self.start = start
        self.end = Self.anniversary(of: start, years: Self.lengthInYears)
    }

    /// The last day of the cycle (inclusive).
    public var lastDay: LocalDate { end.adding(days: -1) }

    public func contains(_ date: LocalDate) -> Bool { start <= date && date < end }

    /// The first day of cycle year `year` (1…3).
    public func startOfYear(_ year: Int) -> LocalDate {
        precondition((1...Self.lengthInYears).contains(year), "a cycle has years 1…3")
        return Self.anniversary(of: start, years: year - 1)
    }

    /// 1, 2 or 3 on a day within the cycle; nil before `start` and from `end` on.
    public func yearInCycle(on date: LocalDate) -> Int? {
        guard contains(date) else { return nil }
        return (1...Self.lengthInYears).last { startOfYear($0) <= date }
    }

    /// Art 13: a named studio may apply for project funding from the 2nd year of its cycle (在一个周期内的第二年起).
    public func isProjectGrantEligible(on date: LocalDate) -> Bool {
        guard let year = yearInCycle(on: date) else { return false }
        return year >= 2
    }

    /// The day the next cycle starts: this cycle's `end`.
    public var nextCycleStart: LocalDate { end }

    /// The cycle that follows a passed assessment.
    public var next: StudioCycle { StudioCycle(number: number + 1, start: end) }

    /// The cycle containing `date` for a studio named on `namedOn`, cycles chained without gaps; nil before naming.
    public static func cycle(containing date: LocalDate, namedOn: LocalDate) -> StudioCycle? {
        guard date >= namedOn else { return nil }
        var cycle = StudioCycle(start: namedOn)
        while !cycle.contains(date) { cycle = cycle.next }
        return cycle
    }

    /// The cycle running on `date`, given the cycle a register holds for a studio named on `namedOn`.
    ///
    /// A register may hold a cycle that has not begun: a studio that passes its assessment before its cycle
    /// ends is renewed at once for the next cycle, which starts on this cycle's `end`. Until then the old
    /// cycle is still running (its year 3 is not taken away), so a day before the held cycle's start is
    /// judged in the earlier cycle, chained from the naming date. A day from the held cycle's `end` on has
    /// no running cycle: the cycle ended and the studio awaits its assessment (Art 17).
    public static func running(on date: LocalDate, held: StudioCycle, namedOn: LocalDate) -> StudioCycle? {
        if held.contains(date) { return held }
        guard date < held.start else { return nil }
        return cycle(containing: date, namedOn: namedOn)
    }

    /// `years` later on the same month and day, or 1 March when that day is a missing 29 February.
    static func anniversary(of date: LocalDate, years: Int) -> LocalDate {
        date.adding(years: years, missingDay: .rollToNextMonth)
    }

    enum CodingKeys: String, CodingKey { case number, start, end }

    /// `end` is written for readers but recomputed on decoding: the rule above is the only source of it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let number = try container.decode(Int.self, forKey: .number)
        guard number >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .number, in: container, debugDescription: "cycle number must be ≥ 1")
        }
        self.init(number: number, start: try container.decode(LocalDate.self, forKey: .start))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
    }
}
