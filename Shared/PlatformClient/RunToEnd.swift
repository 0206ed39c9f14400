import Foundation

extension Process {
    /// Runs the program at `executable` with `arguments` until it exits, for a test or the benchmark: its exit status,
    /// and its standard output and standard error together, in the order written.
    /// - `environment`: added to this process's own.
    /// - `folder`: its working directory (this process's own if nil).
    /// - `timeout`: it is terminated if still running then (a program that should have stopped must not hang the suite).
    public static func runToEnd(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                                in folder: String? = nil, timeout: Duration? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        if let timeout {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { if process.isRunning { process.terminate() } }
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
