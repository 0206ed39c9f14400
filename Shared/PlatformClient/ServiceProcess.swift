import Foundation
import Messaging
#if canImport(Glibc)
import Glibc
#endif

/// Something a local service process did not do: start, become ready, or run an administration command.
public struct ServiceProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A port nobody listens on right now (bind to 0, read it back, close).
public func freeLocalPort() -> Int {
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

/// One real service process on this machine: its binary, its port, its data folder and its log file. Used by
/// the integration tests and by the benchmarks, which start, SIGTERM and SIGKILL the four binaries.
/// Blocking: call it from a thread of its own or a synchronous test.
public final class ServiceProcess {
    public let name: String
    public let port: Int
    public let dataDir: String
    public let extraArguments: [String]
    public let logPath: String
    /// The folder holding the service binaries.
    public let binaryFolder: String
    /// `STUDIO_LOG_LEVEL` for the service, unless the environment sets one.
    public var logLevel = "notice"
    /// How often start-up polls `/ready` (start-up times are measured to this resolution).
    public var readyPoll: TimeInterval = 0.05
    /// A command the binary runs under (a profiler), e.g. `["perf", "record", "-g"]`; none by default.
    public var launcher: [String] = []
    public private(set) var process: Process?
    /// Milliseconds from spawn to the first 200 from `/ready`, of the last start.
    public private(set) var startupMillis: Double = 0

    public init(name: String, binaryFolder: String, port: Int = freeLocalPort(), dataDir: String, extraArguments: [String] = []) {
        self.name = name
        self.binaryFolder = binaryFolder
        self.port = port
        self.dataDir = dataDir
        self.extraArguments = extraArguments
        logPath = (dataDir as NSString).appendingPathComponent("\(name).log")
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var databasePath: String { (dataDir as NSString).appendingPathComponent("\(name).sqlite") }
    public var pid: Int32? { process?.processIdentifier }

    public var binaryPath: String {
        get throws {
            let path = (binaryFolder as NSString).appendingPathComponent(name)
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw ServiceProcessError("no executable \(path): build first (deploy/test.sh and deploy/bench.sh do)")
            }
            return path
        }
    }

    /// Runs a local administration subcommand (token, subscription, inbound-secret, backup, audit) and returns its output.
    @discardableResult
    public func admin(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binaryPath)
        process.arguments = arguments + ["--data-dir", dataDir]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServiceProcessError("\(name) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts `serve` with its output appended to the log file, and waits until `/ready` answers 200.
    public func start() throws {
        let process = Process()
        let arguments = ["serve", "--data-dir", dataDir, "--port", String(port)] + extraArguments
        if launcher.isEmpty {
            process.executableURL = URL(fileURLWithPath: try binaryPath)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = launcher + [try binaryPath] + arguments
        }
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        var environment = ProcessInfo.processInfo.environment
        environment["STUDIO_LOG_LEVEL"] = environment["STUDIO_LOG_LEVEL"] ?? logLevel
        process.environment = environment
        let started = Date()
        try process.run()
        self.process = process
        try waitReady(timeout: launcher.isEmpty ? 30 : 300)
        startupMillis = Date().timeIntervalSince(started) * 1000
    }

    public func waitReady(timeout: TimeInterval = 30) throws {
        let client = BlockingCurlClient(timeouts: .init(connect: .milliseconds(200), total: .seconds(2)))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if client.send(OutboundRequest(method: "GET", url: baseURL + "/ready", headers: [], body: [])).statusCode == 200 { return }
            if let process, !process.isRunning { throw ServiceProcessError("\(name) exited during start-up; see \(logPath)") }
            usleep(useconds_t(readyPoll * 1_000_000))
        }
        throw ServiceProcessError("\(name) not ready after \(timeout) s; see \(logPath)")
    }

    /// SIGTERM, and wait for a clean exit; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        guard let process, process.isRunning else { return 0 }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    /// SIGKILL: no chance to finish anything.
    public func kill() {
        guard let process, process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}

extension ServiceProcess {
    /// Wires this service to send `events` to `receiver`, as the launcher wires the platform: a subscription here
    /// and the same fresh secret as an inbound secret there (admin commands, before or while they run).
    public func subscribe(_ receiver: ServiceProcess, events: String = "webhook.test") throws {
        let secret = WebhookSecret.generate().encoded
        try admin(["subscription", "add", "--name", receiver.name, "--url", receiver.baseURL + "/events", "--events", events, "--secret", secret])
        try receiver.admin(["inbound-secret", "add", "--source", name, "--secret", secret])
    }

    /// A new operator token of this service.
    public func operatorToken(label: String) throws -> String {
        try admin(["token", "issue", "--role", "operator", "--label", label])
    }
}
