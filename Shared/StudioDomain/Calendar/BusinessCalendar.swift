import Foundation

/// Business dates (deadlines, naming dates, cycles) are calendar days in China Standard Time; instants
/// (`occurredAt`, timestamps) are UTC. This is the one place that says which time zone "today" is in.
public enum BusinessCalendar {
    /// Asia/Shanghai; if the system lacks tzdata, the fixed UTC+8 it has been since 1991 (no daylight saving).
    public static let timeZone: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// A Gregorian calendar in `timeZone`.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()
}
