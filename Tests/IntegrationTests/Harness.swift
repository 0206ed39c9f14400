import Foundation
import Messaging
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

/// A port nobody listens on right now (bind to 0, read it back, close).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, length) }
    }
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// One real service process: its binary, its port, its data folder and its log file.
final class ServiceProcess {
    let name: String
    let port: Int
    let dataDir: String
    let extraArguments: [String]
    private(set) var process: Process?
    let logPath: String

    init(name: String, port: Int = freePort(), dataDir: String, extraArguments: [String] = []) {
        self.name = name
        self.port = port
        self.dataDir = dataDir
        self.extraArguments = extraArguments
        logPath = (dataDir as NSString).appendingPathComponent("\(name).log")
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs a local administration subcommand (token, subscription, inbound-secret) and returns its output.
    @discardableResult
    func admin(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path(name))
        process.arguments = arguments + ["--data-dir", dataDir]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("\(name) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path(name))
        process.arguments = ["serve", "--data-dir", dataDir, "--port", String(port)] + extraArguments
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        var environment = ProcessInfo.processInfo.environment
        environment["STUDIO_LOG_LEVEL"] = environment["STUDIO_LOG_LEVEL"] ?? "notice"
        process.environment = environment
        try process.run()
        self.process = process
        try waitReady()
    }

    func waitReady(timeout: TimeInterval = 30) throws {
        let client = BlockingCurlClient(timeouts: .init(connect: .milliseconds(200), total: .seconds(2)))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if client.send(OutboundRequest(method: "GET", url: baseURL + "/ready", headers: [], body: [])).statusCode == 200 { return }
            if let process, !process.isRunning { throw HarnessError("\(name) exited during start-up; see \(logPath)") }
            usleep(50_000)
        }
        throw HarnessError("\(name) not ready after \(timeout) s; see \(logPath)")
    }

    /// SIGTERM, and wait for a clean exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process, process.isRunning else { return 0 }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    /// SIGKILL: no chance to finish anything.
    func kill() {
        guard let process, process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}

/// A JSON-over-HTTP client on libcurl with a bearer token.
final class APIClient {
    let baseURL: String
    let token: String?
    private let client = BlockingCurlClient()

    init(baseURL: String, token: String?) {
        self.baseURL = baseURL
        self.token = token
    }

    struct Reply {
        var status: Int
        var body: [UInt8]
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    }

    func call(_ method: String, _ path: String, json: Any? = nil) throws -> Reply {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }.map(Array.init) ?? []
        let response = client.send(OutboundRequest(method: method, url: baseURL + path, headers: headers, body: body, responseLimit: 64 << 20))
        guard let status = response.statusCode else { throw HarnessError("\(method) \(path): \(response.failure?.message ?? "no answer")") }
        return Reply(status: status, body: response.body)
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
        let secret = WebhookSecret.generate().encoded
        try sender.admin(["subscription", "add", "--name", receiverName, "--url", receiver.baseURL + "/events", "--events", "webhook.test", "--secret", secret])
        try receiver.admin(["inbound-secret", "add", "--source", senderName, "--secret", secret])
        senderAPI = APIClient(baseURL: sender.baseURL, token: try sender.admin(["token", "issue", "--role", "operator", "--label", "integration-test"]))
        receiverAPI = APIClient(baseURL: receiver.baseURL, token: try receiver.admin(["token", "issue", "--role", "operator", "--label", "integration-test"]))
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
