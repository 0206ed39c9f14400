import Foundation
import XCTest
@testable import StudioDomain

final class TimeOrderedIDTests: XCTestCase {
    func testIdentifiersAreVersionSevenUUIDsInTheUsualTextForm() throws {
        let text = TimeOrderedID.uuidString()
        let parsed = try XCTUnwrap(UUID(uuidString: text))
        XCTAssertEqual(parsed.uuidString.lowercased(), text)
        XCTAssertEqual(text.count, 36)
        let bytes = parsed.uuid
        XCTAssertEqual(bytes.6 >> 4, 7, "version 7")
        XCTAssertEqual(bytes.8 >> 6, 0b10, "RFC 9562 variant")
    }

    func testTheFirstFortyEightBitsAreTheMillisecond() throws {
        let before = UInt64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let hex = TimeOrderedID.uuidString().replacingOccurrences(of: "-", with: "")
        let after = UInt64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let stamped = try XCTUnwrap(UInt64(hex.prefix(12), radix: 16))
        // At most a few milliseconds ahead: the order within the process is kept when ids are made faster than the clock.
        XCTAssertGreaterThanOrEqual(stamped, before)
        XCTAssertLessThanOrEqual(stamped, after + 10)
    }

    func testIdentifiersMadeOneAfterAnotherSortInThatOrder() {
        // Many within one millisecond (the counter), across milliseconds, and with the clock going back.
        var made: [String] = []
        let start = Date()
        for index in 0..<20_000 { made.append(TimeOrderedID.uuidString(now: start.addingTimeInterval(Double(index / 5000) / 1000))) }
        for _ in 0..<10 { made.append(TimeOrderedID.uuidString(now: start.addingTimeInterval(-60))) }
        XCTAssertEqual(made, made.sorted())
        XCTAssertEqual(Set(made).count, made.count)
        let hex = (0..<1000).map { _ in TimeOrderedID.hex(prefix: "msg_") }
        XCTAssertEqual(hex, hex.sorted())
        XCTAssertTrue(hex.allSatisfy { $0.count == 36 && $0.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) } })
    }

    func testDomainIdentifiersAreTimeOrdered() {
        let ids = (0..<100).map { _ in ApplicationID.new() }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertTrue(ids.allSatisfy { UUID(uuidString: $0.rawValue) != nil && $0.rawValue == $0.rawValue.lowercased() })
    }
}
