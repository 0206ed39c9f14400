import Foundation
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import Spreadsheet
import StudioDomain
import TestSupport
import XCTest

/// The whole path: intake's applications → qualification → experts and conflicts → assignment → scoring →
/// ranking → public notice with an objection → the federation's decision and its events.
final class ReviewFlowTests: XCTestCase {
    typealias F = ReviewFixture

    func testFromReceivedApplicationsToTheDecisionEvents() async throws {
        let fixture = try ReviewFixture()
        // Given three naming applications from intake; A3's leader is only 四级/中级工 (Art 5(4))
        try await fixture.submit(F.content("A1", unit: "元立", code: "CODE-YL", order: 1))
        try await fixture.submit(F.content("A2", unit: "巨化", order: 2))
        try await fixture.submit(F.content("A3", unit: "开山", skill: .intermediate))
        // and four experts, E1 working at A1's unit
        let tokens = try ["E1", "E2", "E3", "E4"].map { try fixture.expertToken($0) }
        try await fixture.service.built.application.test(.router) { client in
            let dep = fixture.department
            try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E1", unit: "元立公司", code: "CODE-YL"))
            for id in ["E2", "E3", "E4"] {
                let reply = try await client.send(.post, "/experts", token: dep, json: F.expertJSON(id, specialities: id == "E4" ? ["化工/精细化工"] : ["装备制造/数控加工"]))
                XCTAssertEqual(reply.status, .created)
            }
            // The round was opened on the first application, with the naming defaults (Art 9: 10)
            let round = try await client.send(.get, "/rounds/naming-2026", token: dep)
            XCTAssertEqual((round.object["round"] as? [String: Any])?["quota"] as? Int, 10)
            // Configure: quota 1, 2 experts per application
            let configured = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"quota":1,"expertsPerApplication":2,"scoringDeadline":"2026-09-30"}"#)
            XCTAssertEqual(configured.status, .ok, configured.text)

            // Qualification: A3 cannot be passed (Art 5(4)); the department fails it with the reason
            let refused = try await client.send(.post, "/applications/A3/qualification", token: dep, json: #"{"outcome":"pass"}"#)
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertEqual(refused.errorCodes, ["leader_skill_below_senior"])
            XCTAssertEqual(refused.errors.first?["article"] as? String, Article(5, item: 4).reference)
            let failed = try await client.send(.post, "/applications/A3/qualification", token: dep, json: """
                {"outcome":"fail","reasons":[{"code":"leader_skill_below_senior","field":"leader.skillLevel","article":"第五条第（四）项 / Art. 5(4)","message_zh":"负责人技能等级不足","message_en":"leader below senior"}]}
                """)
            XCTAssertEqual(failed.status, .ok, failed.text)
            for id in ["A1", "A2"] {
                let passed = try await client.send(.post, "/applications/\(id)/qualification", token: dep, json: #"{"outcome":"pass"}"#)
                XCTAssertEqual(passed.status, .ok, passed.text)
            }
            // The decision records who and when
            let shown = try await client.send(.get, "/applications/A3", token: dep)
            let decision = (shown.object["qualification"] as? [[String: Any]])?.first
            XCTAssertEqual(decision?["outcome"] as? String, "fail")
            XCTAssertTrue((decision?["decidedBy"] as? String)?.hasPrefix("department:") ?? false)
            XCTAssertNotNil(decision?["decidedAt"])

            // Assignment: optimal, conflict-free (E1 never on A1), and E4 (another industry) not needed
            let assignment = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(assignment.status, .ok, assignment.text)
            let rows = assignment.object["assignments"] as? [[String: Any]] ?? []
            let experts = Dictionary(uniqueKeysWithValues: rows.map { ($0["applicationId"] as! String, ($0["experts"] as! [[String: Any]]).map { $0["expertId"] as! String }) })
            XCTAssertEqual(experts["A1"]?.count, 2)
            XCTAssertFalse(experts["A1"]!.contains("E1"))
            XCTAssertFalse(experts.values.flatMap { $0 }.contains("E4"))
            XCTAssertEqual(assignment.object["totalCost"] as? Int, 0)

            // Scoring starts; every sheet is scored and submitted by its own expert
            let opened = try await client.send(.post, "/rounds/naming-2026/scoring", token: dep)
            XCTAssertEqual(opened.status, .ok, opened.text)
            let points = ["A1": 9, "A2": 7]
            for (application, ids) in experts {
                for expert in ids {
                    let token = tokens[Int(expert.dropFirst())! - 1]
                    let saved = try await client.send(.put, "/applications/\(application)/score-sheets/mine", token: token, json: F.sheet(points[application]!))
                    XCTAssertEqual(saved.status, .ok, saved.text)
                    let submitted = try await client.send(.post, "/applications/\(application)/score-sheets/mine/submit", token: token)
                    XCTAssertEqual(submitted.status, .ok, submitted.text)
                }
            }
            let closed = try await client.send(.post, "/rounds/naming-2026/close", token: dep)
            XCTAssertEqual(closed.status, .ok, closed.text)

            // Ranking: A1 90.00 proposed, A2 70.00 beyond the quota of 1
            let ranking = try await client.send(.get, "/rounds/naming-2026/ranking", token: fixture.federation)
            let lines = ranking.object["lines"] as? [[String: Any]] ?? []
            XCTAssertEqual(lines.map { $0["applicationId"] as? String }, ["A1", "A2"])
            XCTAssertEqual(lines.map { $0["final"] as? String }, ["90.00", "70.00"])
            XCTAssertEqual(lines.map { $0["reason"] as? String }, [nil, "beyond_quota"])

            // The department may propose fewer than the quota, never someone outside it; a refused notice writes nothing
            let outside = try await client.send(.post, "/rounds/naming-2026/notice", token: dep, json: #"{"applicationIds":["A1","A2"]}"#)
            XCTAssertEqual(outside.status, .unprocessableContent)
            XCTAssertEqual(outside.errorCodes, ["notice.not_proposable"])
            XCTAssertEqual(outside.errors.first?["field"] as? String, "applicationIds[1]")
            let stillClosed = try await client.send(.get, "/rounds/naming-2026", token: dep)
            XCTAssertEqual((stillClosed.object["round"] as? [String: Any])?["status"] as? String, "closed")
            // Public notice of 5 working days from Monday 2026-09-21: Friday 2026-09-25 is 中秋节, so until Monday 2026-09-28
            let notice = try await client.send(.post, "/rounds/naming-2026/notice", token: dep, json: "{}")
            XCTAssertEqual(notice.status, .created, notice.text)
            XCTAssertEqual(notice.object["endsOn"] as? String, "2026-09-28")
            // The ranking and the 公示 list as workbooks, as openpyxl (another program than ours) reads them
            try Python.requireOpenpyxl()
            for (path, expected) in [("ranking.xlsx", #"[["名次", "申报编号", "工作室名称"], [1, "A1", "#), ("notice.xlsx", #"[["序号", "工作室名称", "申报单位"], [1, "#)] {
                let workbook = try await client.send(.get, "/rounds/naming-2026/\(path)", token: fixture.federation)
                XCTAssertEqual(workbook.status, .ok, path)
                let file = Python.temporaryPath(path)
                try workbook.body.write(to: URL(fileURLWithPath: file))
                defer { try? FileManager.default.removeItem(atPath: file) }
                let rows = try Python.run("""
                    import json, sys, openpyxl
                    ws = openpyxl.load_workbook(sys.argv[1]).active
                    print(json.dumps([[c.value for c in row][:3] for row in ws.iter_rows()], ensure_ascii=False, default=str))
                    """, [file])
                XCTAssertTrue(rows.hasPrefix(expected), "\(path): \(rows)")
                XCTAssertEqual(try XLSXReader.sheets(Array(workbook.body)).first?.rows.count, path == "ranking.xlsx" ? 3 : 2)
            }
            let expertWorkbook = try await client.send(.get, "/rounds/naming-2026/ranking.xlsx", token: nil)
            XCTAssertEqual(expertWorkbook.status, .unauthorized)
            // An objection is recorded and resolved as unfounded
            let objection = try await client.send(.post, "/rounds/naming-2026/objections", token: dep, json: #"{"applicationId":"A1","text":"场地面积存疑"}"#)
            XCTAssertEqual(objection.status, .created, objection.text)
            let objectionID = ((objection.object["objections"] as? [[String: Any]])?.first?["id"] as? Int) ?? 0
            // The federation cannot decide during the notice, nor with an open objection
            let early = try await client.send(.post, "/rounds/naming-2026/decision", token: fixture.federation)
            XCTAssertEqual(early.status, .conflict)
            XCTAssertEqual(early.errorCodes, ["decision.notice_running"])
            fixture.service.clock.advance(.seconds(8 * 86400))
            let unresolved = try await client.send(.post, "/rounds/naming-2026/decision", token: fixture.federation)
            XCTAssertEqual(unresolved.errorCodes, ["decision.objection_open"])
            let resolved = try await client.send(.post, "/rounds/naming-2026/objections/\(objectionID)/resolution", token: dep,
                                            json: #"{"upheld":false,"resolution":"经现场核实，场地符合要求"}"#)
            XCTAssertEqual(resolved.status, .ok, resolved.text)
            // Only the federation decides (Art 11)
            let byDepartment = try await client.send(.post, "/rounds/naming-2026/decision", token: dep)
            XCTAssertEqual(byDepartment.status, .forbidden)
            let decided = try await client.send(.post, "/rounds/naming-2026/decision", token: fixture.federation)
            XCTAssertEqual(decided.status, .ok, decided.text)
        }

        // Then: one studio named, with a fresh studio id and the naming day
        let named = try fixture.service.emitted(StudioNamed.self)
        XCTAssertEqual(named.map(\.data.applicationID), ["A1"])
        XCTAssertEqual(named.first?.data.namedOn, LocalDate("2026-09-29"))
        XCTAssertEqual(named.first?.data.unitName, "元立公司")
        XCTAssertEqual(named.first?.aggregate, "studio:\(named.first!.data.studioID.rawValue)")
        // and every status change reached intake's stream, in order
        XCTAssertEqual(try fixture.statuses(of: "A1"), [.qualificationPassed, .underExpertReview, .onPublicNotice, .named])
        XCTAssertEqual(try fixture.statuses(of: "A2"), [.qualificationPassed, .underExpertReview, .notNamed])
        XCTAssertEqual(try fixture.statuses(of: "A3"), [.qualificationFailed])
        let notNamed = try fixture.service.emitted(ApplicationStatusChanged.self).first { $0.data.applicationID == "A2" && $0.data.status == .notNamed }
        XCTAssertEqual(notNamed?.data.reasons.first?.code, "not_selected_by_panel")
        XCTAssertEqual(try fixture.service.emitted(ProjectGrantAwarded.self).count, 0)
        // and every decision is in the hash-chained audit log, intact, the federation's among them
        let audit = try await fixture.service.database.read { db in
            (try AuditLog.verify(in: db), try String.fetchAll(db, sql: "SELECT actor_role FROM audit_log"))
        }
        XCTAssertTrue(audit.0.intact)
        XCTAssertGreaterThan(audit.0.entries, 10)
        XCTAssertTrue(audit.1.contains("federation"))
    }
}
