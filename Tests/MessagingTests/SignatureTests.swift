import TestSupport
import Foundation
import Messaging
import XCTest

/// Standard Webhooks signing (MESSAGING.md §5).
final class SignatureTests: XCTestCase {
    // The test vector of the Standard Webhooks specification and its reference libraries.
    let secret = try! WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp: Int64 = 1_614_265_330
    let body = Array(#"{"test": 2432232314}"#.utf8)
    var signedAt: Date { Date(timeIntervalSince1970: TimeInterval(timestamp)) }

    func testSignsTheSpecificationVector() {
        // When we sign the specification's message
        let signature = WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret)
        // Then we get the specification's signature
        XCTAssertEqual(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    func testVerifiesTheSpecificationVector() throws {
        let matched = try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                                                  body: body, secrets: [secret], now: signedAt)
        XCTAssertEqual(matched, secret)
    }

    func testRejectsAWrongSignatureATamperedBodyAndAnotherSecret() {
        let good = WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret)
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: "v1,AAAA" + good.dropFirst(7),
                                                         body: body, secrets: [secret], now: signedAt)) {
            XCTAssertEqual($0 as? WebhookSignatureError, .noMatchingSignature)
        }
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: good,
                                                         body: Array(#"{"test": 2432232315}"#.utf8), secrets: [secret], now: signedAt))
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: good,
                                                         body: body, secrets: [WebhookSecret.generate()], now: signedAt))
        // The id and the timestamp are signed too.
        XCTAssertThrowsError(try WebhookSignature.verify(id: id + "x", timestamp: String(timestamp), signature: good,
                                                         body: body, secrets: [secret], now: signedAt))
    }

    func testRejectsMissingHeaders() {
        let good = WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret)
        XCTAssertThrowsError(try WebhookSignature.verify(id: nil, timestamp: String(timestamp), signature: good, body: body, secrets: [secret], now: signedAt)) {
            XCTAssertEqual($0 as? WebhookSignatureError, .missingHeader("webhook-id"))
        }
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: nil, signature: good, body: body, secrets: [secret], now: signedAt)) {
            XCTAssertEqual($0 as? WebhookSignatureError, .missingHeader("webhook-timestamp"))
        }
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: nil, body: body, secrets: [secret], now: signedAt)) {
            XCTAssertEqual($0 as? WebhookSignatureError, .missingHeader("webhook-signature"))
        }
    }

    func testRejectsATimestampMoreThanFiveMinutesOffEitherWay() throws {
        let good = WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret)
        // 5 minutes exactly is inside the window; one second more is not.
        XCTAssertNoThrow(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: good, body: body, secrets: [secret], now: signedAt.addingTimeInterval(300)))
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: good, body: body, secrets: [secret], now: signedAt.addingTimeInterval(301))) {
            XCTAssertEqual($0 as? WebhookSignatureError, .timestampOutsideTolerance)
        }
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: good, body: body, secrets: [secret], now: signedAt.addingTimeInterval(-301)))
        XCTAssertThrowsError(try WebhookSignature.verify(id: id, timestamp: "yesterday", signature: good, body: body, secrets: [secret], now: signedAt)) {
            XCTAssertEqual($0 as? WebhookSignatureError, .badTimestamp)
        }
    }

    func testDuringRotationEitherSignatureVerifies() throws {
        // Given a sender that signs with the new and the old secret
        let new = WebhookSecret.generate()
        let headers = WebhookSignature.headers(id: id, timestamp: timestamp, body: body, secrets: [new, secret])
        let signature = headers.first { $0.0 == "webhook-signature" }!.1
        XCTAssertEqual(signature.split(separator: " ").count, 2)
        // Then a receiver that knows only the old one, and one that knows only the new one, both accept
        XCTAssertEqual(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: signature, body: body, secrets: [secret], now: signedAt), secret)
        XCTAssertEqual(try WebhookSignature.verify(id: id, timestamp: String(timestamp), signature: signature, body: body, secrets: [new], now: signedAt), new)
    }

    func testSecretsMustBeWhsecBase64() {
        XCTAssertThrowsError(try WebhookSecret("whsec_not base64!"))
        XCTAssertThrowsError(try WebhookSecret("whsec_c2hvcnQ="))  // 5 bytes: too short
        XCTAssertTrue(WebhookSecret.generate().encoded.hasPrefix("whsec_"))
        XCTAssertEqual("\(secret)", "whsec_…", "a secret never prints itself")
    }
}
