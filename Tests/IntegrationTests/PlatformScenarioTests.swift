import Foundation
import GRDB
import Messaging
import PlatformClient
import XCTest

/// The four real binaries as separate processes in demo-clock mode, wired as `deploy/platform.sh` wires
/// them (a subscription with its own secret for each of the 12 sender → receiver pairs, one token per role
/// on every service); the three-year scenario played over HTTP; then the four databases must agree.
final class PlatformScenarioTests: XCTestCase {
    static let services = ["intake", "review", "funding", "assessment"]

    func testThreeYearsLeaveTheFourDatabasesInAgreement() throws {
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
        let summary = try StudioYearsScenario(platform: platform, quota: 5, timeout: 20, log: { print("  \($0)") }).run()
        let year1 = summary.yearOne
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
        XCTAssertGreaterThan(days.first ?? "", year1.noticeEndsOn)

        // The public list (no token) shows the named studios except the two revoked ones, and the 通报 of the fraud.
        let publicList = try client.call("GET", processes["assessment"]!.baseURL + "/public/studios", token: nil)
        XCTAssertEqual(publicList.status, 200)
        let publicIDs = Set(publicList.items.compactMap { $0["id"] as? String })
        XCTAssertEqual(publicIDs, Set(year1.named.values).subtracting([summary.revokedForFraud, summary.failedAssessment]), publicList.text)
        XCTAssertFalse(publicIDs.contains(summary.revokedForFraud), "the studio revoked for fraud is still on the public list")
        let publicNotices = try client.call("GET", processes["assessment"]!.baseURL + "/public/notices", token: nil)
        XCTAssertEqual(publicNotices.status, 200)
        XCTAssertEqual(publicNotices.items.count, 2, "one 通报 per revocation: \(publicNotices.text)")

        // The four databases, read-only.
        func open(_ name: String) throws -> DatabaseQueue {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: (root as NSString).appendingPathComponent("\(name).sqlite"), configuration: configuration)
        }
        let intake = try open("intake"), review = try open("review"), funding = try open("funding"), assessment = try open("assessment")

        // Review's decisions are the reference.
        struct Outcome: Decodable { var applicationId: String; var status: String; var studioId: String? }
        let (decisions, rounds, reviewStatus) = try review.read { db -> ([String: [Outcome]], [String: (kind: String, quota: Int)], [String: String]) in
            var decisions: [String: [Outcome]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT round_id, outcomes FROM round_decision") {
                decisions[row["round_id"]] = try JSONDecoder().decode([Outcome].self, from: Data((row["outcomes"] as String).utf8))
            }
            var rounds: [String: (kind: String, quota: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, quota FROM review_round") { rounds[row["id"]] = (row["kind"], row["quota"]) }
            let statuses = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM review_application").map { ($0["id"] as String, $0["status"] as String) })
            return (decisions, rounds, statuses)
        }
        XCTAssertEqual(rounds.values.map(\.kind).sorted(), ["demonstration", "naming", "projectGrant", "projectGrant"], "\(rounds)")
        XCTAssertEqual(decisions.count, 4, "every round decided")
        let named = decisions.values.flatMap { $0 }.filter { $0.status == "named" }
        XCTAssertEqual(Set(named.map(\.applicationId)), Set(year1.named.keys))
        XCTAssertEqual(named.count, 5)
        XCTAssertGreaterThan(year1.notNamed.count, 0, "the quota must leave some qualified applications unnamed")
        let namedStudios = Set(named.compactMap(\.studioId))

        // Named (awarded, selected) per round ≤ the round's quota, and the quota within the article's range.
        let chosenStatus = ["naming": "named", "projectGrant": "awarded", "demonstration": "selected"]
        let quotaRange = ["naming": 1...30, "projectGrant": 2...5, "demonstration": 1...2]
        for (round, outcomes) in decisions {
            guard let info = rounds[round], let status = chosenStatus[info.kind] else { XCTFail("round \(round) unknown to review"); continue }
            let count = outcomes.filter { $0.status == status }.count
            XCTAssertLessThanOrEqual(count, info.quota, "round \(round) (\(info.kind)) chose \(count) over its quota \(info.quota)")
            XCTAssertTrue(quotaRange[info.kind]!.contains(info.quota), "round \(round) quota \(info.quota) outside Art 9/13/14")
            XCTAssertGreaterThan(count, 0, "round \(round) chose nobody")
        }
        let awarded = decisions.values.flatMap { $0 }.filter { $0.status == "awarded" }
        XCTAssertEqual(awarded.count, 5, "three project grants in year 2 and two in year 3")

        // The panel: every assignment scored and submitted, three experts per qualified application, no conflicted pair in any round.
        let (assignments, submittedSheets) = try review.read { db in
            (try Row.fetchAll(db, sql: "SELECT expert_id, application_id FROM assignment").map { "\($0["expert_id"] as String)|\($0["application_id"] as String)" },
             Set(try Row.fetchAll(db, sql: "SELECT expert_id, application_id FROM score_sheet WHERE status = 'submitted'").map { "\($0["expert_id"] as String)|\($0["application_id"] as String)" }))
        }
        let qualifiedCount = year1.qualified.count + summary.projectRounds.reduce(0) { $0 + $1.applications.count } + summary.demonstrationRound.applications.count
        XCTAssertEqual(assignments.count, qualifiedCount * 3)
        XCTAssertEqual(Set(assignments), submittedSheets, "every expert scores every application assigned to them, and nothing else")
        XCTAssertEqual(year1.conflicts.count, 2, "one same-unit and one declared-relationship conflict: \(year1.conflicts)")
        for round in rounds.keys {
            let conflicts = try client.call("GET", processes["review"]!.baseURL + "/rounds/\(round)/conflicts", token: tokens[.department]!).items
            for conflict in conflicts {
                let pair = "\(conflict["expertId"] ?? "")|\(conflict["applicationId"] ?? "")"
                XCTAssertFalse(assignments.contains(pair), "round \(round): \(pair) assigned despite a conflict")
            }
        }

        // Assessment's register: every named studio under its application, with a plaque; the two revoked ones revoked,
        // the demonstration studio holding that title, the rest active.
        let register = try assessment.read { db in
            try Row.fetchAll(db, sql: "SELECT id, application_id, status, plaque_number, origin FROM studio")
        }
        let registerByID = Dictionary(uniqueKeysWithValues: register.map { ($0["id"] as String, $0) })
        let revoked: Set<String> = [summary.revokedForFraud, summary.failedAssessment]
        XCTAssertEqual(revoked.count, 2, "the fraud revocation and the failed assessment are two different studios")
        for outcome in named {
            guard let studio = outcome.studioId, let row = registerByID[studio] else {
                XCTFail("named studio \(outcome.studioId ?? "nil") (application \(outcome.applicationId)) is not in assessment's register"); continue
            }
            XCTAssertEqual(row["application_id"] as String?, outcome.applicationId)
            let expected = revoked.contains(studio) ? "revoked" : studio == summary.demonstrationStudio ? "demonstration" : "active"
            XCTAssertEqual(row["status"] as String, expected, "studio \(studio)")
            XCTAssertNotNil(row["plaque_number"] as String?, "studio \(studio) has no plaque")
        }
        XCTAssertEqual(register.filter { ($0["origin"] as String) == "naming" }.count, named.count, "assessment registered a studio review did not name")
        let (assessments, notices) = try assessment.read { db in
            (Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT studio_id, result FROM cycle_assessment").map { ($0["studio_id"] as String, $0["result"] as String) }),
             try Row.fetchAll(db, sql: "SELECT id, studio_id, reason FROM public_notice"))
        }
        XCTAssertEqual(assessments, summary.cycleAssessments)
        XCTAssertEqual(assessments.values.filter { $0 == "fail" }.count, 1)
        XCTAssertEqual(Set(notices.map { $0["studio_id"] as String }), revoked, "a 通报 for each revocation (Art 17, 20)")

        // Funding: every named studio exactly one naming grant of 10,000 yuan, paid; project grants of 20,000 yuan for
        // the awarded applications; one demonstration grant of 50,000 yuan; the revoked studios hold no unpaid grant.
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
        XCTAssertEqual(grants.filter { ($0["kind"] as String) == "naming" }.count, named.count, "funding holds naming grants for studios that were not named")
        let projectGrants = grants.filter { ($0["kind"] as String) == "projectGrant" }
        XCTAssertEqual(Set(projectGrants.map { $0["source_application_id"] as String }), Set(awarded.map(\.applicationId)), "one project grant per award")
        XCTAssertEqual(projectGrants.count, awarded.count)
        XCTAssertTrue(projectGrants.allSatisfy { ($0["amount_fen"] as Int) == 2_000_000 })
        let demonstrationGrants = grants.filter { ($0["kind"] as String) == "demonstration" }
        XCTAssertEqual(demonstrationGrants.map { $0["studio_id"] as String }, [summary.demonstrationStudio])
        XCTAssertEqual(demonstrationGrants.first?["amount_fen"] as Int?, 5_000_000)
        XCTAssertEqual(demonstrationGrants.first?["status"] as String?, "paid")
        for studio in revoked {
            let unpaid = grants.filter { ($0["studio_id"] as String) == studio && ["held", "scheduled", "approved"].contains($0["status"] as String) }
            XCTAssertTrue(unpaid.isEmpty, "revoked studio \(studio) still has unpaid grants: \(unpaid)")
        }
        XCTAssertEqual(grants.first { ($0["id"] as String) == summary.cancelledGrant }?["status"] as String?, "cancelled",
                       "the fraud studio's approved grant is cancelled, not paid")
        XCTAssertEqual(grants.filter { ($0["status"] as String) == "cancelled" }.count, 1)
        let paidGrants = grants.filter { ($0["status"] as String) == "paid" }
        XCTAssertEqual(paidGrants.count, grants.count - 1, "everything but the cancelled grant is paid")
        let (paidLedger, inspections, findings) = try funding.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE kind = 'paid'") ?? 0,
             try Row.fetchAll(db, sql: "SELECT id, studio_id, status FROM inspection WHERE status = 'closed'"),
             try Row.fetchAll(db, sql: "SELECT f.kind, i.studio_id FROM inspection_finding f JOIN inspection i ON i.id = f.inspection_id"))
        }
        XCTAssertEqual(paidLedger, paidGrants.count)
        XCTAssertEqual(Set(inspections.map { $0["studio_id"] as String }), namedStudios, "every paid studio inspected (Art 16)")
        XCTAssertEqual(findings.filter { ($0["kind"] as String) == "misuse" }.map { $0["studio_id"] as String }, [summary.misuseStudio])
        // Every decision and money movement of funding is in its hash-chained audit log.
        let audited = try funding.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT action, COUNT(*) AS n FROM audit_log GROUP BY action").map { ($0["action"] as String, $0["n"] as Int) })
        }
        let approvedGrants = try funding.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM funding_grant WHERE approved_by IS NOT NULL") ?? 0 }
        XCTAssertEqual(audited["grant.approved"], approvedGrants, "\(audited)")
        XCTAssertEqual(audited["ledger.paid"], paidGrants.count, "\(audited)")
        XCTAssertEqual(audited["inspection.closed"], inspections.count, "\(audited)")
        XCTAssertEqual(audited["inspection.signed_off"], inspections.count * 3, "\(audited)")
        XCTAssertEqual(audited["budget.set"], summary.paymentBatches.count, "\(audited)")
        for year in summary.paymentBatches.keys {
            XCTAssertNotNil(try funding.read { db in try Row.fetchOne(db, sql: "SELECT * FROM budget WHERE year = ?", arguments: [year]) }, "no budget for \(year)")
        }

        // Every application's status at intake matches review's; the refused ones never reached review.
        let intakeStatus = try intake.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, status FROM intake_application").map { ($0["id"] as String, $0["status"] as String) })
        }
        XCTAssertEqual(Set(intakeStatus.keys), Set(reviewStatus.keys), "intake and review do not hold the same applications")
        XCTAssertEqual(intakeStatus.count, qualifiedCount + year1.qualificationFailed.count)
        for (id, status) in reviewStatus {
            XCTAssertEqual(intakeStatus[id], status, "application \(id): intake says \(intakeStatus[id] ?? "nothing"), review says \(status)")
        }
        for outcome in decisions.values.flatMap({ $0 }) {
            XCTAssertEqual(intakeStatus[outcome.applicationId], outcome.status, "application \(outcome.applicationId) at intake vs the decision")
        }
        for id in year1.qualificationFailed { XCTAssertEqual(intakeStatus[id], "qualificationFailed") }
        XCTAssertEqual(Set(year1.refusedAtIntake.keys).count, 3)
        XCTAssertEqual(Set(year1.refusedAtIntake.values.flatMap { $0 }), ["leader_skill_below_senior", "team_too_small", "creation_period_too_short"],
                       "\(year1.refusedAtIntake)")

        // The replicas of the register at intake and review follow assessment: the named studios, the revoked ones revoked.
        let intakeReplica = try intake.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT studio_id, status FROM intake_studio").map { ($0["studio_id"] as String, $0["status"] as String) })
        }
        let reviewReplica = try review.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT studio_id, status FROM studio_replica").map { ($0["studio_id"] as String, $0["status"] as String) })
        }
        XCTAssertEqual(Set(intakeReplica.keys), namedStudios, "intake's studio replica differs from the named studios")
        for studio in namedStudios {
            XCTAssertEqual(intakeReplica[studio] == "revoked", revoked.contains(studio), "intake's replica of \(studio): \(intakeReplica[studio] ?? "-")")
            if let status = reviewReplica[studio] { XCTAssertEqual(status == "revoked", revoked.contains(studio), "review's replica of \(studio): \(status)") }
        }

        // No dead letter and nothing pending, read from the outboxes themselves; every audit chain verifies.
        for (name, database) in [("intake", intake), ("review", review), ("funding", funding), ("assessment", assessment)] {
            let (dead, open) = try database.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status = 'dead'") ?? -1,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status IN ('ready', 'queued')") ?? -1)
            }
            XCTAssertEqual(dead, 0, "\(name) has dead letters")
            XCTAssertEqual(open, 0, "\(name) has undelivered events")
            let verified = try client.call("GET", processes[name]!.baseURL + "/ops/audit/verify", token: operatorToken)
            XCTAssertEqual(verified.status, 200, verified.text)
            XCTAssertNil(verified.object["firstBroken"] as? [String: Any], "\(name)'s audit chain is broken: \(verified.text)")
        }

        let done = Date()
        print("""
            year 1: round \(year1.roundId) (\(year1.year)), \(year1.applications.count) applications from \(Set(year1.applications.values).count) bodies, \
            \(year1.refusedAtIntake.count) refused at intake, \(year1.qualified.count) qualified, \(year1.named.count) named (quota \(year1.quota)), \
            \(year1.notNamed.count) not named, \(year1.releasedHeldGrants) held grants released, \(year1.grants.count) grants paid; conflicts \(year1.conflicts)
            years 2-3: project rounds \(summary.projectRounds.map { "\($0.year): \($0.chosen.count) of \($0.applications.count)" }), \
            demonstration \(summary.demonstrationStudio), \(summary.inspections.count) inspections (misuse at \(summary.misuseStudio)), \
            revoked for fraud \(summary.revokedForFraud) (grant \(summary.cancelledGrant) cancelled), cycle assessments \(summary.cycleAssessments)
            timings: wiring+start \(String(format: "%.1f", wired.timeIntervalSince(clock))) s, scenario \(String(format: "%.1f", played.timeIntervalSince(wired))) s, \
            checks \(String(format: "%.1f", done.timeIntervalSince(played))) s, total \(String(format: "%.1f", done.timeIntervalSince(clock))) s
            """)
        passed = testRun?.failureCount == 0
    }
}
