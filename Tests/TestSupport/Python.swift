import Foundation

/// Runs a Python script (`python3 -c`) with arguments, for tests that need a file written or read by another
/// program than ours (openpyxl for `.xlsx`). Fails with the script's stderr when it exits non-zero.
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    @discardableResult
    public static func run(_ script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 exited \(process.terminationStatus): \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// openpyxl is installed by deploy/test.sh and .ci/run; a clear failure when it is not.
    public static func requireOpenpyxl() throws {
        do { try run("import openpyxl") } catch {
            throw Failure(description: "openpyxl is missing: `pip install openpyxl` (deploy/test.sh installs it)")
        }
    }

    /// A fresh temporary path ending in `name`.
    public static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString)-\(name)").path
    }
}
