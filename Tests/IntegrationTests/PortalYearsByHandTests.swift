import Foundation
import GRDB
import Messaging
import PlatformClient
import StudioDomain
import XCTest

/// Years 2 and 3 played by hand in the browser (`Tests/Browser/years_by_hand.py`) over the five real binaries, on a
/// platform where only year one (the naming) was played through the API: the department's, the counties', the
/// experts', the federation's, finance's and the audit office's desks do everything that follows.
/// On a platform of its own (not the class's shared one, where the API played the three years).
extension PortalTests {
    func testYearsTwoAndThreeArePlayedByHandFromTheDesksAndEveryToDoClearsWhenItsWorkIsDone() throws {
        let portal = try LivePortal(prefix: "portal-hand-", playing: .yearOne)
        defer {
            portal.stop()
            portal.remove()
        }
        let yearOne = portal.yearOne
        func add(_ role: String, _ username: String, _ name: String, subject: Bool = false) throws -> String {
            let password = "\(username)-first-1"
            try portal.portal.admin(["account", "add", "--role", role] + (subject ? ["--subject", username] : []) + ["--username", username, "--name", name,
                                     "--password", password] + portal.urlArguments)
            return "\(username):\(password)"
        }
        // The named studios (sorted), with the county (screening body) that put each forward.
        let studios = yearOne.named.map { (studio: $0.value, body: yearOne.applications[$0.key] ?? "") }.sorted { $0.studio < $1.studio }
        XCTAssertEqual(studios.count, 5, "year one named five studios")
        var counties: [String: String] = [:]
        for body in Set(studios.map(\.body)).sorted() where !body.isEmpty {
            // The two county accounts every portal has; an account of its own for any other body.
            if let made = portal.counties.first(where: { $0.username == body }) {
                counties[body] = "\(made.username):\(made.password)"
            } else {
                counties[body] = try add("screening_body", body, "初审单位\(body)", subject: true)
            }
        }
        let experts = try yearOne.experts.sorted().map { try add("expert", $0, "专家\($0)", subject: true) }
        let creditCodes = ["91330802MA2H0A1B2", "91330802MA2H0C3D4", "91330802MA2H0E5F6", "91330802MA2H0G7H8"].map { UnifiedSocialCreditCode.completing($0)! }
        let idNumbers = ["33080219800101201", "33080219810202202", "33080219820303203", "33080219830404204"].map { ResidentIDNumber.completing($0)! }
        let started = Date()
        try runBrowserScript("years_by_hand.py", folder: "years-by-hand", [
            "--named-on", yearOne.decidedOn,
            "--studios", studios.map { "\($0.studio)|\($0.body)" }.joined(separator: ","),
            "--counties", counties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
            "--experts", experts.joined(separator: ","),
            "--credit-codes", creditCodes.joined(separator: ","), "--id-numbers", idNumbers.joined(separator: ","),
            "--department", try add("department", "dept-hand", "经济工作部"), "--finance", try add("finance", "fin-hand", "财务部"),
            "--audit", try add("audit_office", "audit-hand", "经审办"), "--federation", try add("federation", "fed-hand", "市总工会"),
            "--clocks", LivePlatform.services.map { portal.live.processes[$0]!.baseURL }.joined(separator: ","),
            "--operator-token", portal.live.tokens[.operator]!], portal: portal)
        print("years 2 and 3 by hand: \(Int(Date().timeIntervalSince(started))) s in the browser")

        // Then, in the portal's own table: every to-do the two years opened is done, each by the event of its work.
        try portal.live.drain(timeout: 60)
        let database = try DatabaseQueue(path: portal.portal.databasePath)
        defer { try? database.close() }
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT key, role, kind, done_at, done_reason FROM todo ORDER BY key")
                .map { (key: $0["key"] as String, role: $0["role"] as String, kind: $0["kind"] as String, done: ($0["done_at"] as Int64?) != nil,
                        reason: $0["done_reason"] as String? ?? "") }
        }
        let open = rows.filter { !$0.done }
        XCTAssertEqual(open.map(\.key), [], "every to-do is done: \(open)")
        let projects = rows.filter { $0.kind == "grant_project" }
        XCTAssertEqual(projects.count, 4, "four project grants to pay: \(projects)")
        XCTAssertTrue(projects.allSatisfy { $0.role == "finance" }, "\(projects)")
        XCTAssertEqual(projects.filter { $0.reason.hasPrefix("已拨付") }.count, 3, "three paid (one by hand, two by the batch): \(projects)")
        XCTAssertEqual(projects.filter { $0.reason.hasPrefix("补助已取消") }.count, 1, "one cancelled by the department: \(projects)")
        let overdue = rows.filter { $0.kind == "assessment_overdue" }
        XCTAssertEqual(overdue.count, 4, "the four studios still named at the cycle's end were overdue: \(overdue)")
        XCTAssertTrue(overdue.allSatisfy { $0.role == "department" }, "\(overdue)")
        XCTAssertEqual(overdue.filter { $0.reason.contains("撤销") }.count, 1, "one failed and was revoked: \(overdue)")
        // And replaying every event of the run into the portal leaves every list as it is
        try assertAReplayOfEveryEventChangesNoList(portal, before: try todoSnapshot(portal))
        let assignments = rows.filter { $0.kind == "assignment" }
        XCTAssertFalse(assignments.isEmpty)
        XCTAssertTrue(assignments.allSatisfy { $0.role == "expert" && ($0.reason == "评分表已提交" || $0.reason.hasPrefix("已不在")) }, "\(assignments)")
    }

    /// The operator's range replay of every message of the last day to the portal's subscription on each service.
    func replayEveryEventIntoThePortal(_ portal: LivePortal) throws -> Int {
        let client = PlatformClient()
        var replayed = 0
        for name in LivePlatform.services {
            let base = portal.live.processes[name]!.baseURL
            let subscriptions = try client.call("GET", base + "/ops/subscriptions", token: portal.live.tokens[.operator])
            let items = subscriptions.object["items"] as? [[String: Any]] ?? []
            let subscription = try XCTUnwrap(items.first { $0["name"] as? String == "portal" }?["id"] as? String, "\(name): \(subscriptions.text)")
            let reply = try client.call("POST", base + "/ops/replay", token: portal.live.tokens[.operator], json: [
                "from": RFC3339.string(from: Date().addingTimeInterval(-86_400)), "to": RFC3339.string(from: Date().addingTimeInterval(60)),
                "subscriptionId": subscription, "onlyDead": false])
            XCTAssertEqual(reply.status, 200, reply.text)
            replayed += reply.object["replayed"] as? Int ?? 0
        }
        return replayed
    }
}
