import Foundation
import GRDB
import Messaging
#if canImport(Glibc)
import Glibc
#endif

/// Figures that the machine's noise cannot move: bytes the WAL grew by, system calls made, for a fixed amount of
/// work. They change only when the code changes (or SQLite's, or the kernel's, behaviour), not with the load of
/// the other engineers' builds.

/// What a fixed number of requests did: how many got the expected status.
struct CountedRun {
    var completed = 0
    var errors = 0
    var firstError: String?
}

extension LoadGenerator {
    /// `total` requests spread over `connections` threads (closed loop, one keep-alive connection each).
    static func runCount(connections: Int, total: Int, expectStatus: Set<Int>,
                         request: @escaping @Sendable (_ thread: Int, _ sequence: Int) -> OutboundRequest) -> CountedRun {
        let result = Locked(CountedRun())
        let group = DispatchGroup()
        for index in 0..<connections {
            let share = total / connections + (index < total % connections ? 1 : 0)
            group.enter()
            let thread = Thread {
                let client = BlockingCurlClient(timeouts: .init(connect: .seconds(2), total: .seconds(120)))
                var mine = CountedRun()
                for sequence in 0..<share {
                    let response = client.send(request(index, sequence))
                    if let status = response.statusCode, expectStatus.contains(status) { mine.completed += 1 } else {
                        mine.errors += 1
                        if mine.firstError == nil { mine.firstError = "\(response.statusCode.map(String.init) ?? "-") \(response.failure?.message ?? response.bodyPrefix)" }
                    }
                }
                result.withLock { all in
                    all.completed += mine.completed
                    all.errors += mine.errors
                    if all.firstError == nil { all.firstError = mine.firstError }
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        return result.withLock { $0 }
    }
}

/// Measures how many bytes a service's WAL grows by while checkpoints are held off: the WAL is truncated
/// (`wal_checkpoint(TRUNCATE)`, the service idle), then this connection opens a read transaction on the empty WAL.
/// A reader of the database file itself holds SQLite's read lock 0, which a checkpoint must take exclusively
/// before it copies any frame back, so no checkpoint (the service's background one, or the automatic one) can
/// run and the WAL cannot restart: every page the service commits is appended, and the file's size at the end
/// is 32 bytes of header + (page size + 24) per frame.
final class WALGrowthMeter {
    let databasePath: String
    private let queue: DatabaseQueue
    private(set) var pageSize = 4096

    init(databasePath: String) throws {
        self.databasePath = databasePath
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: databasePath, configuration: configuration)
    }

    var walPath: String { databasePath + "-wal" }

    func begin() throws {
        try queue.inDatabase { db in
            pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            for _ in 0..<50 {
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                let busy: Int = row?[0] ?? 1
                if busy == 0, fileSize(walPath) == 0 { break }
                usleep(20_000)
            }
            guard fileSize(walPath) == 0 else { throw BenchError("could not truncate \(walPath) (a reader or writer kept it)") }
            try db.execute(sql: "BEGIN DEFERRED")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_schema")
        }
    }

    /// Frames and commits appended since `begin` (a commit frame carries the database size); the read transaction
    /// is released. With `STUDIOBENCH_WAL_COPY=<folder>` the
    /// database and its WAL are copied there first (as `<label>.sqlite` and `<label>.sqlite-wal`; the pinned reader
    /// keeps the database file unchanged), for `deploy/bench/wal_pages.py`, which says which table or index each
    /// appended page belongs to.
    func end(label: String = "wal") throws -> (frames: Int, commits: Int) {
        let size = fileSize(walPath)
        var commits = 0
        if let handle = FileHandle(forReadingAtPath: walPath) {
            defer { try? handle.close() }
            var offset = UInt64(32)
            while offset + UInt64(24 + pageSize) <= UInt64(size) {
                try handle.seek(toOffset: offset + 4)
                let field = handle.readData(ofLength: 4)
                if field.count == 4, field.contains(where: { $0 != 0 }) { commits += 1 }
                offset += UInt64(24 + pageSize)
            }
        }
        if let folder = ProcessInfo.processInfo.environment["STUDIOBENCH_WAL_COPY"] {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let target = (folder as NSString).appendingPathComponent(label + ".sqlite")
            for suffix in ["", "-wal"] {
                try? FileManager.default.removeItem(atPath: target + suffix)
                try FileManager.default.copyItem(atPath: databasePath + suffix, toPath: target + suffix)
            }
        }
        try queue.inDatabase { db in try db.execute(sql: "COMMIT") }
        return (size <= 32 ? 0 : (size - 32) / (pageSize + 24), commits)
    }

    func close() { try? queue.close() }
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// `strace -c -f -p <pid>`: every thread of a running process, counted until `stop()`.
final class SyscallCounter {
    struct Summary {
        var total = 0
        /// Calls per system call name, most first.
        var byName: [(name: String, calls: Int)] = []
        /// Both processes' calls together.
        func adding(_ other: Summary) -> Summary {
            var calls: [String: Int] = [:]
            for (name, count) in byName + other.byName { calls[name, default: 0] += count }
            return Summary(total: total + other.total, byName: calls.map { ($0.key, $0.value) }.sorted { $0.calls > $1.calls })
        }
        func top(_ count: Int, per work: Int) -> String {
            byName.prefix(count).map { "\($0.name) \(String(format: "%.1f", Double($0.calls) / Double(max(work, 1))))" }.joined(separator: ", ")
        }
    }

    private let process = Process()
    private let output: String

    init(pids: [Int32], output: String) throws {
        self.output = output
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["strace", "-c", "-f", "-o", output] + pids.flatMap { ["-p", String($0)] }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // strace reports each attached thread on stderr; wait until it has been quiet for a moment.
        let handle = errors.fileHandleForReading
        let seen = Locked(Date())
        handle.readabilityHandler = { file in
            if !file.availableData.isEmpty { seen.withLock { $0 = Date() } }
        }
        let started = Date()
        while Date().timeIntervalSince(started) < 10 {
            usleep(100_000)
            if Date().timeIntervalSince(seen.withLock { $0 }) > 0.5 && Date().timeIntervalSince(started) > 0.7 { break }
            guard process.isRunning else { throw BenchError("strace exited at once (is ptrace allowed here?)") }
        }
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") }

    func stop() throws -> Summary {
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        var summary = Summary()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, Double(fields[0]) != nil, let calls = Int(fields[3]) else { continue }
            let name = String(fields.last!)
            if name == "total" { summary.total = calls } else { summary.byName.append((name, calls)) }
        }
        summary.byName.sort { $0.calls > $1.calls }
        return summary
    }
}

/// wrk (Debian's package), the field's standard HTTP load generator: an event loop per thread, far cheaper per
/// request than one libcurl thread per connection. A Lua script makes each request; `done` prints one line the
/// benchmark parses.
enum Wrk {
    struct Result {
        var requests = 0
        var non2xx = 0
        var socketErrors = 0
        var seconds = 0.0
        var p50 = Double.nan
        var p99 = Double.nan
        var perSecond: Double { seconds > 0 ? Double(requests - non2xx) / seconds : 0 }
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") }

    static let reportFunction = """
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("WRK %d %d %d %d %.1f %.1f\\n", summary.requests, summary.duration, e.status,
            e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
        end
        """

    /// `wrk -t2 -c<connections> -d<duration>s -s <script> <url>`; the script's `done` must be `reportFunction`.
    static func run(url: String, connections: Int, duration: Double, script: String, folder: String) throws -> Result {
        let path = (folder as NSString).appendingPathComponent("wrk-\(UUID().uuidString.prefix(8)).lua")
        try (script + "\n" + reportFunction + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t2", "-c\(connections)", "-d\(max(1, Int(duration.rounded())))s", "--timeout", "30s", "-s", path, url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("WRK ") }) else { throw BenchError("wrk printed no summary: \(text.prefix(500))") }
        let fields = line.split(separator: " ").dropFirst().map(String.init)
        guard fields.count == 6 else { throw BenchError("wrk summary: \(line)") }
        return Result(requests: Int(fields[0]) ?? 0, non2xx: Int(fields[2]) ?? 0, socketErrors: Int(fields[3]) ?? 0,
                      seconds: (Double(fields[1]) ?? 0) / 1e6, p50: (Double(fields[4]) ?? .nan) / 1000, p99: (Double(fields[5]) ?? .nan) / 1000)
    }

    /// A Lua string literal of `text` (a long bracket that the text does not contain).
    static func luaString(_ text: String) -> String {
        var level = 1
        while text.contains("]" + String(repeating: "=", count: level) + "]") { level += 1 }
        let equals = String(repeating: "=", count: level)
        return "[" + equals + "[" + text + "]" + equals + "]"
    }

    /// Durable submissions: each request with its own number `{N}` in the form, its own `Idempotency-Key`, the
    /// screening-body tokens in turn. `base` keeps the numbers of different runs apart.
    static func submissionScript(template: String, tokens: [String], base: Int) -> String {
        """
        local template = \(luaString(template))
        local tokens = { \(tokens.map { "\"\($0)\"" }.joined(separator: ", ")) }
        next_tid = 0
        function setup(thread) thread:set("tid", next_tid); next_tid = next_tid + 1 end
        local counter = 0
        function request()
          counter = counter + 1
          local n = tostring(\(base) + (tid or 0) * 10000000 + counter)
          local body = template:gsub("{N}", n)
          return wrk.format("POST", "/applications", {
            ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1],
            ["Idempotency-Key"] = "wrk-" .. n,
            ["Content-Type"] = "application/json" }, body)
        end
        """
    }

    static let healthScript = "wrk.method = \"GET\""
}
