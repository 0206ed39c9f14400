import Foundation
import GRDB
import PlatformClient
import XCTest

/// Online backups (`<svc> backup --to FILE`, SQLite's backup API) taken again and again while the four
/// services are busy: a naming year of 40 applications runs (applications, qualification, scoring, decision,
/// grants paid) and a writer loop commits test events on every service, which fan out to the other three.
/// Each copy must be a consistent snapshot of its own database: integrity_check ok, the outbox and inbox
/// agree with themselves, funding's ledger balances with its grants, the audit chain verifies
/// (`<svc> audit verify` on the copy), and a service started on a restored copy comes up and serves.
/// (Four copies taken one after the other are not a cut across services, so cross-service agreement is
/// the crash test's business, not this one's.)
final class BackupUnderLoadTests: XCTestCase {
    func testOnlineBackupsUnderLoadRestoreToConsistentDatabases() throws {
        let live = try LivePlatform(prefix: "studio-backup-")
        var passed = false
        defer {
            live.stop()
            if passed && ProcessInfo.processInfo.environment["STUDIO_KEEP_TEST_DATA"] == nil { live.remove() } else { print("backup test data kept in \(live.root)") }
        }
        try live.start()
        let platform = live.platform
        let operatorToken = try platform.token(.operator)

        // The load: a naming year of 40 applications on one thread, test events on another.
        final class Load: @unchecked Sendable {
            let lock = NSLock()
            var stop = false
            var scenarioDone = false
            var scenarioError: String?
            var summary: ScaleScenario.Summary?
            var testEvents = 0
            var refused = 0
        }
        let load = Load()
        let scenarioThread = Thread {
            do {
                let summary = try ScaleScenario(platform: platform, options: .init(applications: 40, quota: 5, timeout: 60), log: { _ in }).run()
                load.lock.withLock { load.summary = summary }
            } catch {
                load.lock.withLock { load.scenarioError = "\(error)" }
            }
            load.lock.withLock { load.scenarioDone = true }
        }
        let writerThread = Thread {
            let client = PlatformClient()
            var k = 0
            while !load.lock.withLock({ load.stop }) {
                let service = Platform.Service.allCases[k % 4]
                let reply = try? client.call("POST", platform.url(service) + "/ops/test-events", token: operatorToken,
                                             json: ["aggregate": "load:\(service.rawValue)-\(k % 7)", "count": 3, "note": "load \(k)"])
                load.lock.withLock { if reply?.status == 201 { load.testEvents += 3 } else { load.refused += 1 } }
                k += 1
                usleep(10_000)
            }
        }
        scenarioThread.start()
        writerThread.start()

        // Backups of all four, one set after another, while the load runs.
        var sets: [String] = []
        let started = Date()
        var backupSeconds: [Double] = []
        func backupSet() throws {
            let folder = live.root + "/backup-\(sets.count + 1)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for name in LivePlatform.services {
                let began = Date()
                try live.processes[name]!.admin(["backup", "--to", live.databasePath(name, in: folder)])
                backupSeconds.append(Date().timeIntervalSince(began))
            }
            sets.append(folder)
        }
        while !load.lock.withLock({ load.scenarioDone }) && Date().timeIntervalSince(started) < 240 {
            try backupSet()
            usleep(300_000)
        }
        try backupSet()  // the writer loop is still running
        load.lock.withLock { load.stop = true }
        while !writerThread.isFinished { usleep(20_000) }
        let (scenarioError, summary, testEvents) = load.lock.withLock { (load.scenarioError, load.summary, load.testEvents) }
        XCTAssertNil(scenarioError, "the load scenario failed")
        XCTAssertNotNil(summary)
        XCTAssertGreaterThanOrEqual(sets.count, 3, "backups taken during the load")
        XCTAssertGreaterThan(testEvents, 0)

        let loaded = Date()

        // Every copy is consistent on its own.
        var checkedGrants = 0, checkedMessages = 0
        for folder in sets {
            for name in LivePlatform.services {
                let path = live.databasePath(name, in: folder)
                let database = try PlatformChecks.open(path)
                let integrity = try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                XCTAssertEqual(integrity, ["ok"], "\(path)")
                let foreignKeys = try database.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
                XCTAssertEqual(foreignKeys.count, 0, "\(path): foreign keys")
                let problems = try Self.messagingSnapshot(database)
                XCTAssertEqual(problems, [], "\(path)")
                checkedMessages += try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message") ?? 0 }
                if name == "funding" {
                    XCTAssertEqual(try PlatformChecks.ledger(database), [], "\(path): ledger")
                    checkedGrants += try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM funding_grant") ?? 0 }
                }
                try database.close()
                // `audit verify` opens the copy like the service would, and walks the hash chain.
                let verdict = try ServiceProcess(name: name, dataDir: folder).admin(["audit", "verify"])
                XCTAssertTrue(verdict.contains("intact"), "\(path): \(verdict)")
            }
        }
        XCTAssertGreaterThan(checkedGrants, 0, "some copy of funding holds grants")

        let checked = Date()

        // Services started on the restored last set come up ready and serve what the copy holds.
        live.stop()
        let restored = sets.last!
        let arguments = ["--demo-clock", "--retry-schedule", WiredPair.testRetrySchedule]
        let client = PlatformClient()
        for name in LivePlatform.services {
            let process = ServiceProcess(name: name, dataDir: restored, extraArguments: arguments)
            try process.start()
            defer { process.stop() }
            let queue = try client.call("GET", process.baseURL + "/ops/queue", token: operatorToken)
            XCTAssertEqual(queue.status, 200, "\(name) on the restored copy: \(queue.text)")
            let database = try PlatformChecks.open(live.databasePath(name, in: restored))
            let dead = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status = 'dead'") ?? 0 }
            XCTAssertEqual(queue.object["dead"] as? Int, dead, "\(name): the restored service reports its copy's dead letters")
            switch name {
            case "intake":
                let count = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application") ?? 0 }
                let listed = try client.getAll(process.baseURL + "/applications", token: try platform.token(.department))
                XCTAssertEqual(listed.status, 200)
                XCTAssertEqual(listed.items.count, count, "intake on the restored copy lists what the copy holds")
                XCTAssertEqual(count, 40)
            case "funding":
                let count = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM funding_grant") ?? 0 }
                let listed = try client.getAll(process.baseURL + "/grants", token: try platform.token(.department))
                XCTAssertEqual(listed.status, 200)
                XCTAssertEqual(listed.items.count, count)
            case "assessment":
                let listed = try client.call("GET", process.baseURL + "/public/studios", token: nil)
                XCTAssertEqual(listed.status, 200)
                XCTAssertEqual(listed.items.count, summary?.named.count, "the restored register holds the named studios")
            default:
                let rounds = try client.call("GET", process.baseURL + "/rounds", token: try platform.token(.department))
                XCTAssertEqual(rounds.status, 200)
                XCTAssertEqual(rounds.items.count, 1)
            }
            try database.close()
        }
        let slowest = backupSeconds.max() ?? 0
        print(String(format: "timings: load and backups %.1f s, checks %.1f s, restore %.1f s",
                     loaded.timeIntervalSince(started), checked.timeIntervalSince(loaded), Date().timeIntervalSince(checked)))
        print(String(format: "backup under load: %d sets of 4 online backups (slowest %.2f s) during a 40-application year and %d test events; "
                     + "%d outbox messages and %d grants checked across the copies; integrity, outbox/inbox, ledger, audit chain ok; 4 services served from the last set",
                     sets.count, slowest, testEvents, checkedMessages, checkedGrants))
        passed = testRun?.failureCount == 0
    }

    /// What must hold in one service's database at any committed instant: every delivery names an existing
    /// outbox message and subscription and every attempt an existing delivery; each aggregate's outbox
    /// sequences are contiguous with `outbox_aggregate` at the last; a finished delivery has a completion time
    /// and an attempt, and never counts more attempts than its log holds (a replay restarts the count); no delivery succeeded ahead of an
    /// unfinished or dead earlier event of its lane; `inbox_aggregate` is the highest applied sequence.
    static func messagingSnapshot(_ database: DatabaseQueue) throws -> [String] {
        try database.read { db in
            var problems: [String] = []
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? -1 }
            let orphanDeliveries = try count("SELECT COUNT(*) FROM delivery WHERE message_id NOT IN (SELECT id FROM outbox_message)")
            if orphanDeliveries != 0 { problems.append("\(orphanDeliveries) deliveries of missing messages") }
            let orphanSubscriptions = try count("SELECT COUNT(*) FROM delivery WHERE subscription_id NOT IN (SELECT id FROM subscription)")
            if orphanSubscriptions != 0 { problems.append("\(orphanSubscriptions) deliveries to missing subscriptions") }
            let orphanAttempts = try count("SELECT COUNT(*) FROM delivery_attempt WHERE delivery_id NOT IN (SELECT id FROM delivery)")
            if orphanAttempts != 0 { problems.append("\(orphanAttempts) attempts of missing deliveries") }
            let gaps = try Row.fetchAll(db, sql: """
                SELECT m.aggregate, COUNT(*) AS n, MIN(m.sequence) AS low, MAX(m.sequence) AS high, COUNT(DISTINCT m.sequence) AS distinctCount, a.last_sequence
                FROM outbox_message m LEFT JOIN outbox_aggregate a ON a.aggregate = m.aggregate GROUP BY m.aggregate
                """)
            for row in gaps {
                let n: Int = row["n"], low: Int = row["low"], high: Int = row["high"], distinctCount: Int = row["distinctCount"]
                // Pruning removes old delivered messages from the front, never from the middle.
                if distinctCount != n || high - low + 1 != n || (row["last_sequence"] as Int?) != high {
                    problems.append("outbox aggregate \(row["aggregate"] as String): \(n) messages, sequences \(low)…\(high), last_sequence \((row["last_sequence"] as Int?) ?? -1)")
                }
            }
            let unfinished = try count("SELECT COUNT(*) FROM delivery WHERE status IN ('succeeded', 'dead') AND completed_at IS NULL")
            if unfinished != 0 { problems.append("\(unfinished) finished deliveries without a completion time") }
            let unattempted = try count("""
                SELECT COUNT(*) FROM delivery d WHERE d.status IN ('succeeded', 'dead')
                AND NOT EXISTS (SELECT 1 FROM delivery_attempt a WHERE a.delivery_id = d.id)
                """)
            if unattempted != 0 { problems.append("\(unattempted) finished deliveries without an attempt") }
            let attemptsMismatch = try count("""
                SELECT COUNT(*) FROM delivery d WHERE d.attempts > (SELECT COUNT(*) FROM delivery_attempt a WHERE a.delivery_id = d.id)
                """)
            if attemptsMismatch != 0 { problems.append("\(attemptsMismatch) deliveries counting more attempts than their attempt log holds") }
            let overtaken = try count("""
                SELECT COUNT(*) FROM delivery later JOIN delivery earlier
                  ON earlier.subscription_id = later.subscription_id AND earlier.aggregate = later.aggregate AND earlier.sequence < later.sequence
                WHERE later.status = 'succeeded' AND earlier.status IN ('ready', 'queued', 'dead')
                """)
            if overtaken != 0 { problems.append("\(overtaken) deliveries succeeded ahead of an earlier event of their lane") }
            let inbox = try count("""
                SELECT COUNT(*) FROM inbox_aggregate a
                WHERE a.last_sequence != (SELECT MAX(m.sequence) FROM inbox_message m WHERE m.source = a.source AND m.aggregate = a.aggregate)
                """)
            if inbox != 0 { problems.append("\(inbox) inbox aggregates whose last sequence is not the highest applied") }
            return problems
        }
    }
}
