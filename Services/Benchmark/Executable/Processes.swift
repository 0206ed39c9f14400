import Foundation
import Messaging
#if canImport(Glibc)
import Glibc
#endif

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where the release service binaries are: beside this executable, or `--bin-dir`.
enum Binaries {
    nonisolated(unsafe) static var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path

    static func path(_ name: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: path) else { throw BenchError("no executable \(path): build release first (deploy/bench.sh does)") }
        return path
    }
}

/// A port nobody listens on right now.
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

/// Resident memory of a process from /proc/<pid>/status, in KiB.
struct Memory {
    var rssKiB: Int
    var hwmKiB: Int
    var rssMB: Double { Double(rssKiB) / 1024 }
    var hwmMB: Double { Double(hwmKiB) / 1024 }

    static func of(pid: Int32) -> Memory? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var rss = 0, hwm = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            if parts[0] == "VmRSS:" { rss = value }
            if parts[0] == "VmHWM:" { hwm = value }
        }
        return Memory(rssKiB: rss, hwmKiB: hwm)
    }
}

/// CPU seconds (user + system) a process has used, from /proc/<pid>/stat.
func cpuSeconds(pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return .nan }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// One real service process (release binary) on a port of its own, with its data folder and log.
final class ServiceProcess {
    let name: String
    let port: Int
    let dataDir: String
    let extraArguments: [String]
    private(set) var process: Process?
    let logPath: String
    /// Milliseconds from spawn to the first 200 from /ready, of the last start.
    private(set) var startupMillis: Double = 0

    init(name: String, dataDir: String, extraArguments: [String] = []) {
        self.name = name
        self.port = freePort()
        self.dataDir = dataDir
        self.extraArguments = extraArguments
        logPath = (dataDir as NSString).appendingPathComponent("\(name).log")
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var databasePath: String { (dataDir as NSString).appendingPathComponent("\(name).sqlite") }
    var pid: Int32? { process?.processIdentifier }
    var memory: Memory? { pid.flatMap(Memory.of) }

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
        guard process.terminationStatus == 0 else { throw BenchError("\(name) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func start() throws {
        let process = Process()
        let arguments = ["serve", "--data-dir", dataDir, "--port", String(port)] + extraArguments
        // Profiling: STUDIOBENCH_PROFILE=intake STUDIOBENCH_PROFILE_CMD="valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p"
        let environmentNow = ProcessInfo.processInfo.environment
        let wrapper = environmentNow["STUDIOBENCH_PROFILE"] == name ? environmentNow["STUDIOBENCH_PROFILE_CMD"].map { $0.split(separator: " ").map(String.init) } : nil
        if let wrapper, !wrapper.isEmpty {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = wrapper + [try Binaries.path(name)] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: try Binaries.path(name))
            process.arguments = arguments
        }
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        var environment = ProcessInfo.processInfo.environment
        environment["STUDIO_LOG_LEVEL"] = "warning"
        process.environment = environment
        let started = ContinuousClock.now
        try process.run()
        self.process = process
        try waitReady(timeout: wrapper == nil ? 30 : 300)
        startupMillis = (ContinuousClock.now - started).seconds * 1000
    }

    func waitReady(timeout: TimeInterval = 30) throws {
        let client = BlockingCurlClient(timeouts: .init(connect: .milliseconds(200), total: .seconds(2)))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if client.send(OutboundRequest(method: "GET", url: baseURL + "/ready", headers: [], body: [])).statusCode == 200 { return }
            if let process, !process.isRunning { throw BenchError("\(name) exited during start-up; see \(logPath)") }
            usleep(2_000)
        }
        throw BenchError("\(name) not ready after \(timeout) s; see \(logPath)")
    }

    /// SIGTERM and wait.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGKILL: the consumer "goes down" without finishing anything.
    func kill() {
        guard let process, process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A JSON-over-HTTP client on libcurl with a bearer token (one keep-alive handle).
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
        var text: String { String(decoding: body, as: UTF8.self) }
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    func call(_ method: String, _ path: String, json: Any? = nil, headers extra: [(String, String)] = []) throws -> Reply {
        var headers: [(String, String)] = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }.map(Array.init) ?? []
        let response = client.send(OutboundRequest(method: method, url: baseURL + path, headers: headers, body: body, responseLimit: 64 << 20))
        guard let status = response.statusCode else { throw BenchError("\(method) \(path): \(response.failure?.message ?? "no answer")") }
        return Reply(status: status, body: response.body)
    }

    func expect(_ status: Int, _ method: String, _ path: String, json: Any? = nil, headers: [(String, String)] = []) throws -> Reply {
        let reply = try call(method, path, json: json, headers: headers)
        guard reply.status == status else { throw BenchError("\(method) \(path): expected \(status), got \(reply.status): \(reply.text.prefix(600))") }
        return reply
    }
}

/// A fresh temporary data folder, removed at the end unless `--keep`.
func makeTemporaryFolder(_ label: String) throws -> String {
    let root = NSTemporaryDirectory() + "studiobench-\(label)-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    return root
}
