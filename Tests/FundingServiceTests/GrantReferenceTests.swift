import Foundation
import StudioDomain
import XCTest
@testable import FundingService

/// The 参考号 a bank clerk types: unique for grants decided in the same instant, now that ids are time-ordered.
final class GrantReferenceTests: XCTestCase {
    func testGrantsDecidedTogetherGetDifferentReferences() {
        // Given a thousand grant ids made back to back (UUIDv7: the same leading time digits)
        let ids = (0..<1000).map { _ in GrantID.new() }

        // When each gets its reference
        let references = ids.map { GrantIntake.reference(for: .naming, year: 2026, id: $0) }

        // Then none repeats, and each has the documented form
        XCTAssertEqual(Set(references).count, references.count)
        XCTAssertTrue(references.allSatisfy { $0.hasPrefix("QZ2026-N-") && $0.count == "QZ2026-N-".count + 10 })
        XCTAssertTrue(references.allSatisfy { $0.dropFirst(9).allSatisfy { "0123456789ABCDEF".contains($0) } })
    }
}
