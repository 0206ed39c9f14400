import XCTest
@testable import StudioDomain

final class StudioCycleTests: XCTestCase {
    private func date(_ text: String) -> LocalDate { LocalDate(text)! }

    func testCycleOfAStudioNamedOnALeapDay() {
        // Given a studio named on 2024-02-29
        let cycle = StudioCycle(start: date("2024-02-29"))

        // Then the cycle ends (exclusive) on 2027-03-01: its last day is 2027-02-28
        XCTAssertEqual(cycle.number, 1)
        XCTAssertEqual(cycle.end, date("2027-03-01"))
        XCTAssertEqual(cycle.lastDay, date("2027-02-28"))

        // And its years begin on 29 Feb 2024, 1 Mar 2025, 1 Mar 2026
        XCTAssertEqual(cycle.startOfYear(2), date("2025-03-01"))
        XCTAssertEqual(cycle.startOfYear(3), date("2026-03-01"))
        XCTAssertEqual(cycle.yearInCycle(on: date("2024-02-28")), nil)
        XCTAssertEqual(cycle.yearInCycle(on: date("2024-02-29")), 1)
        XCTAssertEqual(cycle.yearInCycle(on: date("2025-02-28")), 1)
        XCTAssertEqual(cycle.yearInCycle(on: date("2025-03-01")), 2)
        XCTAssertEqual(cycle.yearInCycle(on: date("2026-02-28")), 2)
        XCTAssertEqual(cycle.yearInCycle(on: date("2026-03-01")), 3)
        XCTAssertEqual(cycle.yearInCycle(on: date("2027-02-28")), 3)
        XCTAssertEqual(cycle.yearInCycle(on: date("2027-03-01")), nil)
    }

    func testCycleOfAStudioNamedOnNewYearsEve() {
        // Given a studio named on 2025-12-31
        let cycle = StudioCycle(start: date("2025-12-31"))

        // Then year 2 begins 2026-12-31, year 3 2027-12-31, and the cycle ends (exclusive) 2028-12-31
        XCTAssertEqual(cycle.end, date("2028-12-31"))
        XCTAssertEqual(cycle.lastDay, date("2028-12-30"))
        XCTAssertEqual(cycle.yearInCycle(on: date("2025-12-31")), 1)
        XCTAssertEqual(cycle.yearInCycle(on: date("2026-01-01")), 1)
        XCTAssertEqual(cycle.yearInCycle(on: date("2026-12-30")), 1)
        XCTAssertEqual(cycle.yearInCycle(on: date("2026-12-31")), 2)
        XCTAssertEqual(cycle.yearInCycle(on: date("2027-12-30")), 2)
        XCTAssertEqual(cycle.yearInCycle(on: date("2027-12-31")), 3)
        XCTAssertEqual(cycle.yearInCycle(on: date("2028-12-30")), 3)
        XCTAssertNil(cycle.yearInCycle(on: date("2028-12-31")))
    }

    func testProjectGrantEligibilityFollowsTheCycleYear() {
        // Given a studio named on 2025-12-31
        let cycle = StudioCycle(start: date("2025-12-31"))

        // Then project grants (Art 13) open on the first day of year 2 and close with the cycle
        XCTAssertFalse(cycle.isProjectGrantEligible(on: date("2025-12-30")))
        XCTAssertFalse(cycle.isProjectGrantEligible(on: date("2026-12-30")))
        XCTAssertTrue(cycle.isProjectGrantEligible(on: date("2026-12-31")))
        XCTAssertTrue(cycle.isProjectGrantEligible(on: date("2028-12-30")))
        XCTAssertFalse(cycle.isProjectGrantEligible(on: date("2028-12-31")))
    }

    func testNextCycleStartsWhereThisOneEnds() {
        // Given the leap-day studio's first cycle
        let first = StudioCycle(start: date("2024-02-29"))

        // When it is renewed
        let second = first.next

        // Then the second cycle starts on the first's end and runs its own three years
        XCTAssertEqual(first.nextCycleStart, date("2027-03-01"))
        XCTAssertEqual(second.number, 2)
        XCTAssertEqual(second.start, date("2027-03-01"))
        XCTAssertEqual(second.end, date("2030-03-01"))
        XCTAssertEqual(StudioCycle.cycle(containing: date("2029-06-01"), namedOn: date("2024-02-29")), second)
        XCTAssertEqual(StudioCycle.cycle(containing: date("2024-02-29"), namedOn: date("2024-02-29")), first)
        XCTAssertNil(StudioCycle.cycle(containing: date("2024-02-28"), namedOn: date("2024-02-29")))
    }

    func testEncodesNumberStartAndEnd() throws {
        let cycle = StudioCycle(number: 2, start: date("2027-03-01"))
        let json = try DomainJSON.encoder().encode(cycle)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"{"end":"2030-03-01","number":2,"start":"2027-03-01"}"#)
        XCTAssertEqual(try DomainJSON.decoder().decode(StudioCycle.self, from: json), cycle)
        XCTAssertThrowsError(try DomainJSON.decoder().decode(StudioCycle.self, from: Data(#"{"number":0,"start":"2027-03-01"}"#.utf8)))
    }
}
