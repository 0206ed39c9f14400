import Foundation
import StudioDomain
import XCTest

/// Instants with out-of-range fields are refused, not rolled over (found by schemathesis: minute 99).
final class RFC3339StrictTests: XCTestCase {
    func testOutOfRangeFieldsAreRefusedAndGoodInstantsStillParse() {
        for bad in ["2024-01-01T12:99:00Z", "2024-13-01T00:00:00Z", "2024-01-32T00:00:00Z", "2024-01-01T24:00:00Z",
                    "2024-01-01T00:00:61Z", "2024-01-00T00:00:00Z", "2024-1-01T00:00:00Z", "", "2024-01-01"] {
            XCTAssertNil(RFC3339.date(from: bad), bad)
        }
        XCTAssertEqual(RFC3339.date(from: "2026-11-24T08:30:00Z")?.timeIntervalSince1970, 1_795_509_000)
        XCTAssertEqual(RFC3339.date(from: "2026-11-24T16:30:00.500+08:00")?.timeIntervalSince1970, 1_795_509_000.5)
        XCTAssertNotNil(RFC3339.date(from: "1820-11-18T15:53:38.678141Z"))
    }

    func testImpossibleCalendarDayIsRefused() {
        // 30 February used to pass (day 1–31 whatever the month) and roll over to 2 March
        for bad in ["2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
                    "2026-06-31T12:00:00+08:00", "2026-09-31T00:00:00.5Z", "2026-11-31T00:00:00Z"] {
            XCTAssertNil(RFC3339.date(from: bad), bad)
        }
        for good in ["2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-02-28T23:59:59Z", "2026-04-30T00:00:00Z", "2026-12-31T00:00:00Z"] {
            XCTAssertEqual(RFC3339.date(from: good).map(RFC3339.string(from:))?.prefix(10), good.prefix(10), good)
        }
    }
}
