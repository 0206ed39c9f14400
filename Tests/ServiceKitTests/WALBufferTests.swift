import CWALBuffer
import Foundation
import GRDB
@testable import ServiceKit
import XCTest

/// The WAL write-combining shim (`Shared/CWALBuffer`): a transaction's frames reach the file as one write, and
/// nothing SQLite reads or publishes is ever still in the buffer.
final class WALBufferTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "wal-buffer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try ServiceDatabase.registerWALBuffer()
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private func counts() -> (flushes: Int64, writes: Int64) {
        var flushes: Int64 = 0
        var writes: Int64 = 0
        studio_wal_buffer_counts(&flushes, &writes)
        return (flushes, writes)
    }

    private func rows(_ count: Int, from start: Int, into db: Database) throws {
        for number in start..<(start + count) {
            try db.execute(sql: "INSERT INTO item (id, payload) VALUES (?, ?)", arguments: [number, String(repeating: "页", count: 300)])
        }
    }

    /// Each commit of many pages is one write of its frames, and another connection reads every row the moment
    /// the commit has returned.
    func testACommitsFramesAreOneWriteAndReadableAtOnceByAnotherConnection() throws {
        let pool = try ServiceDatabase.openPool(path: folder + "/a.sqlite", configuration: Configuration())
        try pool.write { db in try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, payload TEXT NOT NULL); CREATE INDEX item_payload ON item (payload, id)") }
        let before = counts()
        for batch in 0..<50 {
            try pool.write { db in try rows(20, from: batch * 20, into: db) }
            XCTAssertEqual(try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") }, (batch + 1) * 20)
        }
        let after = counts()
        let flushes = after.flushes - before.flushes
        let writes = after.writes - before.writes
        // Other tests may write in parallel; this test's 50 commits of ~30 frames each are ~3,000 of SQLite's writes.
        XCTAssertGreaterThanOrEqual(writes, 50 * 20, "SQLite's writes went through the buffer")
        XCTAssertLessThan(Double(flushes), Double(writes) / 10, "a commit's frames should leave as one write, not two per frame")
        try pool.read { db in XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA integrity_check"), "ok") }
    }

    /// With `synchronous = NORMAL` (GRDB's own default for a pool) a commit does not sync the WAL, so the buffer
    /// must be written out at the commit frame itself, before SQLite publishes it to other connections.
    func testWithoutASyncPerCommitEveryCommitIsStillVisibleToOtherConnections() throws {
        let path = folder + "/b.sqlite"
        let pool = try DatabasePool(path: path)
        XCTAssertEqual(try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }, 1)
        try pool.write { db in try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)") }
        let other = try DatabaseQueue(path: path)
        for batch in 0..<30 {
            try pool.write { db in try rows(10, from: batch * 10, into: db) }
            XCTAssertEqual(try other.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") }, (batch + 1) * 10)
            XCTAssertEqual(try other.read { db in try Int.fetchOne(db, sql: "SELECT MAX(id) FROM item") }, (batch + 1) * 10 - 1)
        }
    }

    /// A transaction larger than SQLite's page cache spills frames before its commit, some rewritten later in the
    /// same transaction; one larger than the buffer's cap writes through. A rolled-back one leaves nothing. The file
    /// is whole afterwards, also as a fresh connection recovers it from the WAL.
    func testSpilledRewrittenOversizedAndRolledBackTransactionsLeaveAWholeFile() throws {
        let path = folder + "/c.sqlite"
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = 50") }
        let pool = try ServiceDatabase.openPool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
            try rows(3000, from: 0, into: db)
            try db.execute(sql: "UPDATE item SET payload = payload || 'x' WHERE id % 3 = 0")
            try db.execute(sql: "CREATE TABLE blob (content BLOB NOT NULL)")
            try db.execute(sql: "INSERT INTO blob (content) VALUES (zeroblob(12 * 1024 * 1024))")
        }
        XCTAssertThrowsError(try pool.write { db in
            try rows(500, from: 10_000, into: db)
            throw DatabaseError(message: "roll back")
        })
        try pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item"), 3000)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item WHERE payload LIKE '%x'"), 1000)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT length(content) FROM blob"), 12 * 1024 * 1024)
        }
        try pool.close()
        let fresh = try DatabaseQueue(path: path)
        try fresh.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA integrity_check"), "ok")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item"), 3000)
        }
    }
}
