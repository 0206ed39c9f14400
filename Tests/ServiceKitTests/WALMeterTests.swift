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
        let walFrames = CheckpointRestartTests.size(path + "-wal") / (ServiceDatabase.pageSize + 24)
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
        let frames = CheckpointRestartTests.size(path + "-wal") / (ServiceDatabase.pageSize + 24)
        XCTAssertGreaterThan(meter.appendedFrames, 8000)
        XCTAssertLessThan(frames, 600, "the WAL grew to \(frames) frames: the meter's hook dropped the backstop")
        let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM filler WHERE length(payload) = 8192") }
        XCTAssertEqual(rows, 1000)
    }
}

final class CopyScheduleTests: XCTestCase {
    func testACopyIsDueByFramesOrByAgeAndNeverForNothing() {
        let start = ContinuousClock.now
        var schedule = CopySchedule(copyFrames: 100, maxAge: .seconds(1), start: start)
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
