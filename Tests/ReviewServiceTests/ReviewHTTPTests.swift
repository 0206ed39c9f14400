import Foundation
import GRDB
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Who may read and write what, infeasibility and manual changes over HTTP, validation, and the OpenAPI document.
final class ReviewHTTPTests: XCTestCase {
    typealias F = ReviewFixture

    /// Two passed applications, experts E1 (A1's own unit), E2, E3, 2 experts per application, assigned and scoring.
    static func scoringRound(_ fixture: ReviewFixture, _ client: some TestClientProtocol) async throws {
        let dep = fixture.department
        try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E1", unit: "元立公司", code: "CODE-YL"))
        try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E2"))
        try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E3"))
        try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"expertsPerApplication":2,"scoringDeadline":"2026-09-30"}"#)
        for id in ["A1", "A2"] { try await client.send(.post, "/applications/\(id)/qualification", token: dep, json: #"{"outcome":"pass"}"#) }
        let assigned = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep)
        XCTAssertEqual(assigned.status, .ok, assigned.text)
        let opened = try await client.send(.post, "/rounds/naming-2026/scoring", token: dep)
        XCTAssertEqual(opened.status, .ok, opened.text)
    }

    static func submitTwo(_ fixture: ReviewFixture) async throws {
        try await fixture.submit(F.content("A1", unit: "元立", code: "CODE-YL"))
        try await fixture.submit(F.content("A2", unit: "巨化"))
    }

    func testExpertsReadAndScoreOnlyTheirOwnConflictFreeAssignments() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        let e1 = try fixture.expertToken("E1"), e2 = try fixture.expertToken("E2"), e3 = try fixture.expertToken("E3")
        try await fixture.service.built.application.test(.router) { client in
            try await Self.scoringRound(fixture, client)
            // E1 works at A1's unit: never assigned, and A1 does not exist for E1 (404, the same as any unassigned application)
            let conflicts = try await client.send(.get, "/rounds/naming-2026/conflicts", token: fixture.department)
            XCTAssertEqual(conflicts.items.map { $0["rule"] as? String }, ["same_unit"])
            do { let reply = try await client.send(.get, "/applications/A1", token: e1); XCTAssertEqual(reply.status, .notFound) }
            do { let reply = try await client.send(.get, "/applications/A1/score-sheets/mine", token: e1); XCTAssertEqual(reply.status, .notFound) }
            let sneaky = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e1, json: F.sheet(10))
            XCTAssertEqual(sneaky.status, .notFound)
            do { let reply = try await client.send(.get, "/applications/NOPE", token: e1); XCTAssertEqual(reply.status, .notFound) }
            // E2 reviews both; E2's own list shows them, without other experts
            let mine = try await client.send(.get, "/me/assignments", token: e2)
            XCTAssertEqual(mine.items.map { $0["applicationId"] as? String }, ["A1", "A2"])
            // The list pages (a page of one, then the next by its cursor) and filters by round
            let first = try await client.send(.get, "/me/assignments?limit=1", token: e2)
            XCTAssertEqual(first.items.map { $0["applicationId"] as? String }, ["A1"])
            let cursor = try XCTUnwrap(first.object["nextCursor"] as? String)
            let second = try await client.send(.get, "/me/assignments?limit=1&cursor=\(cursor)", token: e2)
            XCTAssertEqual(second.items.map { $0["applicationId"] as? String }, ["A2"])
            XCTAssertNil(second.object["nextCursor"], "the last page has no cursor")
            let ofRound = try await client.send(.get, "/me/assignments?roundId=naming-2026", token: e2)
            XCTAssertEqual(ofRound.items.count, 2)
            let ofOther = try await client.send(.get, "/me/assignments?roundId=other", token: e2)
            XCTAssertEqual(ofOther.items.count, 0)
            let badLimit = try await client.send(.get, "/me/assignments?limit=0", token: e2)
            XCTAssertEqual(badLimit.status, .badRequest)
            let read = try await client.send(.get, "/applications/A1", token: e2)
            XCTAssertEqual(read.status, .ok)
            XCTAssertNil(read.object["experts"], "experts do not learn who else reviews")
            // Partial save, then the rest; an out-of-scale score is refused with its field
            let partial = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: #"{"scores":{"projects":9},"comments":{"projects":"课题扎实"}}"#)
            XCTAssertEqual(partial.status, .ok, partial.text)
            XCTAssertNil(partial.object["total"] as? String)
            let early = try await client.send(.post, "/applications/A1/score-sheets/mine/submit", token: e2)
            XCTAssertEqual(early.status, .unprocessableContent)
            XCTAssertEqual(Set(early.errors.compactMap { $0["field"] as? String }), ["scores.facilities", "scores.workRules", "scores.team", "scores.results"])
            let outOfScale = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: #"{"scores":{"team":11}}"#)
            XCTAssertEqual(outOfScale.errors.first?["field"] as? String, "scores.team")
            let rest = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: #"{"scores":{"facilities":8,"workRules":8,"team":8,"results":8}}"#)
            XCTAssertEqual(rest.object["scores"] as? [String: Int], ["facilities": 8, "workRules": 8, "projects": 9, "team": 8, "results": 8])
            XCTAssertEqual(rest.object["total"] as? String, "83.00")
            do { let reply = try await client.send(.post, "/applications/A1/score-sheets/mine/submit", token: e2); XCTAssertEqual(reply.status, .ok) }
            // Submitted is final for the expert…
            let again = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: F.sheet(1))
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(again.errorCodes, ["scoring.sheet_submitted"])
            // …and nobody but the department sees the sheets before the round closes
            let peek = try await client.send(.get, "/applications/A1/score-sheets", token: e3)
            XCTAssertEqual(peek.status, .forbidden)
            do { let reply = try await client.send(.get, "/applications/A1/score-sheets", token: fixture.federation); XCTAssertEqual(reply.status, .forbidden) }
            do { let reply = try await client.send(.get, "/rounds/naming-2026/ranking", token: fixture.federation); XCTAssertEqual(reply.status, .forbidden) }
            let departmentView = try await client.send(.get, "/applications/A1/score-sheets", token: fixture.department)
            XCTAssertEqual(departmentView.items.map { $0["expertId"] as? String }, ["E2"])
            // The department reopens; the expert may change it again
            let reopened = try await client.send(.post, "/applications/A1/score-sheets/E2/reopen", token: fixture.department, json: #"{"reason":"笔误"}"#)
            XCTAssertEqual(reopened.object["status"] as? String, "draft")
            do { let reply = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: F.sheet(7)); XCTAssertEqual(reply.status, .ok) }
            // After the deadline nothing more is saved
            fixture.service.clock.advance(.seconds(10 * 86400))
            let late = try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: F.sheet(9))
            XCTAssertEqual(late.errorCodes, ["scoring.deadline_passed"])
        }
        // The reopening is on record with who and why
        let audit = try await fixture.service.database.read { db in try String.fetchAll(db, sql: "SELECT actor || ' ' || detail FROM review_audit WHERE action = 'sheet.reopened'") }
        XCTAssertEqual(audit.count, 1)
        XCTAssertTrue(audit[0].hasPrefix("department:") && audit[0].contains("笔误"))
    }

    func testAnInfeasibleAssignmentSaysWhichApplicationLacksExperts() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            let dep = fixture.department
            for (id, unit) in [("E1", "元立公司"), ("E2", "x"), ("E3", "y")] {
                try await client.send(.post, "/experts", token: dep, json: F.expertJSON(id, unit: unit, code: id == "E1" ? "CODE-YL" : nil))
            }
            for id in ["A1", "A2"] { try await client.send(.post, "/applications/\(id)/qualification", token: dep, json: #"{"outcome":"pass"}"#) }
            // Three experts per application (the default): A1 has only E2 and E3
            let reply = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(reply.status, .unprocessableContent)
            XCTAssertEqual(reply.errorCodes.first, "assignment.too_few_experts")
            let message = reply.errors.first?["message_en"] as? String ?? ""
            XCTAssertEqual(message, "application A1 has only 2 experts without conflict and with capacity, needs 3")
            XCTAssertTrue((reply.errors.first?["message_zh"] as? String ?? "").contains("需要 3 名"))
            // Nothing was written
            let shown = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual((shown.object["assignments"] as? [Any])?.count, 0)
            // An unavailable expert reduces the capacity the explanation counts
            try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"expertsPerApplication":2}"#)
            try await client.send(.put, "/rounds/naming-2026/experts/E3", token: dep, json: #"{"available":false}"#)
            let short = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(short.errors.first?["message_en"] as? String, "application A1 has only 1 experts without conflict and with capacity, needs 2")
            // A minimum load no assignment can give is explained too: E1 may review only A2
            try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"expertsPerApplication":1}"#)
            try await client.send(.put, "/rounds/naming-2026/experts/E1", token: dep, json: #"{"available":true,"minLoad":2}"#)
            let unfair = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(unfair.errorCodes, ["assignment.minimum_load_unmet"], unfair.text)
            XCTAssertEqual(unfair.errors.first?["message_en"] as? String,
                           "expert E1 should review at least 2 but the best assignment gives at most 1 (applications without conflict: 1)")
            try await client.send(.put, "/rounds/naming-2026/experts/E1", token: dep, json: #"{"available":true,"minLoad":1}"#)
            let fair = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(fair.status, .ok, fair.text)
            XCTAssertEqual((fair.object["loads"] as? [String: Int])?["E1"], 1)
        }
    }

    func testManualChangesAreCheckedAndRecorded() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            try await Self.scoringRound(fixture, client)
            let dep = fixture.department
            // E1 cannot be put on A1 (own unit): 409 naming the rule's fact
            let refused = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                           json: #"{"applicationId":"A1","addExpertId":"E1","reason":"补充"}"#)
            XCTAssertEqual(refused.status, .conflict)
            XCTAssertEqual(refused.errorCodes, ["conflict.same_unit"])
            // Swapping one of A2's experts for the one not on it is recorded as a manual change
            let current = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            let a2 = (current.object["assignments"] as? [[String: Any]])?.first { $0["applicationId"] as? String == "A2" }
            let a2Experts = (a2?["experts"] as? [[String: Any]])?.compactMap { $0["expertId"] as? String } ?? []
            XCTAssertEqual(a2Experts.count, 2)
            let outgoing = a2Experts[0], incoming = Set(["E1", "E2", "E3"]).subtracting(a2Experts).first!
            let swapped = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                           json: #"{"applicationId":"A2","removeExpertId":"\#(outgoing)","addExpertId":"\#(incoming)","reason":"专家出差"}"#)
            XCTAssertEqual(swapped.status, .ok, swapped.text)
            let row = (swapped.object["assignments"] as? [[String: Any]])?.first { $0["applicationId"] as? String == "A2" }
            let experts = (row?["experts"] as? [[String: Any]]) ?? []
            XCTAssertTrue(experts.contains { $0["expertId"] as? String == incoming && $0["source"] as? String == "manual" })
            XCTAssertFalse(experts.contains { $0["expertId"] as? String == outgoing })
            // A load limit holds for manual changes too
            try await client.send(.put, "/experts/E2", token: dep, json: F.expertJSON("E2", maxLoad: 1))
            let overloaded = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                              json: #"{"applicationId":"A2","addExpertId":"E2","reason":"补充"}"#)
            XCTAssertEqual(overloaded.errorCodes, ["assignment.load_exceeded"], overloaded.text)
            // A conflict added late removes the pair at once
            let added = try await client.send(.post, "/rounds/naming-2026/conflicts", token: dep,
                                         json: #"{"expertId":"E3","applicationId":"A2","reason":"近亲属任职"}"#)
            XCTAssertEqual(added.status, .created, added.text)
            do { let reply = try await client.send(.get, "/applications/A2", token: try fixture.expertToken("E3")); XCTAssertEqual(reply.status, .notFound) }
        }
        let actions = try await fixture.service.database.read { db in try String.fetchAll(db, sql: "SELECT action FROM review_audit ORDER BY id") }
        XCTAssertTrue(actions.contains("conflict.added"))
        XCTAssertTrue(actions.contains("assignment.run"))
        XCTAssertTrue(actions.contains("assignment.changed"))
    }

    func testBadInputIsA422NamingTheFieldAndNothingIsWritten() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            let dep = fixture.department
            let bad = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: """
                {"quota": 0, "rubric": {"criteria": [{"key":"projects","nameZh":"项目","nameEn":"projects","maxScore":10,"weight":60}]}}
                """)
            XCTAssertEqual(bad.status, .unprocessableContent)
            XCTAssertEqual(Set(bad.errors.compactMap { $0["field"] as? String }), ["quota", "rubric.criteria"])
            XCTAssertEqual(bad.errors.first { $0["field"] as? String == "quota" }?["article"] as? String, Article(9).reference)
            let round = try await client.send(.get, "/rounds/naming-2026", token: dep)
            XCTAssertEqual((round.object["round"] as? [String: Any])?["quota"] as? Int, 10)
            // Project-grant quotas follow Art 13 (2–5): a naming round is not the place, but the rule is per kind
            XCTAssertEqual(ReviewRound.quotaRange(.projectGrant), 2...5)
            XCTAssertEqual(ReviewRound.quotaRange(.demonstration), 1...2)
            let wrongType = try await client.send(.post, "/experts", token: dep, json: #"{"id":"E9","name":"x","unitName":"y","specialities":"all","maxLoad":3,"relationships":[],"active":true}"#)
            XCTAssertEqual(wrongType.status, .unprocessableContent)
            XCTAssertEqual(wrongType.errors.first?["field"] as? String, "specialities")
            // The essentials suffice: no relationships means none, active by default
            let minimal = try await client.send(.post, "/experts", token: dep, json: #"{"id":"E8","name":"李工","unitName":"衢州学院","specialities":["化工"],"maxLoad":5}"#)
            XCTAssertEqual(minimal.status, .created, minimal.text)
            XCTAssertEqual(minimal.object["active"] as? Bool, true)
            let duplicate = try await client.send(.post, "/experts", token: dep, json: #"{"id":"E8","name":"李工","unitName":"衢州学院","specialities":["化工"],"maxLoad":5}"#)
            XCTAssertEqual(duplicate.errorCodes, ["expert.exists"])
            let invalid = try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E9", specialities: [], maxLoad: 0))
            XCTAssertEqual(Set(invalid.errorCodes), ["expert.specialities", "expert.max_load"])
            let reasonless = try await client.send(.post, "/applications/A1/qualification", token: dep, json: #"{"outcome":"return"}"#)
            XCTAssertEqual(reasonless.errorCodes, ["qualification.reasons_required"])
            do { let reply = try await client.send(.get, "/experts", token: dep); XCTAssertEqual(reply.items.map { $0["id"] as? String }, ["E8"], "only the valid expert was written") }
            // Roles: screening bodies and experts cannot run the department's work
            let body = try fixture.service.token(.screeningBody, subject: "330802")
            do { let reply = try await client.send(.post, "/rounds/naming-2026/assignment", token: body); XCTAssertEqual(reply.status, .forbidden) }
            do { let reply = try await client.send(.get, "/rounds", token: nil); XCTAssertEqual(reply.status, .unauthorized) }
        }
        XCTAssertEqual(try fixture.statuses(of: "A1"), [])
    }

    func testProjectGrantsNeedARegisteredCityStudioInTheSecondYearOfItsCycle() async throws {
        let fixture = try ReviewFixture()
        let young = StudioID("S-young"), old = StudioID("S-old")
        for (id, named) in [(young, "2026-03-01"), (old, "2024-05-01")] {
            try await fixture.service.receive(StudioRegistered(studioID: id, applicationID: nil, studioName: "工作室", unitName: "单位", screeningBodyCode: "330802",
                                                               level: .city, namedOn: LocalDate(named)!, cycle: StudioCycle(start: LocalDate(named)!)), from: "assessment")
        }
        try await fixture.submit(F.content("G1", round: "grant-2026", kind: .projectGrant, studio: young))
        try await fixture.submit(F.content("G2", round: "grant-2026", kind: .projectGrant, studio: old))
        try await fixture.submit(F.content("G3", round: "grant-2026", kind: .projectGrant, studio: "S-unknown"))
        try await fixture.service.built.application.test(.router) { client in
            let dep = fixture.department
            let round = try await client.send(.get, "/rounds/grant-2026", token: dep)
            XCTAssertEqual((round.object["round"] as? [String: Any])?["quota"] as? Int, 5)
            let first = try await client.send(.post, "/applications/G1/qualification", token: dep, json: #"{"outcome":"pass"}"#)
            XCTAssertEqual(first.errorCodes, ["project_grant_before_second_year"])
            XCTAssertEqual(first.errors.first?["article"] as? String, Article(13).reference)
            do { let reply = try await client.send(.post, "/applications/G2/qualification", token: dep, json: #"{"outcome":"pass"}"#); XCTAssertEqual(reply.status, .ok) }
            let unknown = try await client.send(.post, "/applications/G3/qualification", token: dep, json: #"{"outcome":"pass"}"#)
            XCTAssertEqual(unknown.errorCodes, ["studio_unknown"])
        }
        // A revoked studio's pending application stops, and intake hears why
        try await fixture.service.receive(StudioRevoked(studioID: old, reason: .plagiarismOrFraud, decidedOn: LocalDate("2026-09-20")!), from: "assessment")
        let statuses = try fixture.service.emitted(ApplicationStatusChanged.self).filter { $0.data.applicationID == "G2" }
        XCTAssertEqual(statuses.map(\.data.status), [.qualificationPassed, .qualificationFailed])
        XCTAssertEqual(statuses.last?.data.reasons.first?.article, Article(20).reference)
    }

    func testAmendmentsAndWithdrawalsFromIntake() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            let returned = try await client.send(.post, "/applications/A1/qualification", token: fixture.department, json: """
                {"outcome":"return","reasons":[{"code":"site_unclear","field":"studio","article":"第五条第（一）项 / Art. 5(1)","message_zh":"场地说明不清","message_en":"the site is unclear"}]}
                """)
            XCTAssertEqual(returned.status, .ok, returned.text)
        }
        var amended = F.content("A1", unit: "元立", code: "CODE-YL")
        amended.teamSize = 8
        try await fixture.service.receive(ApplicationAmended(application: amended, applicationVersion: 2, submittedOn: LocalDate("2026-09-01")!, amendedOn: LocalDate("2026-09-10")!), from: "intake")
        try await fixture.service.receive(ApplicationWithdrawn(applicationID: "A2", kind: .naming, roundID: "naming-2026", withdrawnOn: LocalDate("2026-09-11")!), from: "intake")
        XCTAssertEqual(try fixture.statuses(of: "A1"), [.returnedForAmendment, .submitted])
        let rows = try fixture.service.database.read { db in try Row.fetchAll(db, sql: "SELECT id, status, version FROM review_application ORDER BY id") }
        XCTAssertEqual(rows.map { $0["status"] as String }, ["submitted", "withdrawn"])
        XCTAssertEqual(rows[0]["version"] as Int, 2)
        // An application for a round of another kind is refused, not silently filed
        let misfiled = try await fixture.service.receive(ApplicationSubmitted(application: F.content("X1", round: "naming-2026", kind: .demonstration, studio: "S1"), submittedOn: LocalDate("2026-09-01")!), from: "intake")
        guard case .rejected(let issues) = misfiled else { return XCTFail("expected a rejection, got \(misfiled)") }
        XCTAssertEqual(issues.map(\.code), ["round.kind_mismatch"])
    }

    /// Services/Review/openapi.yaml, parsed with OpenAPIKit: every route documented, nothing documented that
    /// is not routed, served byte for byte, every reference resolved.
    func testTheOpenAPIFileDescribesEveryRouteAndIsServedAsItIs() async throws {
        let (problems, document) = try await OpenAPIContract.problems(ofService: "Review") { ReviewModule() }
        XCTAssertEqual(problems, [])
        XCTAssertTrue(OpenAPIContract.operations(in: document).contains("post /rounds/{round}/decision"))
        for name in ["Rubric", "Round", "Expert", "ScoreSheet", "Ranking", "Notice", "Decision", "Assignment", "ConflictList"] {
            XCTAssertNotNil(document.components.schemas[.init(rawValue: name)!], "schema \(name) is missing")
        }
    }
}
