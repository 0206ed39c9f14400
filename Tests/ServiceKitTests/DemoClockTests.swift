import Foundation
import ServiceKit
import XCTest

/// The demo clock (demo and test mode only) keeps its offset beside the database, so a restarted
/// service resumes at the business day it had reached instead of falling back to real time.
final class DemoClockTests: XCTestCase {
    func testAMovedClockSurvivesARestartAndNeverMovesBackwards() throws {
        let file = NSTemporaryDirectory() + "demo-clock-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let clock = DemoClock(stateFile: file)
        XCTAssertEqual(clock.now().timeIntervalSinceNow, 0, accuracy: 5)
        try clock.set(Date().addingTimeInterval(400 * 86400))

        let restarted = DemoClock(stateFile: file)
        XCTAssertEqual(restarted.now().timeIntervalSinceNow, 400 * 86400, accuracy: 5)
        XCTAssertThrowsError(try restarted.set(Date().addingTimeInterval(10 * 86400)), "the clock moved backwards")
        XCTAssertEqual(DemoClock(stateFile: file).now().timeIntervalSinceNow, 400 * 86400, accuracy: 5)

        // An in-memory database has no state file; a garbled file reads as no offset.
        XCTAssertNil(DemoClock.stateFile(forDatabase: ":memory:"))
        XCTAssertEqual(DemoClock.stateFile(forDatabase: "/data/review.sqlite"), "/data/review.sqlite.demo-clock")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(DemoClock(stateFile: file).now().timeIntervalSinceNow, 0, accuracy: 5)
    }
}
