import Foundation
import GRDB
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Working days know the holidays: the 公示's working days skip the statutory holidays and count the make-up
/// working days (调休) of each year's calendar; a year with no calendar is refused, never counted Monday to Friday.
final class HolidayCalendarTests: XCTestCase {
    typealias F = ReviewFixture

    func testShippedCalendarsAreValid() throws {
        let shipped = HolidayCalendars.shipped
        XCTAssertEqual(shipped.keys.sorted(), [2025, 2026])
        for (year, calendar) in shipped {
            XCTAssertEqual(calendar.year, year)
            XCTAssertEqual(calendar.issues(), [], "\(year)")
        }
        // 2025: 元旦 1, 春节 8, 清明 3, 劳动节 5, 端午 3, 国庆中秋 8; five make-up days
        XCTAssertEqual(shipped[2025]?.holidays.count, 28)
        XCTAssertEqual(shipped[2025]?.makeUpWorkdays.map(\.date.description), ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])
        // 2026: 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7; six make-up days
        XCTAssertEqual(shipped[2026]?.holidays.count, 33)
        XCTAssertEqual(shipped[2026]?.makeUpWorkdays.map(\.date.description), ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
    }

    func testANoticeOverNationalDaySkipsTheHolidaysAndCountsTheMakeUpSaturday() async throws {
        // 5 working days from Wednesday 2026-09-30: 30 Sep, (1–7 Oct 国庆), 8, 9, Saturday 10 Oct (调休), Monday 12 Oct
        var days = WorkingDays(lookup: { HolidayCalendars.shipped[$0] })
        XCTAssertEqual(try days.lastDay(from: LocalDate("2026-09-30")!, workingDays: 5), LocalDate("2026-10-12"))
        XCTAssertTrue(try days.isWorkingDay(LocalDate("2026-10-10")!), "the make-up Saturday is worked")
        XCTAssertFalse(try days.isWorkingDay(LocalDate("2026-10-05")!), "a Monday of the holiday is not")
        XCTAssertFalse(try days.isWorkingDay(LocalDate("2026-10-11")!), "an ordinary Sunday is not")
        // Over HTTP: the published notice ends on the 12th, not on 6 October as Monday to Friday would have it
        let fixture = try ReviewFixture()
        try await PublicNoticeTests.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            try await PublicNoticeTests.closedRound(fixture, client)
            let notice = try await client.send(.post, "/rounds/naming-2026/notice", token: fixture.department, json: #"{"startsOn":"2026-09-30"}"#)
            XCTAssertEqual(notice.status, .created, notice.text)
            XCTAssertEqual(notice.object["endsOn"] as? String, "2026-10-12")
            let shown = try await client.send(.get, "/public/rounds/naming-2026/notice", token: nil)
            XCTAssertEqual(shown.object["endsOn"] as? String, "2026-10-12")
            XCTAssertEqual(shown.object["workingDays"] as? Int, 5)
        }
    }

    func testAYearWithoutACalendarIsRefused() async throws {
        // The pure count: a day of 2027 with no 2027 calendar is an error naming the year
        var days = WorkingDays(lookup: { HolidayCalendars.shipped[$0] })
        XCTAssertThrowsError(try days.lastDay(from: LocalDate("2026-12-28")!, workingDays: 5)) { error in
            XCTAssertEqual((error as? Problem)?.issues.map(\.code), ["calendar.missing_year"])
        }
        let fixture = try ReviewFixture()
        try await PublicNoticeTests.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            try await PublicNoticeTests.closedRound(fixture, client)
            let dep = fixture.department
            // A notice from Monday 2026-12-28 runs into 2027, which has no calendar: 422 naming the year, nothing written
            let refused = try await client.send(.post, "/rounds/naming-2026/notice", token: dep, json: #"{"startsOn":"2026-12-28"}"#)
            XCTAssertEqual(refused.status, .unprocessableContent, refused.text)
            XCTAssertEqual(refused.errorCodes, ["calendar.missing_year"])
            XCTAssertTrue(refused.text.contains("未载入2027年节假日安排") && refused.text.contains("no holiday calendar loaded for 2027"), refused.text)
            let round = try await client.send(.get, "/rounds/naming-2026", token: dep)
            XCTAssertEqual((round.object["round"] as? [String: Any])?["status"] as? String, "closed")
            do { let awaited = try await client.send(.get, "/calendars/2027", token: dep).status; XCTAssertEqual(awaited, .notFound) }

            // A bad calendar names its fields: a day of another year, a day both holiday and make-up, a make-up weekday
            let bad = try await client.send(.put, "/calendars/2027", token: dep, json: """
                {"holidays":[{"date":"2027-01-01","name":"元旦"},{"date":"2026-12-31","name":"跨年"}],
                 "makeUpWorkdays":[{"date":"2027-01-01","name":"调休"},{"date":"2027-01-05","name":"周二"}]}
                """)
            XCTAssertEqual(bad.status, .unprocessableContent, bad.text)
            XCTAssertEqual(Set(bad.errors.compactMap { $0["field"] as? String }), ["holidays[1].date", "makeUpWorkdays[0].date", "makeUpWorkdays[1].date"])
            XCTAssertEqual(Set(bad.errorCodes), ["calendar.outside_year", "calendar.holiday_and_workday", "calendar.workday_not_weekend"])
            do { let awaited = try await client.send(.get, "/calendars/2027", token: dep).status; XCTAssertEqual(awaited, .notFound, "nothing loaded") }
            // Only the department loads one
            let byFederation = try await client.send(.put, "/calendars/2027", token: fixture.federation, json: #"{"holidays":[],"makeUpWorkdays":[]}"#)
            XCTAssertEqual(byFederation.status, .forbidden)

            // The department loads 2027 (元旦 1–3 January): the notice now counts 28, 29, 30, 31 December and Monday 4 January
            let loaded = try await client.send(.put, "/calendars/2027", token: dep, json: """
                {"source":"测试用安排","holidays":[{"date":"2027-01-01","name":"元旦"},{"date":"2027-01-02","name":"元旦"},{"date":"2027-01-03","name":"元旦"}],"makeUpWorkdays":[]}
                """)
            XCTAssertEqual(loaded.status, .ok, loaded.text)
            XCTAssertEqual(loaded.object["origin"] as? String, "department")
            let list = try await client.send(.get, "/calendars", token: fixture.federation)
            XCTAssertEqual(list.items.map { $0["year"] as? Int }, [2025, 2026, 2027])
            XCTAssertEqual(list.items.map { $0["origin"] as? String }, ["shipped", "shipped", "department"])
            let published = try await client.send(.post, "/rounds/naming-2026/notice", token: dep, json: #"{"startsOn":"2026-12-28"}"#)
            XCTAssertEqual(published.status, .created, published.text)
            XCTAssertEqual(published.object["endsOn"] as? String, "2027-01-04")
        }
    }
}
