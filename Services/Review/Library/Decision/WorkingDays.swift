import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// One year's holiday arrangement (节假日安排) from the State Council's notice: the statutory holidays
/// (法定节假日, including the weekend days the notice takes into a holiday) and the make-up working days
/// (调休上班日, a Saturday or Sunday that is worked).
struct HolidayCalendar: Codable, Sendable, Equatable {
    struct Day: Codable, Sendable, Equatable {
        var date: LocalDate
        var name: String
    }
    var year: Int
    /// Where the dates come from: the notice's title and number.
    var source: String?
    var holidays: [Day]
    var makeUpWorkdays: [Day]

    /// The days' rules: inside the year, each named, none twice, none both a holiday and a make-up day,
    /// a make-up day on a Saturday or Sunday (a weekday is worked anyway).
    func issues() -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if let source, source.count > 200 {
            issues.append(DomainIssue(code: "calendar.source_too_long", field: "source", messageZh: "来源不超过200个字符", messageEn: "source is at most 200 characters"))
        }
        for (list, field) in [(holidays, "holidays"), (makeUpWorkdays, "makeUpWorkdays")] {
            if list.count > 60 {
                issues.append(DomainIssue(code: "calendar.too_many_days", field: field, messageZh: "一年至多60天", messageEn: "at most 60 days a year"))
            }
            var seen: Set<LocalDate> = []
            for (index, day) in list.enumerated() {
                let at = "\(field)[\(index)]"
                if day.date.year != year {
                    issues.append(DomainIssue(code: "calendar.outside_year", field: "\(at).date", messageZh: "\(day.date) 不在 \(year) 年内", messageEn: "\(day.date) is not in \(year)"))
                }
                if !seen.insert(day.date).inserted {
                    issues.append(DomainIssue(code: "calendar.duplicate_day", field: "\(at).date", messageZh: "\(day.date) 重复", messageEn: "\(day.date) is listed twice"))
                }
                let name = day.name.trimmingCharacters(in: .whitespaces)
                if name.isEmpty || day.name.count > 50 {
                    issues.append(DomainIssue(code: "calendar.day_name", field: "\(at).name", messageZh: "请填写1至50个字符的名称（如“国庆节”）", messageEn: "name the day in 1 to 50 characters"))
                }
            }
        }
        let holidaySet = Set(holidays.map(\.date))
        for (index, day) in makeUpWorkdays.enumerated() {
            if holidaySet.contains(day.date) {
                issues.append(DomainIssue(code: "calendar.holiday_and_workday", field: "makeUpWorkdays[\(index)].date",
                                          messageZh: "\(day.date) 不能既是假日又是调休上班日", messageEn: "\(day.date) cannot be both a holiday and a make-up working day"))
            }
            if WorkingDays.isWeekday(day.date) {
                issues.append(DomainIssue(code: "calendar.workday_not_weekend", field: "makeUpWorkdays[\(index)].date",
                                          messageZh: "调休上班日须为周六或周日，\(day.date) 本是工作日", messageEn: "a make-up working day is a Saturday or Sunday; \(day.date) is a weekday"))
            }
        }
        return issues
    }
}

/// The calendars the service knows: the department's (loaded or corrected over `PUT /calendars/{year}`, kept
/// in `holiday_calendar`) before the ones shipped in `Resources/holidays/<year>.json`.
enum HolidayCalendars {
    /// The shipped years, read once.
    static let shipped: [Int: HolidayCalendar] = {
        var found: [Int: HolidayCalendar] = [:]
        guard let folder = Bundle.module.url(forResource: "holidays", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) else { return found }
        for file in files where file.pathExtension == "json" {
            // A shipped file that does not read is a build error the tests catch (testShippedCalendarsAreValid).
            if let data = try? Data(contentsOf: file), let calendar = try? DomainJSON.decoder().decode(HolidayCalendar.self, from: data) {
                found[calendar.year] = calendar
            }
        }
        return found
    }()

    enum Origin: String, Codable, Sendable { case shipped, department }

    static func find(_ year: Int, in db: Database) throws -> (HolidayCalendar, Origin)? {
        if let row = try Row.fetchOne(db, sql: "SELECT calendar FROM holiday_calendar WHERE year = ?", arguments: [year]) {
            return (try JSONText.decode(HolidayCalendar.self, row["calendar"]), .department)
        }
        return shipped[year].map { ($0, .shipped) }
    }

    /// The years a department or the shipped files cover.
    static func years(in db: Database) throws -> [Int] {
        Set(try Int.fetchAll(db, sql: "SELECT year FROM holiday_calendar")).union(shipped.keys).sorted()
    }

    static func missing(_ year: Int) -> Problem {
        Problem.validation([DomainIssue(code: "calendar.missing_year", field: "startsOn",
                                        messageZh: "未载入\(year)年节假日安排，无法计算公示期的工作日；请先载入该年的节假日和调休安排（PUT /calendars/\(year)）",
                                        messageEn: "no holiday calendar loaded for \(year): load the year's holidays and make-up working days first (PUT /calendars/\(year))")])
    }
}

/// Working days (工作日) for the public notice, in Asia/Shanghai: Monday to Friday, except the statutory
/// holidays, plus the make-up working days (调休), from each year's calendar. A day in a year with no
/// calendar is never guessed: the count stops with a 422 naming the year.
struct WorkingDays {
    private var years: [Int: (holidays: Set<LocalDate>, workdays: Set<LocalDate>)] = [:]
    private let lookup: (Int) throws -> HolidayCalendar?

    init(lookup: @escaping (Int) throws -> HolidayCalendar?) { self.lookup = lookup }

    init(in db: Database) {
        self.init(lookup: { year in try HolidayCalendars.find(year, in: db)?.0 })
    }

    static func isWeekday(_ date: LocalDate) -> Bool {
        let weekday = BusinessCalendar.calendar.component(.weekday, from: date.startInstant())
        return weekday != 1 && weekday != 7
    }

    mutating func isWorkingDay(_ date: LocalDate) throws -> Bool {
        if years[date.year] == nil {
            guard let calendar = try lookup(date.year) else { throw HolidayCalendars.missing(date.year) }
            years[date.year] = (Set(calendar.holidays.map(\.date)), Set(calendar.makeUpWorkdays.map(\.date)))
        }
        let year = years[date.year]!
        if year.workdays.contains(date) { return true }
        if year.holidays.contains(date) { return false }
        return Self.isWeekday(date)
    }

    /// The last day of a notice of `count` working days starting on `start` (which counts when it is a working day).
    mutating func lastDay(from start: LocalDate, workingDays count: Int) throws -> LocalDate {
        var day = start
        var counted = try isWorkingDay(day) ? 1 : 0
        while counted < count {
            day = day.adding(days: 1)
            if try isWorkingDay(day) { counted += 1 }
        }
        return day
    }
}
