import Foundation
import Messaging
import PlatformClient
#if canImport(Glibc)
import Glibc
#endif

/// Where the service binaries are: `STUDIO_BIN_DIR`, or the folder of this test bundle (SwiftPM puts
/// the executables beside it).
enum Binaries {
    static var folder: URL {
        if let explicit = ProcessInfo.processInfo.environment["STUDIO_BIN_DIR"] { return URL(fileURLWithPath: explicit) }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test runner is `<build>/debug/<Package>PackageTests.xctest`.
        if url.lastPathComponent.hasSuffix(".xctest") { url = url.deletingLastPathComponent() }
        return url
    }

    static func path(_ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("no executable \(path): run `swift build` first (the README's test command does)")
        }
        return path
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A port nobody listens on right now.
func freePort() -> Int { freeLocalPort() }

extension ServiceProcess {
    /// A service binary from `Binaries.folder` (the one shared class drives the tests' and the benchmarks' processes).
    convenience init(name: String, port: Int = freePort(), dataDir: String, extraArguments: [String] = []) {
        self.init(name: name, binaryFolder: Binaries.folder.path, port: port, dataDir: dataDir, extraArguments: extraArguments)
    }
}

/// Two services wired as sender → receiver for `webhook.test` events, as the launcher wires the platform.
struct WiredPair {
    let root: String
    let sender: ServiceProcess
    let receiver: ServiceProcess
    let senderAPI: APIClient
    let receiverAPI: APIClient

    /// A schedule that keeps retrying for about two minutes, so a restart in a test never dead-letters.
    static let testRetrySchedule = (["0", "100ms", "200ms", "500ms"] + Array(repeating: "1s", count: 120)).joined(separator: ",")

    init(senderName: String = "intake", receiverName: String = "review") throws {
        root = NSTemporaryDirectory() + "studio-it-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let arguments = ["--retry-schedule", Self.testRetrySchedule]
        sender = ServiceProcess(name: senderName, dataDir: root, extraArguments: arguments)
        receiver = ServiceProcess(name: receiverName, dataDir: root, extraArguments: arguments)
        try sender.subscribe(receiver)
        senderAPI = APIClient(baseURL: sender.baseURL, token: try sender.operatorToken(label: "integration-test"))
        receiverAPI = APIClient(baseURL: receiver.baseURL, token: try receiver.operatorToken(label: "integration-test"))
    }

    /// Commits `perAggregate` events for each of `aggregates` aggregates, interleaved, one transaction each.
    func commitEvents(aggregates: Int, perAggregate: Int) throws {
        for round in 1...perAggregate {
            for aggregate in 1...aggregates {
                let reply = try senderAPI.call("POST", "/ops/test-events", json: ["aggregate": "test:agg-\(aggregate)", "count": 1, "note": "\(aggregate)-\(round)"])
                guard reply.status == 201 else { throw HarnessError("test event refused: \(reply.status) \(String(decoding: reply.body, as: UTF8.self))") }
            }
        }
    }

    func received() throws -> [[String: Any]] {
        try receiverAPI.call("GET", "/ops/test-events/received?limit=100000").items
    }

    /// Polls the receiver until it holds `count` events (or the timeout), then gives stragglers a moment.
    func waitForReceived(_ count: Int, timeout: TimeInterval) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try received().count >= count { break }
            usleep(100_000)
        }
        usleep(500_000)  // anything applied twice would show up now
        return try received()
    }

    func cleanUp() {
        sender.kill()
        receiver.kill()
        try? FileManager.default.removeItem(atPath: root)
    }
}
