import Foundation
import GRDB
import XCTest

/// Backups are as private as the data (the data folder is 0700): every way of taking one, the service's
/// `backup --to FILE`, `studioctl backup --to DIR` and `deploy/platform.sh backup DIR`, writes 0600 files in
/// 0700 folders, and the nightly unit runs with `UMask=0077`.
final class BackupCommandPrivacyTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let services = ["intake", "review", "funding", "assessment"]
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "studio-backup-privacy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    static func mode(_ path: String) throws -> Int {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, path) & 0o777
    }

    /// Runs `executable` with the umask 022 most shells have; returns its exit status and output.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let command = ([executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-c", "umask 022; exec \(command)"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(command): \(output)")
        return (process.terminationStatus, output)
    }

    /// The four databases in the data folder, made by each service's own backup subcommand (which opens, and so
    /// creates, its database); returns where those first copies went.
    func serviceBackups(into folder: String) throws {
        for name in Self.services {
            try run(try Binaries.path(name), ["backup", "--data-dir", root + "/data", "--to", "\(folder)/\(name).sqlite"])
        }
    }

    func testServiceBackupSubcommandWritesPrivateFilesInPrivateFolders() throws {
        try serviceBackups(into: root + "/by-service/20261201")
        for name in Self.services {
            XCTAssertEqual(try Self.mode("\(root)/by-service/20261201/\(name).sqlite"), 0o600, name)
        }
        XCTAssertEqual(try Self.mode(root + "/by-service/20261201"), 0o700)
        XCTAssertEqual(try Self.mode(root + "/by-service"), 0o700)
    }

    func testStudioctlBackupWritesPrivateFilesInAPrivateFolder() throws {
        try serviceBackups(into: root + "/first")
        try run(try Binaries.path("studioctl"), ["backup", "--data-dir", root + "/data", "--to", root + "/studioctl/copies", "--json"])
        XCTAssertEqual(try Self.mode(root + "/studioctl/copies"), 0o700)
        XCTAssertEqual(try Self.mode(root + "/studioctl"), 0o700)
        for name in Self.services {
            let copy = "\(root)/studioctl/copies/\(name).sqlite"
            XCTAssertEqual(try Self.mode(copy), 0o600, name)
            let database = try DatabaseQueue(path: copy, configuration: { var c = Configuration(); c.readonly = true; return c }())
            XCTAssertEqual(try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"], name)
            try database.close()
        }
    }

    func testPlatformScriptBackupWritesPrivateFilesInPrivateFolders() throws {
        let (_, output) = try run(Self.repository.appendingPathComponent("deploy/platform.sh").path, ["backup", root + "/nightly"],
                                  environment: ["STUDIO_DATA_DIR": root + "/data", "STUDIO_BIN_DIR": Binaries.folder.path])
        let stamped = try XCTUnwrap(output.split(separator: "\n").last.map(String.init), output)
        XCTAssertTrue(stamped.hasPrefix(root + "/nightly/"), output)
        XCTAssertEqual(try Self.mode(root + "/nightly"), 0o700)
        XCTAssertEqual(try Self.mode(stamped), 0o700)
        for name in Self.services {
            XCTAssertEqual(try Self.mode("\(stamped)/\(name).sqlite"), 0o600, name)
        }
    }

    func testNightlyBackupUnitWritesWithAPrivateUMask() throws {
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("deploy/systemd/studio-backup.service"), encoding: .utf8)
        let service = unit.components(separatedBy: "[Service]").last ?? ""
        XCTAssertTrue(service.split(separator: "\n").contains("UMask=0077"), unit)
    }
}
