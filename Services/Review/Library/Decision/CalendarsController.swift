import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The holiday calendars the 公示 counts its working days with: the shipped years and the department's own
/// loads and corrections (a year the State Council has announced and the platform does not ship yet, or a
/// correction of a shipped one).
struct CalendarsController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `calendars`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .get(":year", use: show)
            .put(":year", use: load)
    }

    struct CalendarView: ResponseEncodable, Sendable {
        var year: Int
        var source: String?
        /// `shipped` (Resources/holidays) or `department` (loaded over the API, taking precedence).
        var origin: HolidayCalendars.Origin
        var holidays: [HolidayCalendar.Day]
        var makeUpWorkdays: [HolidayCalendar.Day]
    }

    static func view(_ calendar: HolidayCalendar, _ origin: HolidayCalendars.Origin) -> CalendarView {
        CalendarView(year: calendar.year, source: calendar.source, origin: origin,
                     holidays: calendar.holidays.sorted { $0.date < $1.date }, makeUpWorkdays: calendar.makeUpWorkdays.sorted { $0.date < $1.date })
    }

    static func year(_ context: AppRequestContext) throws -> Int {
        let text = try context.parameters.require("year")
        guard let year = Int(text), (2000...2100).contains(year) else {
            throw Problem.invalid("calendar.year", field: "year", zh: "年份须为2000至2100之间的整数", en: "the year is a whole number from 2000 to 2100")
        }
        return year
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<CalendarView> {
        try context.require(.department, .federation)
        return Listing(items: try await database.calendars().map(Self.view))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> CalendarView {
        try context.require(.department, .federation)
        let year = try Self.year(context)
        guard let found = try await database.calendar(year) else {
            throw Problem.notFound("holiday calendar", zh: "\(year)年节假日安排", id: String(year))
        }
        return Self.view(found.0, found.1)
    }

    struct CalendarInput: Decodable {
        var source: String?
        var holidays: [HolidayCalendar.Day]
        var makeUpWorkdays: [HolidayCalendar.Day]
    }

    /// Loads or corrects a year (the whole year at once); published notices keep the end they were given.
    @Sendable func load(_ request: Request, context: AppRequestContext) async throws -> CalendarView {
        let identity = try context.require(.department)
        let year = try Self.year(context)
        let input = try await request.decodeJSON(CalendarInput.self, context: context)
        let calendar = HolidayCalendar(year: year, source: input.source, holidays: input.holidays, makeUpWorkdays: input.makeUpWorkdays)
        let issues = calendar.issues()
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let now = Millis.from(environment.now())
        try await database.loadCalendar(calendar, by: identity.actor, at: now)
        return Self.view(calendar, .department)
    }
}
