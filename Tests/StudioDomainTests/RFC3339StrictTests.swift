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
}
