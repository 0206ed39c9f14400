import Foundation

/// A calendar day without a time or time zone (日期), such as a naming date or a deadline.
/// JSON: `"2026-11-24"`. Years 1…9999 of the proleptic Gregorian calendar.
///
/// Arithmetic is done on the proleptic Gregorian day count, not through `Calendar`, so it is exact, fast and
/// independent of time zones; only `today(in:now:)` and `startInstant(in:)` touch a time zone.
public struct LocalDate: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the date exists (`2026-02-29` does not).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The calendar day `instant` falls on in `timeZone` (by default the business time zone, Asia/Shanghai).
    public init(_ instant: Date, in timeZone: TimeZone = BusinessCalendar.timeZone) {
        var calendar = BusinessCalendar.calendar
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(unchecked: parts.year!, parts.month!, parts.day!)
    }

    /// Today in `timeZone`: at 2026-11-24T17:00Z it is already 2026-11-25 in Quzhou.
    public static func today(in timeZone: TimeZone = BusinessCalendar.timeZone, now: Date = Date()) -> LocalDate {
        LocalDate(now, in: timeZone)
    }

    /// The instant this day begins in `timeZone` (00:00 Asia/Shanghai is 16:00Z the day before).
    public func startInstant(in timeZone: TimeZone = BusinessCalendar.timeZone) -> Date {
        var calendar = BusinessCalendar.calendar
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        precondition((1...9999).contains(year), "LocalDate out of range: year \(year)")
        self.year = year
        self.month = month
        self.day = day
    }

    // MARK: Codable, text

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date YYYY-MM-DD, got \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// `2026-03-01`
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // MARK: Arithmetic

    /// How a month or year addition treats a day the target month lacks (31 → April, 29 Feb → a common year).
    public enum MissingDay: Sendable {
        /// Take the last day of the target month: 2026-08-31 + 6 months = 2027-02-28.
        case clampToMonthEnd
        /// Take the first day of the following month: 2024-02-29 + 3 years = 2027-03-01.
        case rollToNextMonth
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + days)
    }

    /// Calendar months later (or earlier, when negative); the day is kept, and a missing day is handled by `missingDay`.
    public func adding(months: Int, missingDay: MissingDay = .clampToMonthEnd) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let targetYear = index / 12, targetMonth = index % 12 + 1
        let length = Self.daysInMonth(year: targetYear, month: targetMonth)
        if day <= length { return LocalDate(unchecked: targetYear, targetMonth, day) }
        switch missingDay {
        case .clampToMonthEnd: return LocalDate(unchecked: targetYear, targetMonth, length)
        case .rollToNextMonth: return LocalDate(unchecked: targetYear, targetMonth, length).adding(days: 1)
        }
    }

    public func adding(years: Int, missingDay: MissingDay = .clampToMonthEnd) -> LocalDate {
        adding(months: years * 12, missingDay: missingDay)
    }

    /// Days from `self` to `other`: positive when `other` is later; `d.days(until: d.adding(days: n)) == n`.
    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    public static func daysBetween(_ start: LocalDate, _ end: LocalDate) -> Int { start.days(until: end) }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `dayNumber` (civil_from_days).
    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
