import Foundation
import GRDB
import Messaging
import PlatformClient
import XCTest

/// The four real binaries as separate processes in demo-clock mode, wired as `deploy/platform.sh` wires
/// them (a subscription with its own secret for each of the 12 sender → receiver pairs, one token per role
/// on every service); year 1 of the scenario played over HTTP; then the four databases must agree.
final class PlatformScenarioTests: XCTestCase {
    static let services = ["intake", "review", "funding", "assessment"]

    func testYearOneNamingRoundLeavesTheFourDatabasesInAgreement() throws {
        let clock = Date()
        let root = NSTemporaryDirectory() + "studio-scenario-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let arguments = ["--demo-clock", "--retry-schedule", WiredPair.testRetrySchedule]
        var processes: [String: ServiceProcess] = [:]
        for name in Self.services { processes[name] = ServiceProcess(name: name, dataDir: root, extraArguments: arguments) }
        var passed = false
        defer {
            for process in processes.values { process.stop() }
            if passed && ProcessInfo.processInfo.environment["STUDIO_KEEP_TEST_DATA"] == nil {
                try? FileManager.default.removeItem(atPath: root)
            } else {
                print("scenario data and logs kept in \(root)")
            }
        }

        // Wire every sender → receiver pair and give every service the same token per role.
        for sender in Self.services {
            for receiver in Self.services where receiver != sender {
                let secret = WebhookSecret.generate().encoded
                try processes[sender]!.admin(["subscription", "wire", "--peer", receiver, "--url", processes[receiver]!.baseURL + "/events", "--secret", secret])
                try processes[receiver]!.admin(["inbound-secret", "add", "--source", sender, "--secret", secret])
            }
        }
        var tokens: [Platform.Role: String] = [:]
        for role in Platform.Role.allCases {
            let token = "qzs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "") + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            for name in Self.services {
                try processes[name]!.admin(["token", "add", "--role", role.rawValue, "--token", token, "--label", "scenario \(role.rawValue)"])
            }
            tokens[role] = token
        }
        for name in Self.services { try processes[name]!.start() }
        let wired = Date()

        let platform = Platform(baseURLs: [.intake: processes["intake"]!.baseURL, .review: processes["review"]!.baseURL,
                                           .funding: processes["funding"]!.baseURL, .assessment: processes["assessment"]!.baseURL],
                                tokens: tokens)
        let summary = try NamingYearScenario(platform: platform, quota: 5, timeout: 20, log: { print("  \($0)") }).run()
        let played = Date()

        // Every outbox drained: nothing pending, nothing dead, on any service.
        let client = PlatformClient()
        let operatorToken = tokens[.operator]!
        let deadline = Date().addingTimeInterval(20)
        var queues: [String: [String: Any]] = [:]
        var quietSnapshots = 0
        while true {
            for name in Self.services {
                queues[name] = try client.call("GET", processes[name]!.baseURL + "/ops/queue", token: operatorToken).object
            }
            let dead = queues.values.reduce(0) { $0 + ($1["dead"] as? Int ?? 1) }
            let pending = queues.values.reduce(0) { $0 + ($1["pending"] as? Int ?? 1) }
            // Two quiet snapshots in a row, so an event caused by a delivery between two reads is not missed.
            quietSnapshots = pending == 0 && dead == 0 ? quietSnapshots + 1 : 0
            if quietSnapshots == 2 { break }
            if dead > 0 || Date() > deadline {
                XCTFail("queues did not drain (pending \(pending), dead \(dead)): \(queues)")
                break
            }
            usleep(100_000)
        }

        // studioctl, the command-line client, sees the same: four ready services, empty queues.
        let tokensFile = tokens.map { "\($0.key.environmentName)=\($0.value)" }.joined(separator: "\n") + "\n"
        try tokensFile.write(toFile: root + "/tokens.env", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        for name in Self.services { environment["\(name.uppercased())_PORT"] = String(processes[name]!.port) }
        func studioctl(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try Binaries.path("studioctl"))
            process.arguments = arguments + ["--data-dir", root]
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
        let (statusCode, statusJSON) = try studioctl(["status", "--json"])
        XCTAssertEqual(statusCode, 0, statusJSON)
        let rows = try JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [[String: Any]] ?? []
        XCTAssertEqual(rows.count, 4)
        XCTAssertTrue(rows.allSatisfy { $0["ready"] as? Bool == true && $0["pending"] as? Int == 0 && $0["dead"] as? Int == 0 }, statusJSON)
        let (deadCode, deadText) = try studioctl(["dead-letters"])
        XCTAssertEqual(deadCode, 0)
        XCTAssertEqual(deadText.trimmingCharacters(in: .whitespacesAndNewlines), "no dead letters")

        // The four demo clocks moved together.
        let days = try Self.services.map { name in
            try client.call("GET", processes[name]!.baseURL + "/ops/clock", token: operatorToken).object["today"] as? String ?? "?"
        }
        XCTAssertEqual(Set(days).count, 1, "the services' business days differ: \(days)")
        XCTAssertGreaterThan(days.first ?? "", summary.noticeEndsOn)

        // The public list (no token) shows the named studios.
        let publicList = try client.call("GET", processes["assessment"]!.baseURL + "/public/studios", token: nil)
        XCTAssertEqual(publicList.status, 200)
        XCTAssertEqual(publicList.items.count, summary.named.count, publicList.text)

        // The four databases, read-only.
        func open(_ name: String) throws -> DatabaseQueue {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: (root as NSString).appendingPathComponent("\(name).sqlite"), configuration: configuration)
        }
        let intake = try open("intake"), review = try open("review"), funding = try open("funding"), assessment = try open("assessment")

        // Review's decision is the reference.
        struct Outcome: Decodable { var applicationId: String; var status: String; var studioId: String? }
        let (decisions, quotas, reviewStatus) = try review.read { db -> ([String: [Outcome]], [String: Int], [String: String]) in
            var decisions: [String: [Outcome]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT round_id, outcomes FROM round_decision") {
                decisions[row["round_id"]] = try JSONDecoder().decode([Outcome].self, from: Data((row["outcomes"] as String).utf8))
            }
            let quotas = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, quota FROM review_round").map { ($0["id"] as String, $0["quota"] as Int) })
            let statuses = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM review_application").map { ($0["id"] as String, $0["status"] as String) })
            return (decisions, quotas, statuses)
        }
        let named = decisions.values.flatMap { $0 }.filter { $0.status == "named" }
        XCTAssertEqual(Set(named.map(\.applicationId)), Set(summary.named.keys))
        XCTAssertEqual(named.count, 5)
        XCTAssertGreaterThan(summary.notNamed.count, 0, "the quota must leave some qualified applications unnamed")

        // Named per round ≤ quota.
        for (round, outcomes) in decisions {
            let count = outcomes.filter { $0.status == "named" }.count
            XCTAssertLessThanOrEqual(count, quotas[round] ?? 0, "round \(round) named \(count) over its quota \(quotas[round] ?? 0)")
        }

        // The panel: every assignment scored and submitted, three experts per qualified application, no conflicted pair.
        let (assignments, submittedSheets) = try review.read { db in
            (try Row.fetchAll(db, sql: "SELECT expert_id, application_id FROM assignment").map { "\($0["expert_id"] as String)|\($0["application_id"] as String)" },
             Set(try Row.fetchAll(db, sql: "SELECT expert_id, application_id FROM score_sheet WHERE status = 'submitted'").map { "\($0["expert_id"] as String)|\($0["application_id"] as String)" }))
        }
        XCTAssertEqual(assignments.count, summary.qualified.count * 3)
        XCTAssertEqual(Set(assignments), submittedSheets, "every expert scores every application assigned to them, and nothing else")
        XCTAssertEqual(summary.conflicts.count, 2, "one same-unit and one declared-relationship conflict: \(summary.conflicts)")
        for (expert, applications) in summary.conflictedPairs {
            for application in applications { XCTAssertFalse(assignments.contains("\(expert)|\(application)"), "\(expert) was assigned \(application) despite a conflict") }
        }

        // Every named studio is in assessment's register, active, with a plaque, under the same application.
        let register = try assessment.read { db in
            try Row.fetchAll(db, sql: "SELECT id, application_id, status, plaque_number, origin FROM studio")
        }
        let registerByID = Dictionary(uniqueKeysWithValues: register.map { ($0["id"] as String, $0) })
        for outcome in named {
            guard let studio = outcome.studioId, let row = registerByID[studio] else {
                XCTFail("named studio \(outcome.studioId ?? "nil") (application \(outcome.applicationId)) is not in assessment's register"); continue
            }
            XCTAssertEqual(row["application_id"] as String?, outcome.applicationId)
            XCTAssertEqual(row["status"] as String, "active")
            XCTAssertNotNil(row["plaque_number"] as String?, "studio \(studio) has no plaque")
        }
        XCTAssertEqual(register.filter { ($0["origin"] as String) == "naming" }.count, named.count, "assessment registered a studio review did not name")

        // Every named studio has exactly one naming grant in funding: 10,000 yuan, paid; and no other naming grant exists.
        let grants = try funding.read { db in
            try Row.fetchAll(db, sql: "SELECT id, studio_id, kind, amount_fen, status, payment_reference, source_application_id FROM funding_grant")
        }
        for outcome in named {
            let mine = grants.filter { ($0["studio_id"] as String) == outcome.studioId && ($0["kind"] as String) == "naming" }
            XCTAssertEqual(mine.count, 1, "studio \(outcome.studioId ?? "nil") has \(mine.count) naming grants")
            guard let grant = mine.first else { continue }
            XCTAssertEqual(grant["amount_fen"] as Int, 1_000_000)
            XCTAssertEqual(grant["status"] as String, "paid")
            XCTAssertNotNil(grant["payment_reference"] as String?)
            XCTAssertEqual(grant["source_application_id"] as String, outcome.applicationId)
        }
        XCTAssertEqual(grants.count, named.count, "funding holds grants for studios that were not named: \(grants)")
        let committed = try funding.read { db in try Row.fetchOne(db, sql: "SELECT * FROM budget WHERE year = ?", arguments: [summary.year]) }
        XCTAssertNotNil(committed, "no budget for \(summary.year)")
        let paidLedger = try funding.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE kind = 'paid'") ?? 0 }
        XCTAssertEqual(paidLedger, named.count)

        // Every application's status at intake matches review's; the refused ones never reached review.
        let intakeStatus = try intake.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM intake_application").map { ($0["id"] as String, $0["status"] as String) })
        }
        XCTAssertEqual(Set(intakeStatus.keys), Set(reviewStatus.keys), "intake and review do not hold the same applications")
        XCTAssertEqual(intakeStatus.count, summary.applications.count)
        for (id, status) in reviewStatus {
            XCTAssertEqual(intakeStatus[id], status, "application \(id): intake says \(intakeStatus[id] ?? "nothing"), review says \(status)")
        }
        for outcome in decisions.values.flatMap({ $0 }) {
            XCTAssertEqual(intakeStatus[outcome.applicationId], outcome.status, "application \(outcome.applicationId) at intake vs the decision")
        }
        for id in summary.qualificationFailed { XCTAssertEqual(intakeStatus[id], "qualificationFailed") }
        XCTAssertEqual(Set(summary.refusedAtIntake.keys).count, 3)
        XCTAssertEqual(Set(summary.refusedAtIntake.values.flatMap { $0 }), ["leader_skill_below_senior", "team_too_small", "creation_period_too_short"],
                       "\(summary.refusedAtIntake)")

        // Intake's replica of the register holds the named studios (for next year's project-grant applications).
        let replica = try intake.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM intake_studio")) }
        XCTAssertEqual(replica, Set(named.compactMap(\.studioId)), "intake's studio replica differs from the named studios")

        // No dead letter and nothing pending, read from the outboxes themselves.
        for (name, database) in [("intake", intake), ("review", review), ("funding", funding), ("assessment", assessment)] {
            let (dead, open) = try database.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status = 'dead'") ?? -1,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status IN ('ready', 'queued')") ?? -1)
            }
            XCTAssertEqual(dead, 0, "\(name) has dead letters")
            XCTAssertEqual(open, 0, "\(name) has undelivered events")
        }

        let done = Date()
        print("""
            year 1: round \(summary.roundId) (\(summary.year)), \(summary.applications.count) applications from \(Set(summary.applications.values).count) bodies, \
            \(summary.refusedAtIntake.count) refused at intake, \(summary.qualified.count) qualified, \(summary.named.count) named (quota \(summary.quota)), \
            \(summary.notNamed.count) not named, \(summary.releasedHeldGrants) held grants released, \(summary.grants.count) grants paid (batch \(summary.paymentBatchId ?? "-")); \
            conflicts \(summary.conflicts); notice until \(summary.noticeEndsOn), decided \(summary.decidedOn)
            timings: wiring+start \(String(format: "%.1f", wired.timeIntervalSince(clock))) s, scenario \(String(format: "%.1f", played.timeIntervalSince(wired))) s, \
            checks \(String(format: "%.1f", done.timeIntervalSince(played))) s, total \(String(format: "%.1f", done.timeIntervalSince(clock))) s
            """)
        passed = testRun?.failureCount == 0
    }
}
