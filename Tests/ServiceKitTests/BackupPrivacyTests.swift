import TestSupport
import Foundation
import GRDB
import Messaging
import ServiceKit
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A backup is as private as the data: the copy 0600, the folders it creates 0700, whatever the umask.
final class BackupPrivacyTests: XCTestCase {
    static func mode(_ path: String) throws -> Int {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, path) & 0o777
    }

    func testServiceBackupIsWrittenPrivateInPrivateFolders() throws {
        // Given a database holding a row and the common umask 022 (which would give 644 files and 755 folders)
        let root = NSTemporaryDirectory() + "backup-privacy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let previous = umask(0o022)
        defer { umask(previous) }
        let database = try ServiceDatabase.open(path: ":memory:", module: BareModule())
        try database.write { db in try db.execute(sql: "INSERT INTO webhook_test_received (webhook_id, source, aggregate, sequence, note, received_at) VALUES ('m', 's', 'a', 1, '13800138000', 0)") }

        // When it is backed up into folders that do not exist yet
        let copy = root + "/nightly/20261201T023000Z/receiver.sqlite"
        try ServiceDatabase.backup(database, to: copy)

        // Then the copy is 0600 and both new folders 0700; the existing folder is left as it was
        XCTAssertEqual(try Self.mode(copy), 0o600)
        XCTAssertEqual(try Self.mode(root + "/nightly/20261201T023000Z"), 0o700)
        XCTAssertEqual(try Self.mode(root + "/nightly"), 0o700)
        XCTAssertEqual(try Self.mode(root), 0o755)
        let restored = try DatabaseQueue(path: copy)
        XCTAssertEqual(try restored.read { db in try String.fetchOne(db, sql: "SELECT note FROM webhook_test_received") }, "13800138000")
        try restored.close()

        // And a second backup over a world-readable older copy replaces it with a private one
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: copy)
        try ServiceDatabase.backup(database, to: copy)
        XCTAssertEqual(try Self.mode(copy), 0o600)
    }
}
