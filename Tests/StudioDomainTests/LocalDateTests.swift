import Foundation
import XCTest
@testable import StudioDomain

final class LocalDateTests: XCTestCase {
    func testValidatesDates() {
        XCTAssertNotNil(LocalDate(year: 2024, month: 2, day: 29))
        XCTAssertNil(LocalDate(year: 2026, month: 2, day: 29))
        XCTAssertNil(LocalDate(year: 1900, month: 2, day: 29))
        XCTAssertNotNil(LocalDate(year: 2000, month: 2, day: 29))
        XCTAssertNil(LocalDate(year: 2026, month: 4, day: 31))
        XCTAssertNil(LocalDate(year: 2026, month: 13, day: 1))
        XCTAssertNil(LocalDate(year: 2026, month: 0, day: 1))
        XCTAssertNil(LocalDate(year: 2026, month: 1, day: 0))
    }

    func testParsesOnlyTheISOForm() {
        XCTAssertEqual(LocalDate("2026-03-01"), LocalDate(year: 2026, month: 3, day: 1))
        XCTAssertNil(LocalDate("2026-3-1"))
        XCTAssertNil(LocalDate("2026/03/01"))
        XCTAssertNil(LocalDate("2026-02-30"))
        XCTAssertNil(LocalDate("20260301"))
        XCTAssertNil(LocalDate("２０２６-03-01"))
    }

    func testCodableAsString() throws {
        // Given a date in a struct
        struct Holder: Codable, Equatable { var on: LocalDate }
        let holder = Holder(on: LocalDate("2027-02-28")!)

        // When it goes through DomainJSON
        let json = try DomainJSON.encoder().encode(holder)

        // Then it is a YYYY-MM-DD string and an invalid date is refused on decoding
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"{"on":"2027-02-28"}"#)
        XCTAssertEqual(try DomainJSON.decoder().decode(Holder.self, from: json), holder)
        XCTAssertThrowsError(try DomainJSON.decoder().decode(Holder.self, from: Data(#"{"on":"2027-02-29"}"#.utf8)))
    }

    func testTodayIsTheShanghaiDay() throws {
        // Given 2026-11-24T17:30:00Z, which is 01:30 on the 25th in Quzhou
        let instant = try XCTUnwrap(RFC3339.date(from: "2026-11-24T17:30:00Z"))

        // Then today in Asia/Shanghai is the 25th, and in UTC still the 24th
        XCTAssertEqual(LocalDate.today(now: instant), LocalDate("2026-11-25"))
        XCTAssertEqual(LocalDate.today(in: TimeZone(identifier: "UTC")!, now: instant), LocalDate("2026-11-24"))
        XCTAssertEqual(RFC3339.string(from: LocalDate("2026-11-25")!.startInstant()), "2026-11-24T16:00:00.000Z")
    }

    func testMonthArithmeticClampsOrRolls() {
        let jan31 = LocalDate("2026-01-31")!
        XCTAssertEqual(jan31.adding(months: 1), LocalDate("2026-02-28"))
        XCTAssertEqual(jan31.adding(months: 1, missingDay: .rollToNextMonth), LocalDate("2026-03-01"))
        XCTAssertEqual(jan31.adding(months: 3), LocalDate("2026-04-30"))
        XCTAssertEqual(jan31.adding(months: 12), LocalDate("2027-01-31"))
        XCTAssertEqual(jan31.adding(months: -2), LocalDate("2025-11-30"))
        XCTAssertEqual(LocalDate("2024-02-29")!.adding(years: 1), LocalDate("2025-02-28"))
        XCTAssertEqual(LocalDate("2024-02-29")!.adding(years: 4), LocalDate("2028-02-29"))
        XCTAssertEqual(LocalDate("2025-12-31")!.adding(months: 2), LocalDate("2026-02-28"))
    }

    func testDayArithmeticAcrossYearAndLeapDay() {
        XCTAssertEqual(LocalDate("2025-12-31")!.adding(days: 1), LocalDate("2026-01-01"))
        XCTAssertEqual(LocalDate("2024-02-28")!.adding(days: 1), LocalDate("2024-02-29"))
        XCTAssertEqual(LocalDate("2024-03-01")!.adding(days: -1), LocalDate("2024-02-29"))
        XCTAssertEqual(LocalDate.daysBetween(LocalDate("2024-01-01")!, LocalDate("2025-01-01")!), 366)
        XCTAssertEqual(LocalDate("2026-01-01")!.days(until: LocalDate("2025-01-01")!), -365)
        XCTAssertEqual(LocalDate("1970-01-01")!.dayNumber, 0)
        XCTAssertEqual(LocalDate(dayNumber: LocalDate("2000-02-29")!.dayNumber), LocalDate("2000-02-29"))
    }

    func testOrdering() {
        XCTAssertLessThan(LocalDate("2025-12-31")!, LocalDate("2026-01-01")!)
        XCTAssertLessThan(LocalDate("2026-01-31")!, LocalDate("2026-02-01")!)
    }
}
