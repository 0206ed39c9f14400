import Foundation
import GRDB
import Logging
@testable import ServiceKit
import TestSupport
import XCTest

/// The WAL is copied back into the database file in the background, not on the commit path (the automatic
/// checkpoint is a backstop at 10,000 pages, far above what this test writes).
final class CheckpointServiceTests: XCTestCase {
    func testTheBackgroundCheckpointCopiesCommittedPagesIntoTheDatabaseFile() async throws {
        let folder = NSTemporaryDirectory() + "checkpoint-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/service.sqlite"
        let database = try ServiceDatabase.open(path: path, module: BareModule())
        func fileSize() throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        // Given 1 MiB committed: it sits in the WAL, the database file stays small
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            for _ in 0..<64 { try db.execute(sql: "INSERT INTO filler (payload) VALUES (zeroblob(16384))") }
        }
        let before = try fileSize()
        XCTAssertLessThan(before, 512 * 1024, "the automatic checkpoint should not have run for 1 MiB")
        // When the checkpointer runs for a while
        let service = CheckpointService(path: path, logger: Logger(label: "test"), interval: .milliseconds(20))
        let task = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while try fileSize() < 1024 * 1024, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        _ = await task.result
        // Then the pages are in the database file, and the data reads back whole
        XCTAssertGreaterThanOrEqual(try fileSize(), 1024 * 1024, "the WAL was not checkpointed in the background (file \(before) bytes before)")
        let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM filler WHERE length(payload) = 16384") }
        XCTAssertEqual(rows, 64)
    }
}
