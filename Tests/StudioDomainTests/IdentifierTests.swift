import Foundation
import XCTest
@testable import StudioDomain

final class IdentifierTests: XCTestCase {
    func testIdentifierEncodesAsAPlainString() throws {
        // Given a typed id inside a struct
        struct Holder: Codable, Equatable { var studio: StudioID }
        let holder = Holder(studio: "5f0c1d2e")

        // When it is encoded and decoded
        let json = try DomainJSON.encoder().encode(holder)
        let decoded = try DomainJSON.decoder().decode(Holder.self, from: json)

        // Then the JSON holds a bare string and the value survives
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"{"studio":"5f0c1d2e"}"#)
        XCTAssertEqual(decoded, holder)
    }

    func testNewProducesDistinctLowercaseUUIDs() {
        // Given two fresh ids
        let first = ApplicationID.new(), second = ApplicationID.new()

        // Then they are lowercase UUID strings and differ
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(first.rawValue, first.rawValue.lowercased())
        XCTAssertNotNil(UUID(uuidString: first.rawValue))
        XCTAssertEqual(first.rawValue.count, 36)
    }

    func testStringLiteralAndDescription() {
        let id: GrantID = "g-1"
        XCTAssertEqual(id, GrantID("g-1"))
        XCTAssertEqual(id.description, "g-1")
        XCTAssertEqual(GrantID(rawValue: "g-1"), id)
        XCTAssertLessThan(StudioID("a"), StudioID("b"))
    }
}
