import Foundation
@testable import IntakeService
import XCTest

/// `PlainJSON` lets a body skip the `JSONSerialization` check only when that check would pass: whatever it accepts,
/// `JSONSerialization` must accept too (the reverse need not hold: it says false when unsure).
final class PlainJSONTests: XCTestCase {
    func testPlainBodiesAreAcceptedAndEverythingDoubtfulIsLeftToJSONSerialization() {
        let plain = [#"{}"#, #"[]"#, #" {"a": [1, -0, 0.5, 12.25, true, false, null, "x\"\\\/\b\f\n\r\t", "衢州 🧑‍🔧"]} "#, #""text""#, "7",
                     #"{"form":{"studio":{"siteArea":120,"funds":5000000}},"submit":true,"roundId":"r"}"#, #"{"a":1,"a":2}"#]
        for text in plain {
            XCTAssertTrue(PlainJSON.isValid(Array(text.utf8)), text)
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]), text)
        }
        let doubtful = [#"{"a":1,}"#, #"[1,]"#, #"{"a":1e5}"#, #"{"a":"\u0041"}"#, #"{"a":"\ud800"}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#,
                        #"{"a":1234567890123456}"#, "{\"a\":\"tab\there\"}", #"{"a" 1}"#, #"{a:1}"#, #"{"a":tru}"#, #"{"a":1} x"#, "", " ",
                        #"{"a":-}"#, #"{"a":"x\q"}"#, String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "\u{FEFF}{}"]
        for text in doubtful {
            XCTAssertFalse(PlainJSON.isValid(Array(text.utf8)), text)
        }
        XCTAssertFalse(PlainJSON.isValid([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]), "invalid UTF-8")
    }

    /// Random damage to a real body: every variant PlainJSON accepts must be one JSONSerialization accepts.
    func testWhatPlainJSONAcceptsJSONSerializationAcceptsUnderRandomDamage() {
        let body = Array(#"{"roundId":"r-1","submit":true,"form":{"applicantUnit":{"name":"衢州王氏精工1号有限公司","hasTradeUnion":true},"studio":{"siteArea":120.5,"funds":5000000,"name":"王建\"工作室\\"},"results":{"papers":[],"patents":["ZL1"]},"screening":{"recommendationOrder":-3}}}"#.utf8)
        let alphabet = Array(#"{}[]",:.-+eE0123456789 \tnulltruefalse\u/"#.utf8) + [0x00, 0x1F, 0xC3, 0xFF]
        var generator = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = body
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
            }
            if PlainJSON.isValid(bytes) {
                accepted += 1
                XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]), String(decoding: bytes, as: UTF8.self))
            }
        }
        XCTAssertGreaterThan(accepted, 100, "the damage should leave some variants valid")
    }
}
