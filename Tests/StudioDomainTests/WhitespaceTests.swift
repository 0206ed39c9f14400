import Foundation
import StudioDomain
import XCTest

/// `trimmedOfWhitespace` gives what Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)` gives.
final class WhitespaceTests: XCTestCase {
    func testTrimmingMatchesFoundationsWhitespacesAndNewlines() {
        let samples = [
            "", " ", "\t\n\r ", "三级/高级工", "  三级/高级工  ", "\u{3000}衢州\u{3000}", "\u{00A0}9133080\u{2028}",
            "a b", "\u{85}x\u{2029}", "\u{200B}x\u{200B}", "x \u{301}", "\u{FEFF}x", "\r\n", "e\u{301} ", " 🧑‍🔧 ",
            "\u{1680}\u{2000}\u{200A}\u{202F}\u{205F}y\u{0B}\u{0C}",
        ]
        for text in samples {
            XCTAssertEqual(text.trimmedOfWhitespace, text.trimmingCharacters(in: .whitespacesAndNewlines),
                           "trimming \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        // Every scalar of the Basic Multilingual Plane alone and between letters, against Foundation's set
        for value in 0...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            XCTAssertEqual(text.trimmedOfWhitespace, text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
        }
    }
}
