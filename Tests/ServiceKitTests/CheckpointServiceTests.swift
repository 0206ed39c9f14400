import Foundation
import GRDB
import Logging
@testable import ServiceKit
import TestSupport
import XCTest

/// The WAL is copied back into the database file in the background, not on the commit path (the automatic
/// checkpoint is a backstop at 10,000 pages, far above what this test writes), by the writer's count of frames: a few
/// are copied once they are old enough, not before.
final class CheckpointServiceTests: XCTestCase {
    func testTheBackgroundCheckpointCopiesCommittedPagesOnceTheyAreOldEnough() async throws {
        let meter = WALMeter()
        let (folder, path, database) = try freshDatabase(walMeter: meter)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func fileSize() -> Int { CheckpointRestartTests.size(path) }
        // Given 1 MiB committed (about 1,100 frames, fewer than a copy's 2,048): it sits in the WAL, the file stays small
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            for _ in 0..<64 { try db.execute(sql: "INSERT INTO filler (payload) VALUES (zeroblob(16384))") }
        }
        let before = fileSize()
        XCTAssertLessThan(before, 512 * 1024, "the automatic checkpoint should not have run for 1 MiB")
        // When the checkpointer runs with an age of 300 ms
        let service = CheckpointService(path: path, writer: database, meter: meter, logger: Logger(label: "test"),
                                        interval: .milliseconds(20), copyFrames: 2048, maxAge: .milliseconds(300))
        let started = ContinuousClock.now
        let task = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while fileSize() < 1024 * 1024, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let waited = ContinuousClock.now - started
        task.cancel()
        _ = await task.result
        // Then the pages are in the database file, not before their age, and the data reads back whole
        XCTAssertGreaterThanOrEqual(fileSize(), 1024 * 1024, "the WAL was not checkpointed in the background (file \(before) bytes before)")
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(250), "copied after \(waited): before the frames were old enough")
        let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM filler WHERE length(payload) = 16384") }
        XCTAssertEqual(rows, 64)
    }
}

/// Under commits that never pause, the WAL still starts again from its beginning: each background checkpoint past
/// `restartFrames` is followed by a short one on the writer, so the file stays near that size instead of growing to
/// the automatic checkpoint's 10,000 pages (which would run on the commit path).
final class CheckpointRestartTests: XCTestCase {
    /// Copies every 128 frames, and the writer's short checkpoint once the WAL holds 256.
    func testTheWALStaysNearItsRestartSizeUnderAStreamOfCommits() async throws {
        let meter = WALMeter()
        let (folder, path, database) = try freshDatabase(walMeter: meter)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await database.write { db in try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)") }
        let service = CheckpointService(path: path, writer: database, meter: meter, logger: Logger(label: "test"),
                                        interval: .milliseconds(10), restartFrames: 256, copyFrames: 128)
        let task = Task { try await service.run() }
        // 3,000 commits of 8 KiB each, back to back: about 27,000 frames in all, far past the backstop
        var largest = 0
        for index in 0..<3000 {
            try await database.write { db in try db.execute(sql: "INSERT INTO filler (payload) VALUES (zeroblob(8192))") }
            if index % 50 == 0 { largest = max(largest, Self.size(path + "-wal")) }
        }
        largest = max(largest, Self.size(path + "-wal"))
        task.cancel()
        _ = await task.result
        XCTAssertGreaterThan(meter.appendedFrames, 25_000)
        let frame = ServiceDatabase.pageSize + 24
        XCTAssertLessThan(largest / frame, 5000, "the WAL grew to \(largest / frame) frames: it did not restart before the backstop")
        let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM filler WHERE length(payload) = 8192") }
        XCTAssertEqual(rows, 3000)
    }

    static func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
}

/// A service database in a folder of its own under the temporary directory (the caller removes the folder).
/// `walMeter`: the writer's, as `buildApplication` opens it.
func freshDatabase(walMeter: WALMeter) throws -> (folder: String, path: String, database: any DatabaseWriter) {
    let folder = NSTemporaryDirectory() + "checkpoint-\(UUID().uuidString)"
    let path = folder + "/service.sqlite"
    return (folder, path, try ServiceDatabase.open(path: path, module: BareModule(), walMeter: walMeter))
}
