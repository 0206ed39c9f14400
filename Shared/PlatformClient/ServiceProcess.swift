import Foundation
import Messaging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Something a local service process did not do: start, become ready, or run an administration command.
public struct ServiceProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The kernel's ephemeral port range (`/proc/sys/net/ipv4/ip_local_port_range`): where it takes the source port
/// of every outgoing connection. A service listening on a port in it can find the port taken when it restarts.
public func ephemeralPortRange() -> ClosedRange<Int> {
    if let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) {
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        if bounds.count == 2, bounds[0] <= bounds[1] { return bounds[0]...bounds[1] }
    }
    return 32768...60999  // Linux's default
}

/// Ports handed out by `freeLocalPort` in this process: never the same one twice.
private let handedOutPorts = Mutex<Set<Int>>([])

/// A port for a test or benchmark service: free right now and outside the kernel's ephemeral range, so no
/// outgoing connection can take it as its source port while the service is down (a restart then fails with
/// "Address already in use"). Chosen at random among 10000–65535, so concurrent runs rarely meet.
public func freeLocalPort() -> Int {
    let ephemeral = ephemeralPortRange()
    let below = 10_000..<max(10_000, ephemeral.lowerBound), above = min(65_536, ephemeral.upperBound + 1)..<65_536
    let count = below.count + above.count
    guard count > 0 else { return kernelChosenPort() }
    let start = Int.random(in: 0..<count)
    for offset in 0..<count {
        let index = (start + offset) % count
        let port = index < below.count ? below.lowerBound + index : above.lowerBound + index - below.count
        let fresh = handedOutPorts.withLock { $0.insert(port).inserted }
        if fresh, canBind(port) { return port }
    }
    return kernelChosenPort()
}

/// Whether a socket can bind 127.0.0.1:`port` now (as a server would; no one listens or holds it).
func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// The old way, when no port outside the ephemeral range is free: bind to 0, read it back, close.
private func kernelChosenPort() -> Int {
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
    /// How long a start waits for `/ready`; nil: 30 s (300 s under a launcher).
    public var readyTimeout: TimeInterval?
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
        do {
            try waitReady(timeout: readyTimeout ?? (launcher.isEmpty ? 30 : 300))
        } catch {
            // Not ready: never leave a half-started process behind to hold the port or the database.
            kill()
            self.process = nil
            throw error
        }
        startupMillis = Date().timeIntervalSince(started) * 1000
    }

    /// Starts the service again and again, as systemd's `Restart=on-failure` would, until it is ready or
    /// `attempts` starts have failed; `failed` hears of each start that did not become ready (it exited, say
    /// because its port was taken, or did not answer `/ready` in time). Returns how many starts failed.
    @discardableResult
    public func restartUntilReady(attempts: Int = 10, pause: TimeInterval = 0.2,
                                  failed: (_ attempt: Int, _ error: any Error) -> Void = { _, _ in }) throws -> Int {
        var failures = 0
        while true {
            do {
                try start()
                return failures
            } catch {
                failures += 1
                failed(failures, error)
                if failures >= attempts {
                    throw ServiceProcessError("\(name) did not come back after \(failures) starts; last: \(error)")
                }
                usleep(useconds_t(pause * 1_000_000))
            }
        }
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
