import Foundation
@testable import Messaging
import StudioDomain
import XCTest

/// `Outbox.envelope` writes an event's envelope around a payload already in JSON; the bytes must be the encoder's
/// (receivers verify signatures over them and decode them), whatever the header holds.
final class OutboxEnvelopeTests: XCTestCase {
    struct Payload: Codable, Sendable, Equatable {
        var name: String
        var amountFen: Int64
        var day: LocalDate?
    }

    func testTheEnvelopeAroundAPayloadIsWhatTheEncoderWrites() throws {
        let texts = ["application:0f9e6f0e-1b2c-4d5e-8f70-123456789abc", "quote \" backslash \\ slash /", "\u{0}\u{1F}\u{7F}\n\t", "衢州 🧑‍🔧", ""]
        let instants = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_780_000_000.123), Date(timeIntervalSince1970: 1_780_000_000.9999),
                        Millis.date(1_780_000_000_001)]
        for text in texts {
            for instant in instants {
                let header = EventHeader(id: Outbox.messageID(), type: "test.\(text)", version: 3, occurredAt: instant, source: text,
                                         aggregate: text, sequence: Int64.max)
                let payload = Payload(name: text, amountFen: -5, day: LocalDate("2026-07-01"))
                let payloadJSON = String(decoding: try DomainJSON.encoder().encode(payload), as: UTF8.self)
                XCTAssertEqual(String(decoding: Outbox.envelope(header, payloadJSON: payloadJSON), as: UTF8.self),
                               String(decoding: try DomainJSON.encoder().encode(Envelope(header: header, data: payload)), as: UTF8.self))
            }
        }
    }

    func testMessageIDsAreThirtyTwoLowercaseHexDigitsAfterThePrefix() {
        let id = Outbox.messageID()
        XCTAssertTrue(id.hasPrefix("msg_"))
        XCTAssertEqual(id.count, 36)
        XCTAssertTrue(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        XCTAssertNotEqual(Outbox.messageID(), Outbox.messageID())
    }

    func testMessageIDsSortInTheOrderTheyWereMade() {
        // UUIDv7: the outbox's, the deliveries' and the inbox's keys grow at the right edge of their trees.
        let ids = (0..<5000).map { _ in Outbox.messageID() }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertTrue(ids.allSatisfy { $0.dropFirst(4).dropFirst(12).first == "7" }, "version 7 after the 48-bit time")
    }
}
