import Foundation
import StudioDomain

/// Working days (工作日) for the public notice: Monday to Friday in Asia/Shanghai. Statutory holidays and
/// make-up working days (调休) are not modelled; the department sets a longer notice around holidays.
enum WorkingDays {
    static func isWorkingDay(_ date: LocalDate) -> Bool {
        let weekday = BusinessCalendar.calendar.component(.weekday, from: date.startInstant())
        return weekday != 1 && weekday != 7
    }

    /// The last day of a notice of `count` working days starting on `start` (which counts when it is a working day).
    static func lastDay(from start: LocalDate, workingDays count: Int) -> LocalDate {
        var day = start
        var counted = isWorkingDay(day) ? 1 : 0
        while counted < count {
            day = day.adding(days: 1)
            if isWorkingDay(day) { counted += 1 }
        }
        return day
    }
}
