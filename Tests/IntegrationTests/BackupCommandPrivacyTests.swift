import Foundation
import GRDB
import Messaging
import PlatformClient
import ServiceKit
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
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], expecting status: Int32 = 0) throws -> (Int32, String) {
        let command = ([executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = try Process.runToEnd("/bin/sh", ["-c", "umask 022; exec \(command)"], environment: environment)
        XCTAssertEqual(result.status, status, "\(command): \(result.output)")
        return result
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

    /// The audit chain's head goes beside every backup (0600), and a database rewritten since, even with a chain
    /// that verifies on its own, is shown by checking it against that head.
    func testTheAuditHeadIsExportedBesideTheBackupsAndARewrittenChainShowsAgainstIt() throws {
        try serviceBackups(into: root + "/first")
        // Some decisions in review's chain, as the service writes them
        let data = root + "/data/review.sqlite"
        func append(_ count: Int, amount: Int, to database: DatabaseQueue) throws {
            try database.write { db in
                for index in 1...count {
                    try AuditLog.append(actorRole: "department", actorSubject: "tok_1", action: "decision", subject: "round:r\(index)",
                                        details: ["points": amount], at: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)), in: db)
                }
            }
        }
        var database = try DatabaseQueue(path: data)
        try append(3, amount: 90, to: database)
        try database.close()
        // The nightly backup writes each service's head beside its copy
        let (_, output) = try run(Self.repository.appendingPathComponent("deploy/platform.sh").path, ["backup", root + "/nightly"],
                                  environment: ["STUDIO_DATA_DIR": root + "/data", "STUDIO_BIN_DIR": Binaries.folder.path])
        let stamped = try XCTUnwrap(output.split(separator: "\n").last.map(String.init), output)
        for name in Self.services {
            XCTAssertEqual(try Self.mode("\(stamped)/\(name).audit-head.json"), 0o600, name)
        }
        let headFile = "\(stamped)/review.audit-head.json"
        let head = try AuditChainHead.load(from: headFile)
        XCTAssertEqual(head.service, "review")
        XCTAssertEqual(head.entries, 3)
        XCTAssertEqual(head.lastHash?.count, 64)
        // studioctl's backup writes them too
        try run(try Binaries.path("studioctl"), ["backup", "--data-dir", root + "/data", "--to", root + "/studioctl", "--json"])
        let byStudioctl = try AuditChainHead.load(from: root + "/studioctl/review.audit-head.json")
        XCTAssertEqual(byStudioctl.entries, 3)
        XCTAssertEqual(byStudioctl.lastHash, head.lastHash)
        XCTAssertEqual(try Self.mode(root + "/studioctl/review.audit-head.json"), 0o600)

        // Later decisions extend the head: both checks pass
        database = try DatabaseQueue(path: data)
        try append(2, amount: 80, to: database)
        try database.close()
        let review = try Binaries.path("review"), studioctl = try Binaries.path("studioctl")
        let (_, intact) = try run(review, ["audit", "verify", "--against", headFile, "--data-dir", root + "/data"])
        XCTAssertTrue(intact.contains("intact, 5 entries") && intact.contains("extends the head of 3"), intact)
        try run(studioctl, ["audit", "verify", "--against", headFile, "--data-dir", root + "/data"])

        // Someone with the file rewrites history and re-hashes a consistent chain, one entry longer
        database = try DatabaseQueue(path: data)
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log")
        }
        try append(6, amount: 100, to: database)
        XCTAssertTrue(try database.read { db in try AuditLog.verify(in: db) }.intact, "the forged chain verifies on its own")
        try database.close()
        let (_, refused) = try run(review, ["audit", "verify", "--against", headFile, "--data-dir", root + "/data"], expecting: 1)
        XCTAssertTrue(refused.contains("does NOT extend the exported head") && refused.contains("rewritten"), refused)
        let (_, refusedByStudioctl) = try run(studioctl, ["audit", "verify", "--against", headFile, "--data-dir", root + "/data"], expecting: 1)
        XCTAssertTrue(refusedByStudioctl.contains("rewritten"), refusedByStudioctl)
    }

    func testNightlyBackupUnitWritesWithAPrivateUMask() throws {
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("deploy/systemd/studio-backup.service"), encoding: .utf8)
        let service = unit.components(separatedBy: "[Service]").last ?? ""
        XCTAssertTrue(service.split(separator: "\n").contains("UMask=0077"), unit)
    }
}
