import Foundation
import GRDB
@testable import ServiceKit
import TestSupport
import XCTest

/// How the kit opens a service's file. GRDB's `DatabasePool` turns WAL on after the configuration's
/// `prepareDatabase` has run, and sets `synchronous = NORMAL` as it does so; these tests hold what the writer
/// really runs with, not what the configuration asked for.
final class ServiceDatabaseTests: XCTestCase {
    private func withFile(_ body: (String) throws -> Void) throws {
        let folder = NSTemporaryDirectory() + "service-database-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder + "/service.sqlite")
    }

    /// `synchronous = FULL` on the writer: a commit (and so a 2xx) waits for the WAL's fsync.
    func testTheWriterSyncsEveryCommit() throws {
        try withFile { path in
            let database = try ServiceDatabase.open(path: path, module: BareModule())
            let level = try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            XCTAssertEqual(level, 2, "PRAGMA synchronous on the writer (0 OFF, 1 NORMAL, 2 FULL)")
            XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }, "wal")
        }
    }

    func testANewFileIsWrittenInTheKitsPageSize() throws {
        try withFile { path in
            let database = try ServiceDatabase.open(path: path, module: BareModule())
            XCTAssertEqual(try database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }, ServiceDatabase.pageSize)
        }
    }

    /// A file written before the page size changed (SQLite's default 4,096, WAL) is rebuilt into the kit's page
    /// size when the service opens it, every row kept, and is in WAL mode again afterwards.
    func testAnExistingFileInAnotherPageSizeIsRebuiltWithItsRows() throws {
        try withFile { path in
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do {
                let old = try DatabasePool(path: path)
                try old.write { db in
                    XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA page_size"), 4096)
                    try db.execute(sql: "CREATE TABLE kept (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
                    for number in 0..<500 { try db.execute(sql: "INSERT INTO kept (payload) VALUES (?)", arguments: [String(repeating: "工", count: number)]) }
                }
                try old.close()
            }
            let database = try ServiceDatabase.open(path: path, module: BareModule())
            try database.read { db in
                XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA page_size"), ServiceDatabase.pageSize)
                XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM kept"), 500)
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(length(payload)) FROM kept"), 499 * 500 / 2)
                XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA integrity_check"), "ok")
            }
            XCTAssertEqual(try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }, 2)
        }
    }
}
