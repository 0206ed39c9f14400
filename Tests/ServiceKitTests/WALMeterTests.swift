import Foundation
import GRDB
import Logging
@testable import ServiceKit
import TestSupport
import XCTest

/// The writer's WAL hook counts the frames its commits append, and keeps the automatic checkpoint's backstop that
/// installing it replaces.
final class WALMeterTests: XCTestCase {
    func testTheMeterCountsTheFramesEachCommitAppends() async throws {
        let meter = WALMeter()
        let (folder, path, database) = try freshDatabase(walMeter: meter)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let afterMigrations = meter.appendedFrames
        XCTAssertGreaterThan(afterMigrations, 0, "the migrations' commits appended frames")
        // Given one commit of 64 KiB of payload (64 pages of 1 KiB and more, in overflow pages)
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            try db.execute(sql: "INSERT INTO filler (payload) VALUES (zeroblob(65536))")
        }
        // Then the meter grew by at least those pages, and by what the WAL file grew in frames
        let added = meter.appendedFrames - afterMigrations
        XCTAssertGreaterThanOrEqual(added, 64)
        let walFrames = Self.size(path + "-wal") / (ServiceDatabase.pageSize + 24)
        XCTAssertEqual(meter.appendedFrames, walFrames, "nothing was checkpointed, so every appended frame is still in the WAL")
    }

    func testAMeteredWriterKeepsTheBackstopAndTheWALRestartsWithoutACheckpointer() async throws {
        // Given a backstop of 500 frames and no background checkpointer at all
        let meter = WALMeter(backstop: 500)
        let (folder, path, database) = try freshDatabase(walMeter: meter)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await database.write { db in try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)") }
        // When 1,000 commits of 8 KiB each append about 9,000 frames
        for _ in 0..<1000 {
            try await database.write { db in try db.execute(sql: "INSERT INTO filler (payload) VALUES (zeroblob(8192))") }
        }
        // Then the writer's own checkpoint at the backstop let the WAL start again: it never held much more than 500
        let frames = Self.size(path + "-wal") / (ServiceDatabase.pageSize + 24)
        XCTAssertGreaterThan(meter.appendedFrames, 8000)
        XCTAssertLessThan(frames, 600, "the WAL grew to \(frames) frames: the meter's hook dropped the backstop")
        let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM filler WHERE length(payload) = 8192") }
        XCTAssertEqual(rows, 1000)
    }

    func testTheCheckpointerCopiesAFewFramesOnceTheyAreOldEnough() async throws {
        let meter = WALMeter()
        let (folder, path, database) = try freshDatabase(walMeter: meter)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func fileSize() -> Int { Self.size(path) }
        // Given 512 KiB committed: far fewer frames than a copy's 2,048
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
            for _ in 0..<32 { try db.execute(sql: "INSERT INTO filler (payload) VALUES (zeroblob(16384))") }
        }
        let before = fileSize()
        XCTAssertLessThan(before, 256 * 1024)
        // When the metered checkpointer runs with an age of 300 ms
        let service = CheckpointService(path: path, writer: database, meter: meter, logger: Logger(label: "test"),
                                        interval: .milliseconds(20), copyFrames: 2048, maxAge: .milliseconds(300))
        let started = ContinuousClock.now
        let task = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while fileSize() < 512 * 1024, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let waited = ContinuousClock.now - started
        task.cancel()
        _ = await task.result
        // Then they were copied, not before their age (the file was small until then)
        XCTAssertGreaterThanOrEqual(fileSize(), 512 * 1024, "the frames were never copied (file \(before) bytes before)")
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(250), "copied after \(waited): before the frames were old enough")
    }

    static func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
}

final class CopyScheduleTests: XCTestCase {
    func testACopyIsDueByFramesOrByAgeAndNeverForNothing() {
        let start = ContinuousClock.now
        var schedule = CopySchedule(copyFrames: 100, maxAge: .seconds(1), start: start)
        XCTAssertTrue(schedule.isDue(appended: nil, now: start), "without a meter every tick copies")
        XCTAssertFalse(schedule.isDue(appended: 0, now: start + .seconds(5)), "nothing appended: nothing to copy, however old")
        XCTAssertFalse(schedule.isDue(appended: 99, now: start + .milliseconds(500)))
        XCTAssertTrue(schedule.isDue(appended: 100, now: start + .milliseconds(500)), "a copy's worth of frames")
        XCTAssertTrue(schedule.isDue(appended: 1, now: start + .seconds(1)), "a few frames, a second old")
        schedule.copied(upTo: 150, at: start + .seconds(2))
        XCTAssertFalse(schedule.isDue(appended: 150, now: start + .seconds(10)), "everything appended was copied")
        XCTAssertFalse(schedule.isDue(appended: 249, now: start + .milliseconds(2500)))
        XCTAssertTrue(schedule.isDue(appended: 250, now: start + .milliseconds(2500)))
        XCTAssertTrue(schedule.isDue(appended: 151, now: start + .seconds(3)))
    }
}
