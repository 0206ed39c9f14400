import Foundation
import Messaging
import PlatformClient
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

extension ServiceProcess {
    /// A release service binary from `Binaries.folder`, polled every 2 ms for its start-up time, quiet logs;
    /// `STUDIOBENCH_PROFILE=<name> STUDIOBENCH_PROFILE_CMD="perf record -g -o FILE"` runs that service under a profiler.
    convenience init(name: String, dataDir: String, extraArguments: [String] = []) {
        self.init(name: name, binaryFolder: Binaries.folder, dataDir: dataDir, extraArguments: extraArguments)
        logLevel = "warning"
        readyPoll = 0.002
        let environment = ProcessInfo.processInfo.environment
        if environment["STUDIOBENCH_PROFILE"] == name, let command = environment["STUDIOBENCH_PROFILE_CMD"] {
            launcher = command.split(separator: " ").map(String.init)
        }
    }

    var memory: Memory? { pid.flatMap(Memory.of) }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A fresh temporary data folder, removed at the end unless `--keep`.
func makeTemporaryFolder(_ label: String) throws -> String {
    let root = NSTemporaryDirectory() + "studiobench-\(label)-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    return root
}
