import Foundation
import PlatformClient
import Messaging
import XCTest

/// MESSAGING.md §5: the reference library `standardwebhooks` (PyPI) verifies what we sign, and we
/// accept what it signs; tampered, stale and unsigned requests get 401.
final class SignatureInteropTests: XCTestCase {
    static var peerScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/standard_webhooks_peer.py").path
    }

    func python(_ arguments: [String], wait: Bool = true) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.peerScript] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        guard wait else { return (process, "") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process, String(decoding: output, as: UTF8.self))
    }

    func requireReferenceLibrary() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import standardwebhooks"]
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw HarnessError("the reference library is missing: `pip install standardwebhooks` (deploy/test.sh installs it)")
        }
    }

    func testTheReferenceLibraryVerifiesWhatWeSend() throws {
        try requireReferenceLibrary()
        // Given a reference receiver subscribed to a live service
        let pair = try WiredPair()
        defer { pair.cleanUp() }
        let port = freePort()
        let secret = WebhookSecret.generate().encoded
        let log = pair.root + "/reference-receiver.jsonl"
        let (peer, _) = try python(["serve", "--port", String(port), "--secret", secret, "--log", log], wait: false)
        defer { peer.terminate() }
        try pair.sender.start()
        let created = try pair.senderAPI.call("POST", "/ops/subscriptions", json: [
            "name": "reference", "url": "http://127.0.0.1:\(port)/hook", "eventTypes": ["webhook.test"], "secret": secret,
        ])
        XCTAssertEqual(created.status, 201)

        // When the service emits five events (and rotates the secret halfway: both signatures are sent)
        XCTAssertEqual(try pair.senderAPI.call("POST", "/ops/test-events", json: ["count": 3]).status, 201)
        let deadline = Date().addingTimeInterval(30)
        func verifiedLines() -> [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        while verifiedLines().count < 3, Date() < deadline { usleep(100_000) }
        let rotated = try pair.senderAPI.call("POST", "/ops/subscriptions/reference/rotate-secret", json: ["graceSeconds": 3600])
        XCTAssertEqual(rotated.status, 200)
        XCTAssertEqual(try pair.senderAPI.call("POST", "/ops/test-events", json: ["count": 2]).status, 201)
        while verifiedLines().count < 5, Date() < deadline { usleep(100_000) }

        // Then the reference library verified every one of them
        let lines = verifiedLines()
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines.allSatisfy { $0["verified"] as? Bool == true }, "\(lines)")
        let queue = try pair.senderAPI.call("GET", "/ops/queue").object["subscriptions"] as? [[String: Any]] ?? []
        let reference = try XCTUnwrap(queue.first { $0["name"] as? String == "reference" })
        XCTAssertEqual(reference["ready"] as? Int, 0)
        XCTAssertEqual(reference["queued"] as? Int, 0)
    }

    func testWeAcceptWhatTheReferenceLibrarySignsAndRejectTheRest() throws {
        try requireReferenceLibrary()
        let pair = try WiredPair()
        defer { pair.cleanUp() }
        let secret = WebhookSecret.generate().encoded
        try pair.receiver.admin(["inbound-secret", "add", "--source", "interop", "--secret", secret])
        try pair.receiver.start()
        let (process, output) = try python(["send", "--url", pair.receiver.baseURL + "/events", "--secret", secret, "--source", "interop"])
        XCTAssertEqual(process.terminationStatus, 0)
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Int], output)
        XCTAssertEqual(results["good"], 200)
        XCTAssertEqual(results["redelivered"], 200, "a redelivery is acknowledged")
        XCTAssertEqual(results["tampered"], 401)
        XCTAssertEqual(results["stale"], 401)
        XCTAssertEqual(results["unsigned"], 401)
        XCTAssertEqual(try pair.received().count, 1, "applied once")
    }
}
