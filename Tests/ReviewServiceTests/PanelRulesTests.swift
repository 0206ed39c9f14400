import Foundation
import GRDB
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The panel of each application: who must stay off it (回避), who may leave it (主动回避), that it never shrinks
/// below the round's size unnoticed, and which aggregate its sheets feed.
final class PanelRulesTests: XCTestCase {
    typealias F = ReviewFixture

    /// `shortPanels` of an assignment view as `application experts/needed`.
    static func shortPanels(_ reply: Reply) -> [String]? {
        (reply.object["shortPanels"] as? [[String: Any]])?.map {
            "\($0["applicationId"] as? String ?? "?") \($0["experts"] as? Int ?? -1)/\($0["needed"] as? Int ?? -1)"
        }
    }

    func testConflictsOfInterestCoverWhatTheDepartmentWouldExpect() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        // Given A1 of 柯城区 (330802), whose team counts 李明 and 赵芳 besides the leader
        var a1 = F.content("A1", unit: "元立", body: "330802", leader: "王建国")
        a1.teamMemberNames = ["李明", "赵芳"]
        try await fixture.submit(a1)
        try await fixture.service.built.application.test(.router) { client in
            // And E1 from the same screening body's area, E2 李明's master (师徒), E3 with no tie
            try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E1", body: "330802"))
            try await client.send(.post, "/experts", token: dep,
                             json: F.expertJSON("E2", relationships: #"[{"kind":"masterApprentice","personName":"李明"}]"#))
            try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E3"))

            // When the department lists the round's conflicts with the round's defaults
            let listed = try await client.send(.get, "/rounds/naming-2026/conflicts", token: dep)
            XCTAssertEqual(listed.status, .ok, listed.text)
            let pairs = Set(listed.items.map { "\($0["expertId"] as? String ?? "") \($0["rule"] as? String ?? "")" })
            // Then the same screening body is a conflict by default, and a declared tie with a team member is one too
            XCTAssertEqual(pairs, ["E1 same_screening_body", "E2 declared_relationship"])
            let tie = listed.items.first { $0["expertId"] as? String == "E2" }
            XCTAssertEqual(tie?["factZh"] as? String, "专家申报了与创新团队成员 李明 的师徒关系")
            let round = try await client.send(.get, "/rounds/naming-2026", token: dep)
            XCTAssertEqual((round.object["round"] as? [String: Any])?["excludeSameScreeningBody"] as? Bool, true)

            // And the switch is kept: off, the area rule no longer applies, the declared tie still does
            let off = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"excludeSameScreeningBody":false}"#)
            XCTAssertEqual(off.status, .ok, off.text)
            let relaxed = try await client.send(.get, "/rounds/naming-2026/conflicts", token: dep)
            XCTAssertEqual(relaxed.items.map { $0["expertId"] as? String }, ["E2"])
        }
        // And a missing expert record is an error, never "no conflict"
        try await fixture.service.database.read { db in
            XCTAssertThrowsError(try ConflictFinder.conflicts(expertID: "NOPE", applicationID: "A1", in: db)) { error in
                XCTAssertEqual((error as? Problem)?.status, .notFound)
                XCTAssertEqual((error as? Problem)?.issues.first?.messageZh, "未找到专家：NOPE")
            }
            XCTAssertThrowsError(try ConflictFinder.conflicts(expertID: "E3", applicationID: "NOPE", in: db))
            XCTAssertEqual(try ConflictFinder.conflicts(expertID: "E3", applicationID: "A1", in: db), [])
        }
    }

    func testAnExpertMayDeclareAConflictAndRecuse() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        var a1 = F.content("A1", unit: "元立", code: "CODE-YL")
        a1.teamMemberNames = ["李明"]
        try await fixture.submit(a1)
        try await fixture.submit(F.content("A2", unit: "巨化"))
        let e2 = try fixture.expertToken("E2")
        try await fixture.service.built.application.test(.router) { client in
            // Given a round in scoring, E2 and E3 on A1 (E1 works at A1's unit), E2 with a draft sheet
            try await ReviewHTTPTests.scoringRound(fixture, client)
            let read = try await client.send(.get, "/applications/A1", token: e2)
            XCTAssertEqual(read.status, .ok, read.text)
            XCTAssertNil((read.object["content"] as? [String: Any])?["teamMemberNames"], "team members' names are for conflict checks, not for experts")
            try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: F.sheet(8))

            // When E2 finds a tie the rules did not know and recuses, a reason required
            let stranger = try await client.send(.post, "/applications/A1/recusal", token: try fixture.expertToken("E1"), json: #"{"reason":"  "}"#)
            XCTAssertEqual(stranger.status, .notFound, "not an own assignment: 404 before any check of the reason")
            let bare = try await client.send(.post, "/applications/A1/recusal", token: e2, json: #"{"reason":"  "}"#)
            XCTAssertEqual(bare.status, .unprocessableContent)
            XCTAssertEqual(bare.errors.first?["field"] as? String, "reason")
            let recused = try await client.send(.post, "/applications/A1/recusal", token: e2, json: #"{"reason":"申报单位是我原工作单位"}"#)

            // Then E2 is off the panel, the sheet gone, A1 no longer exists for E2
            XCTAssertEqual(recused.status, .created, recused.text)
            XCTAssertEqual(recused.object["panel"] as? Int, 1)
            XCTAssertEqual(recused.object["needed"] as? Int, 2)
            do { let reply = try await client.send(.get, "/applications/A1", token: e2); XCTAssertEqual(reply.status, .notFound) }
            let mine = try await client.send(.get, "/me/assignments", token: e2)
            XCTAssertFalse(mine.items.contains { $0["applicationId"] as? String == "A1" })
            do { let reply = try await client.send(.post, "/applications/A1/recusal", token: e2, json: #"{"reason":"再次"}"#); XCTAssertEqual(reply.status, .notFound) }
            // And the department sees the declared conflict and the short panel, and reassigns
            let conflicts = try await client.send(.get, "/rounds/naming-2026/conflicts", token: dep)
            XCTAssertTrue(conflicts.items.contains { $0["expertId"] as? String == "E2" && $0["rule"] as? String == "declared_by_expert" }, conflicts.text)
            let flagged = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(Self.shortPanels(flagged), ["A1 1/2"])
            try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E4"))
            let reassigned = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                              json: #"{"applicationId":"A1","addExpertId":"E4","reason":"E2 回避"}"#)
            XCTAssertEqual(reassigned.status, .ok, reassigned.text)
            XCTAssertEqual(Self.shortPanels(reassigned), [])
            // And E2 cannot be put back on A1: the declared conflict stands
            let back = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                        json: #"{"applicationId":"A1","addExpertId":"E2","reason":"x"}"#)
            XCTAssertEqual(back.status, .conflict, back.text)
            XCTAssertEqual(back.errorCodes, ["conflict.declared_by_expert"])
        }
        let audit = try await fixture.service.database.read { db in
            try String.fetchAll(db, sql: "SELECT actor FROM review_audit WHERE action = 'assignment.recused'")
        }
        XCTAssertEqual(audit, ["expert:E2"])
    }

    /// Intake serves an application's files to the experts review names in `panel.changed` (Art 11): the event
    /// follows every change of who may read it, and nothing else.
    static func panels(_ fixture: ReviewFixture) throws -> [String] {
        try fixture.service.emitted(ExpertPanelChanged.self).map { "\($0.data.applicationID.rawValue): \($0.data.expertIDs.joined(separator: ","))" }
    }

    func testPanelChangesAreToldToIntakeOncePerChange() async throws {
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        let e2 = try fixture.expertToken("E2")
        try await fixture.service.built.application.test(.router) { client in
            // Given the assignment run (E1 conflicted with A1's unit), each application's panel is told once
            try await ReviewHTTPTests.scoringRound(fixture, client)
            let assigned = try Self.panels(fixture)
            XCTAssertEqual(assigned.count, 2, "\(assigned)")
            XCTAssertTrue(assigned.contains("A1: E2,E3"), "\(assigned)")
            XCTAssertFalse(assigned.contains { $0.hasPrefix("A1") && $0.contains("E1") }, "a conflicted expert is never on the panel")
            // When E2 recuses from A1, A1's panel is told without E2
            let recused = try await client.send(.post, "/applications/A1/recusal", token: e2, json: #"{"reason":"与负责人是师徒关系"}"#)
            XCTAssertEqual(recused.status, .created, recused.text)
            XCTAssertEqual(try Self.panels(fixture).last, "A1: E3")
            // And an edit of an expert that changes no panel sends nothing more
            let before = try Self.panels(fixture).count
            try await client.send(.put, "/experts/E3", token: fixture.department, json: F.expertJSON("E3"))
            XCTAssertEqual(try Self.panels(fixture).count, before)
            // And a conflict added by hand closes A1 to E3 too
            try await client.send(.post, "/rounds/naming-2026/conflicts", token: fixture.department, json: #"{"expertId":"E3","applicationId":"A1","reason":"亲属"}"#)
            XCTAssertEqual(try Self.panels(fixture).last, "A1: ")
        }
    }

    func testAPanelCannotShrinkBelowItsSizeInSilence() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        try await ReviewHTTPTests.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            // Given a round in scoring with 2 experts per application: E2 and E3 on A1
            try await ReviewHTTPTests.scoringRound(fixture, client)
            try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E4"))

            // When the department takes E2 off A1 without a replacement
            let shrunk = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                          json: #"{"applicationId":"A1","removeExpertId":"E2","reason":"出差"}"#)
            // Then it is refused, naming the field, and E2 is still on A1
            XCTAssertEqual(shrunk.status, .unprocessableContent, shrunk.text)
            XCTAssertEqual(shrunk.errorCodes, ["assignment.panel_below_size"])
            XCTAssertEqual(shrunk.errors.first?["field"] as? String, "removeExpertId")
            let panel = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            let a1 = (panel.object["assignments"] as? [[String: Any]])?.first { $0["applicationId"] as? String == "A1" }
            XCTAssertEqual(((a1?["experts"] as? [[String: Any]]) ?? []).compactMap { $0["expertId"] as? String }, ["E2", "E3"])
            // And a swap in one change is allowed
            let swapped = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                           json: #"{"applicationId":"A1","removeExpertId":"E2","addExpertId":"E4","reason":"出差"}"#)
            XCTAssertEqual(swapped.status, .ok, swapped.text)

            // When every sheet is in, and then a late conflict voids E3's assignment on A1
            let assigned = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            for row in assigned.object["assignments"] as? [[String: Any]] ?? [] {
                for expert in (row["experts"] as? [[String: Any]] ?? []).compactMap({ $0["expertId"] as? String }) {
                    let token = try fixture.expertToken(expert), application = row["applicationId"] as? String ?? ""
                    try await client.send(.put, "/applications/\(application)/score-sheets/mine", token: token, json: F.fullSheet)
                    let submitted = try await client.send(.post, "/applications/\(application)/score-sheets/mine/submit", token: token)
                    XCTAssertEqual(submitted.status, .ok, submitted.text)
                }
            }
            let conflict = try await client.send(.post, "/rounds/naming-2026/conflicts", token: dep,
                                            json: #"{"expertId":"E3","applicationId":"A1","reason":"近亲属任职"}"#)
            XCTAssertEqual(conflict.status, .created, conflict.text)
            // Then the short panel is flagged, and closing scoring re-checks it and refuses
            let flagged = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
            XCTAssertEqual(Self.shortPanels(flagged), ["A1 1/2"])
            let close = try await client.send(.post, "/rounds/naming-2026/close", token: dep)
            XCTAssertEqual(close.status, .conflict, close.text)
            XCTAssertEqual(close.errorCodes, ["scoring.panel_incomplete"])
            XCTAssertEqual(close.errors.first?["field"] as? String, "applications.A1")
            // And once the department has reassigned and the sheet is in, it closes
            let added = try await client.send(.post, "/rounds/naming-2026/assignment/changes", token: dep,
                                         json: #"{"applicationId":"A1","addExpertId":"E2","reason":"补派"}"#)
            XCTAssertEqual(added.status, .ok, added.text)
            let e2 = try fixture.expertToken("E2")
            try await client.send(.put, "/applications/A1/score-sheets/mine", token: e2, json: F.fullSheet)
            try await client.send(.post, "/applications/A1/score-sheets/mine/submit", token: e2)
            let closed = try await client.send(.post, "/rounds/naming-2026/close", token: dep)
            XCTAssertEqual(closed.status, .ok, closed.text)
        }
    }

    func testTrimmedMeanMeansSomethingByDefault() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        try await fixture.submit(F.content("A1"))
        try await fixture.service.built.application.test(.router) { client in
            // Given a round with the defaults: the settings say which aggregate ranks, and it suits the panel of 3
            let shown = try await client.send(.get, "/rounds/naming-2026", token: dep)
            let round = shown.object["round"] as? [String: Any] ?? [:]
            XCTAssertEqual(round["expertsPerApplication"] as? Int, 3)
            XCTAssertEqual(round["aggregate"] as? String, "mean")
            // When the department asks for the trimmed mean with 3 experts, it is refused naming the field
            let trimmedOfThree = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"aggregate":"trimmedMean"}"#)
            XCTAssertEqual(trimmedOfThree.status, .unprocessableContent, trimmedOfThree.text)
            XCTAssertEqual(trimmedOfThree.errorCodes, ["round.aggregate_panel"])
            XCTAssertEqual(trimmedOfThree.errors.first?["field"] as? String, "aggregate")
            let unknown = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"aggregate":"median"}"#)
            XCTAssertEqual(unknown.status, .unprocessableContent, unknown.text)
            XCTAssertEqual(unknown.errors.first?["field"] as? String, "aggregate")
            // And with 5 experts it is accepted, after which the panel cannot shrink below 5 while trimming
            let five = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"expertsPerApplication":5,"aggregate":"trimmedMean"}"#)
            XCTAssertEqual(five.status, .ok, five.text)
            XCTAssertEqual(five.object["aggregate"] as? String, "trimmedMean")
            let fewer = try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"expertsPerApplication":3}"#)
            XCTAssertEqual(fewer.errors.first?["field"] as? String, "expertsPerApplication")
        }
        // Then the setting is what the arithmetic does: five sheets 95, 80, 80, 80, 40 are 75 by the mean, 80 trimmed
        let sheets = [95, 80, 80, 80, 40].enumerated().map { SheetTotal(application: "A1", expert: "E\($0.offset)", total: Rational($0.element)) }
        var round = ReviewRound.defaults(id: "r", kind: .naming, year: 2026, now: Date())
        XCTAssertEqual(Aggregation.aggregate(sheets, settings: round.aggregationSettings).scores.first?.final, Rational(75))
        round.expertsPerApplication = 5
        round.aggregate = .trimmedMean
        XCTAssertEqual(Aggregation.aggregate(sheets, settings: round.aggregationSettings).scores.first?.final, Rational(80))
    }
}
