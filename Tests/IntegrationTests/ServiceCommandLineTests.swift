import Foundation
import PlatformClient
import XCTest

/// The services' one configuration path, over the real binaries: a bad setting stops the start with exit 64
/// and a message naming the flag and the variable; a flag wins over the variable.
final class ServiceCommandLineTests: XCTestCase {
    /// A service that starts after all (the check failed) is stopped after 20 s.
    private func run(_ name: String, _ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, output: String) {
        try Process.runToEnd(try Binaries.path(name), arguments, environment: extra, timeout: .seconds(20))
    }

    func testABadSettingStopsTheStartNamingTheFlagAndTheVariable() throws {
        let dataDir = NSTemporaryDirectory() + "cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let overspend = try run("funding", ["serve", "--data-dir", dataDir, "--port", String(freePort())], environment: ["FUNDING_OVERSPEND": "ignore"])
        XCTAssertEqual(overspend.status, 64, overspend.output)
        XCTAssertTrue(overspend.output.contains("--overspend") && overspend.output.contains("FUNDING_OVERSPEND") && overspend.output.contains("refuse, flag"), overspend.output)

        let window = try run("assessment", ["--data-dir", dataDir, "--assessment-window-days", "0"], environment: [:])
        XCTAssertEqual(window.status, 64, window.output)
        XCTAssertTrue(window.output.contains("--assessment-window-days") && window.output.contains("1…365"), window.output)

        let reference = try run("intake", ["serve", "--data-dir", dataDir, "--port", String(freePort())], environment: ["STUDIO_REFERENCE_DATA": "/nonexistent/bodies.json"])
        XCTAssertEqual(reference.status, 64, reference.output)
        XCTAssertTrue(reference.output.contains("STUDIO_REFERENCE_DATA") && reference.output.contains("/nonexistent/bodies.json"), reference.output)

        let port = try run("review", ["--data-dir", dataDir], environment: ["REVIEW_PORT": "eighty"])
        XCTAssertEqual(port.status, 64, port.output)
        XCTAssertTrue(port.output.contains("REVIEW_PORT") && port.output.contains("--port"), port.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir + "/review.sqlite"), "nothing is created before the settings are read")
    }

    func testTheFlagWinsOverTheVariable() throws {
        let dataDir = NSTemporaryDirectory() + "cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let (flagPort, variablePort) = (freePort(), freePort())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path("intake"))
        process.arguments = ["serve", "--data-dir", dataDir, "--port", String(flagPort)]
        var environment = ProcessInfo.processInfo.environment
        environment["INTAKE_PORT"] = String(variablePort)
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let client = PlatformClient()
        var answered = false
        for _ in 0..<100 where !answered {
            if (try? client.call("GET", "http://127.0.0.1:\(flagPort)/health", token: nil))?.status == 200 {
                answered = true
            } else {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        XCTAssertTrue(answered, "intake listens on --port \(flagPort), not on INTAKE_PORT")
    }
}
