import Foundation
import GRDB
import PlatformClient
import StudioDomain
import XCTest

/// The four real binaries play a naming year at scale while a killer thread SIGKILLs a random service every
/// few seconds and restarts it on the same port and data folder. Afterwards, with the queues drained: no event
/// lost, none applied twice, no dead letter, no gap in any aggregate's inbox sequence, and the four databases
/// agree (the end-to-end test's invariants).
///
/// Bounded in the suite (200 applications, a kill every ~1 s, every service in turn in a random order); `deploy/crash-test.sh` runs the full mode:
/// `STUDIO_CRASH_APPLICATIONS` (default 200), `STUDIO_CRASH_KILL_INTERVAL` seconds (default 1),
/// `STUDIO_CRASH_SEED` for the killer's choices.
final class CrashTests: XCTestCase {
    /// Kills and restarts services on a thread of its own until stopped. A restart that does not become ready
    /// (the service exited, or did not answer `/ready` in time) is noticed, counted and started again, as
    /// systemd's `Restart=on-failure` would; a service that does not come back at all fails the test.
    final class Killer: @unchecked Sendable {
        let platform: LivePlatform
        let interval: TimeInterval
        private let lock = NSLock()
        private var stopped = false
        private var kills: [String: Int] = [:]
        /// Starts after a kill that did not become ready (and were retried).
        private var failures: [String] = []
        /// Services that did not come back even after the retries.
        private var unrecovered: [String] = []
        private var generator: SplitMix64
        private let done = DispatchSemaphore(value: 0)

        init(platform: LivePlatform, interval: TimeInterval, seed: UInt64) {
            self.platform = platform
            self.interval = interval
            generator = SplitMix64(seed: seed)
        }

        func start() {
            let thread = Thread { [self] in
                var order: [String] = []
                while !lock.withLock({ stopped }) {
                    // ±50 % around the interval, in small slices so a stop is quick.
                    let pause = interval * Double.random(in: 0.5...1.5, using: &generator)
                    let until = Date().addingTimeInterval(pause)
                    while Date() < until && !lock.withLock({ stopped }) { usleep(50_000) }
                    if lock.withLock({ stopped }) { break }
                    // Every service once per round of four kills, in a random order: none is spared by chance.
                    if order.isEmpty { order = LivePlatform.services.shuffled(using: &generator) }
                    let name = order.removeLast()
                    let process = platform.processes[name]!
                    process.kill()
                    lock.withLock { kills[name, default: 0] += 1 }
                    do {
                        try process.restartUntilReady(attempts: 10, pause: 0.2) { attempt, error in
                            self.lock.withLock { self.failures.append("\(name) (start \(attempt)): \(error)") }
                        }
                    } catch {
                        lock.withLock { unrecovered.append("\(error)") }
                    }
                }
                done.signal()
            }
            thread.start()
        }

        /// Stops killing; returns the kills per service, the restarts that failed and were retried, and the
        /// services that never came back.
        func stop() -> (kills: [String: Int], failures: [String], unrecovered: [String]) {
            lock.withLock { stopped = true }
            done.wait()
            return lock.withLock { (kills, failures, unrecovered) }
        }
    }

    func testNamingYearAtScaleSurvivesRandomKills() throws {
        let environment = ProcessInfo.processInfo.environment
        let applications = environment["STUDIO_CRASH_APPLICATIONS"].flatMap(Int.init) ?? 200
        let interval = environment["STUDIO_CRASH_KILL_INTERVAL"].flatMap(Double.init) ?? 1
        let seed = environment["STUDIO_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970)
        let started = Date()
        let live = try LivePlatform(prefix: "studio-crash-")
        // A restart waits at most 10 s for /ready before it counts as failed and is started again.
        for process in live.processes.values { process.readyTimeout = 10 }
        var passed = false
        defer {
            live.stop()
            if passed && environment["STUDIO_KEEP_TEST_DATA"] == nil { live.remove() } else { print("crash test data and logs kept in \(live.root)") }
        }
        try live.start()

        // The scenario plays while the killer works.
        let killer = Killer(platform: live, interval: interval, seed: seed)
        killer.start()
        let scenario = ScaleScenario(platform: live.platform, options: .init(applications: applications, timeout: 180), log: { print("  \($0)") })
        let summary: ScaleScenario.Summary
        do {
            summary = try scenario.run()
        } catch {
            let (kills, failures, unrecovered) = killer.stop()
            XCTFail("scenario failed after kills \(kills) (restart failures \(failures), not back \(unrecovered)): \(error)")
            return
        }
        let (kills, restartFailures, unrecovered) = killer.stop()
        XCTAssertEqual(unrecovered, [], "a killed service did not come back")
        for failure in restartFailures { print("  restart failed and retried: \(failure)") }

        // Everything delivered, nothing dead.
        try live.drain(timeout: 120)
        live.stop()

        var databases: [String: DatabaseQueue] = [:]
        for name in LivePlatform.services { databases[name] = try PlatformChecks.open(live.databasePath(name)) }
        let tally = try PlatformChecks.messaging(databases: databases, ports: live.processes.mapValues(\.port))
        XCTAssertEqual(tally.lost, 0, "events lost: \(tally.problems)")
        XCTAssertEqual(tally.duplicated, 0, "events applied twice: \(tally.problems)")
        XCTAssertEqual(tally.dead, 0, "dead letters")
        XCTAssertEqual(tally.problems, [], "messaging")
        XCTAssertGreaterThan(tally.delivered, applications, "events flowed")
        let problems = try PlatformChecks.crossService(intake: databases["intake"]!, review: databases["review"]!,
                                                       funding: databases["funding"]!, assessment: databases["assessment"]!)
        XCTAssertEqual(problems, [], "cross-service invariants")
        XCTAssertEqual(summary.applications.count, applications)
        let stored = try databases["intake"]!.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application") ?? 0 }
        XCTAssertEqual(stored, applications, "a retried submission was stored twice (or one was lost)")
        XCTAssertEqual(summary.grants.count, summary.named.count)

        // The checker is not blind: on a copy where review's inbox lost one applied event from intake, it says so.
        let control = live.root + "/control"
        try FileManager.default.createDirectory(atPath: control, withIntermediateDirectories: true)
        var copies: [String: DatabaseQueue] = [:]
        for name in LivePlatform.services {
            let copy = try DatabaseQueue(path: live.databasePath(name, in: control))
            try databases[name]!.backup(to: copy)
            copies[name] = copy
        }
        try copies["review"]!.write { db in
            try db.execute(sql: "DELETE FROM inbox_message WHERE webhook_id = (SELECT webhook_id FROM inbox_message WHERE source = 'intake' ORDER BY received_at DESC LIMIT 1)")
        }
        let broken = try PlatformChecks.messaging(databases: copies, ports: live.processes.mapValues(\.port))
        XCTAssertEqual(broken.lost, 1, "the checker missed an event removed from an inbox")
        XCTAssertFalse(broken.problems.isEmpty)

        let totalKills = kills.values.reduce(0, +)
        XCTAssertGreaterThan(totalKills, 0, "the killer never struck")

        let seconds = Int(Date().timeIntervalSince(started).rounded())
        let perService = LivePlatform.services.map { "\($0) \(kills[$0] ?? 0)" }.joined(separator: ", ")
        let phases = summary.phases.map { "\($0.0) \(String(format: "%.1f", $0.1)) s" }.joined(separator: "; ")
        print("phases: \(phases); \(summary.retriedCalls) calls retried; seed \(seed)")
        print("crash test: \(applications) applications, \(summary.named.count) named and paid, \(totalKills) kills (\(perService)), "
              + "\(restartFailures.count) restart failures retried, "
              + "\(tally.delivered.formatted()) events delivered, \(tally.lost) lost, \(tally.duplicated) duplicated, \(tally.dead) dead, "
              + "invariants \(problems.isEmpty && tally.problems.isEmpty ? "ok" : "BROKEN (\(problems.count + tally.problems.count))"), \(seconds) s")
        passed = testRun?.failureCount == 0
    }
}
