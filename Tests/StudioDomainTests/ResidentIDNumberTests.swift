import XCTest
@testable import StudioDomain

final class ResidentIDNumberTests: XCTestCase {
    func testTheStandardsExamplesAreValid() throws {
        // Given the examples printed in GB 11643-1999. By hand for the first:
        // digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
        // = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → "10X98765432"[2] = "X"
        XCTAssertEqual(ResidentIDNumber.checkCharacter(for: "11010519491231002"), "X")

        // When they are checked
        let first = try ResidentIDNumber("11010519491231002X")
        let second = try ResidentIDNumber("440524188001010014")

        // Then they are valid, with their birth dates
        XCTAssertEqual(first.birthDate, LocalDate("1949-12-31"))
        XCTAssertEqual(second.birthDate, LocalDate("1880-01-01"))
    }

    func testComputedNumbersAreValidAndLowercaseXIsAccepted() throws {
        let number = try XCTUnwrap(ResidentIDNumber.completing("33080219850615123"))
        XCTAssertNil(ResidentIDNumber.validate(number))
        XCTAssertEqual(try ResidentIDNumber("11010519491231002x").value, "11010519491231002X")
    }

    func testRefusesWithATypedReason() {
        XCTAssertEqual(ResidentIDNumber.validate("11010519491231002"), .wrongLength(17))
        XCTAssertEqual(ResidentIDNumber.validate("110105194912310021"),
                       .checkCharacterMismatch(expected: "X", found: "1"))
        XCTAssertEqual(ResidentIDNumber.validate("1101051949123X002X"),
                       .invalidCharacter(position: 14, character: "X"))
        let badDate = ResidentIDNumber.completing("11010519490230002")!  // 30 February
        XCTAssertEqual(ResidentIDNumber.validate(badDate), .invalidBirthDate("19490230"))
        let future = ResidentIDNumber.completing("11010520300101002")!
        XCTAssertNil(ResidentIDNumber.validate(future))
        XCTAssertEqual(ResidentIDNumber.validate(future, asOf: LocalDate("2026-11-24")), .birthDateInFuture)
    }

    func testDescriptionIsMasked() throws {
        let number = try ResidentIDNumber("11010519491231002X")
        XCTAssertEqual(number.description, "110105********002X")
        XCTAssertFalse("\(number)".contains("19491231"))
        let issue = ResidentIDFailure.checkCharacterMismatch(expected: "X", found: "1").issue(field: "leader.idNumber")
        XCTAssertEqual(issue.code, "id_number_check")
        XCTAssertFalse(issue.messageEn.contains("X"))
    }
}
