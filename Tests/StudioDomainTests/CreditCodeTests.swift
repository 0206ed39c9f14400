import XCTest
@testable import StudioDomain

final class CreditCodeTests: XCTestCase {
    func testCheckCharacterMatchesAnIndependentComputation() {
        // Given first-17 strings whose check characters were computed by a separate Python implementation
        // of GB 32100-2015 (31 − Σ value×weight mod 31)
        let expected: [(String, Character)] = [
            ("91330802MA2DH8K1X", "F"),
            ("91330881704567891", "P"),
            ("12330800002345678", "U"),
            ("91330000142919376", "Y"),
            ("91330100799655058", "B"),
        ]
        // Then the helper agrees
        for (first17, check) in expected {
            XCTAssertEqual(UnifiedSocialCreditCode.checkCharacter(for: first17), check, first17)
        }
    }

    func testCheckCharacterByHand() {
        // Given 91330881704567891: values 9,1,3,3,0,8,8,1,7,0,4,5,6,7,8,9,1
        // Σ = 9·1 + 1·3 + 3·9 + 3·27 + 0·19 + 8·26 + 8·16 + 1·17 + 7·20 + 0·29 + 4·25 + 5·13 + 6·8 + 7·24
        //     + 8·10 + 9·30 + 1·28 = 1372; 1372 mod 31 = 8; 31 − 8 = 23 → alphabet[23] = "P"
        //     (0–9, then A B C D E F G H J K L M N P: "P" is the 24th character, index 23)
        XCTAssertEqual(UnifiedSocialCreditCode.alphabet[23], "P")
        XCTAssertEqual(UnifiedSocialCreditCode.completing("91330881704567891"), "91330881704567891P")
    }

    func testAcceptsValidCodesAndNormalisesCase() throws {
        let code = try UnifiedSocialCreditCode(" 91330802ma2dh8k1xf ")
        XCTAssertEqual(code.value, "91330802MA2DH8K1XF")
        XCTAssertNil(UnifiedSocialCreditCode.validate("12330800002345678U"))
    }

    func testRefusesWithATypedReason() {
        XCTAssertEqual(UnifiedSocialCreditCode.validate("91330802MA2DH8K1X"), .wrongLength(17))
        XCTAssertEqual(UnifiedSocialCreditCode.validate("91330802MA2DH8K1XG"),
                       .checkCharacterMismatch(expected: "F", found: "G"))
        XCTAssertEqual(UnifiedSocialCreditCode.validate("91330802MA2DH8O1XF"),
                       .invalidCharacter(position: 15, character: "O"))
        XCTAssertEqual(UnifiedSocialCreditCode.validate("9133A802MA2DH8K1XF"), .invalidDivisionCode)
        XCTAssertThrowsError(try UnifiedSocialCreditCode("91330881704567891Q")) { error in
            XCTAssertEqual(error as? CreditCodeFailure, .checkCharacterMismatch(expected: "P", found: "Q"))
        }
    }

    func testFailureBecomesABilingualIssue() {
        let issue = CreditCodeFailure.wrongLength(17).issue(field: "applicantUnit.creditCode")
        XCTAssertEqual(issue.code, "credit_code_length")
        XCTAssertEqual(issue.field, "applicantUnit.creditCode")
        XCTAssertTrue(issue.messageZh.contains("18位"))
        XCTAssertTrue(issue.messageEn.contains("18 characters"))
    }
}
