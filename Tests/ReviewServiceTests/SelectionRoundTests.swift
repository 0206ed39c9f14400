import Foundation
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Project-grant (Art 13) and demonstration (Art 14) rounds end to end: quota of the kind, an upheld objection,
/// the kind's decision event, normalisation in the ranking.
final class SelectionRoundTests: XCTestCase {
    typealias F = ReviewFixture

    /// Studios S1…S3 (S3 provincial), their applications D1…D3, experts E1…E3 scoring D1 9, D2 8, D3 7.
    static func runRound(_ kind: ApplicationKind, round: String, fixture: ReviewFixture, upholdObjectionOn upheld: String?,
                         normalise: Bool = false, leaveOut: String? = nil) async throws -> [String: Any] {
        for (index, level) in [StudioLevel.city, .city, kind == .demonstration ? .provincial : .city].enumerated() {
            let id = StudioID("S\(index + 1)")
            try await fixture.service.receive(StudioRegistered(studioID: id, applicationID: nil, studioName: "工作室\(index + 1)", unitName: "单位\(index + 1)",
                                                               screeningBodyCode: "330802", level: level, namedOn: LocalDate("2024-05-01")!,
                                                               cycle: StudioCycle(start: LocalDate("2024-05-01")!)), from: "assessment")
            try await fixture.submit(F.content("D\(index + 1)", round: round, kind: kind, unit: "单位\(index + 1)", studio: id))
        }
        let tokens = try (1...3).map { try fixture.expertToken("E\($0)") }
        let rankingBody = try await fixture.service.built.application.test(.router) { client -> Data in
            let dep = fixture.department
            for index in 1...3 { try await client.send(.post, "/experts", token: dep, json: F.expertJSON("E\(index)")) }
            if normalise { try await client.send(.patch, "/rounds/\(round)", token: dep, json: #"{"normalise":true}"#) }
            for index in 1...3 {
                let passed = try await client.send(.post, "/applications/D\(index)/qualification", token: dep, json: #"{"outcome":"pass"}"#)
                XCTAssertEqual(passed.status, .ok, passed.text)
            }
            let assigned = try await client.send(.post, "/rounds/\(round)/assignment", token: dep)
            XCTAssertEqual(assigned.status, .ok, assigned.text)
            try await client.send(.post, "/rounds/\(round)/scoring", token: dep)
            for (index, token) in tokens.enumerated() {
                for application in 1...3 {
                    // E1 is harsh: one point below the others everywhere
                    try await client.send(.put, "/applications/D\(application)/score-sheets/mine", token: token, json: F.sheet(10 - application - (index == 0 ? 1 : 0)))
                    try await client.send(.post, "/applications/D\(application)/score-sheets/mine/submit", token: token)
                }
            }
            let closed = try await client.send(.post, "/rounds/\(round)/close", token: dep)
            XCTAssertEqual(closed.status, .ok, closed.text)
            let ranking = try await client.send(.get, "/rounds/\(round)/ranking", token: dep).body
            let notice = try await client.send(.post, "/rounds/\(round)/notice", token: dep, json: "{}")
            XCTAssertEqual(notice.status, .created, notice.text)
            if let upheld {
                let objection = try await client.send(.post, "/rounds/\(round)/objections", token: dep, json: #"{"applicationId":"\#(upheld)","text":"成果涉嫌重复申报"}"#)
                let id = (objection.object["objections"] as? [[String: Any]])?.first?["id"] as? Int ?? 0
                let resolved = try await client.send(.post, "/rounds/\(round)/objections/\(id)/resolution", token: dep, json: #"{"upheld":true,"resolution":"经核实属实"}"#)
                XCTAssertEqual(resolved.status, .ok, resolved.text)
            }
            var decision = "{}"
            if let leaveOut {
                // An objection the department found unfounded; the federation may still leave the entry out, with its reason
                let objection = try await client.send(.post, "/rounds/\(round)/objections", token: dep, json: #"{"applicationId":"\#(leaveOut)","text":"群众反映成果署名有争议"}"#)
                let id = (objection.object["objections"] as? [[String: Any]])?.last?["id"] as? Int ?? 0
                try await client.send(.post, "/rounds/\(round)/objections/\(id)/resolution", token: dep, json: #"{"upheld":false,"resolution":"材料齐全"}"#)
                fixture.service.clock.advance(.seconds(8 * 86400))  // past a notice that 中秋节 (25 September) lengthens to the 28th
                let bare = try await client.send(.post, "/rounds/\(round)/decision", token: fixture.federation, json: #"{"excludeApplicationIds":["\#(leaveOut)"]}"#)
                XCTAssertEqual(bare.status, .unprocessableContent, bare.text)
                XCTAssertEqual(bare.errors.first?["field"] as? String, "reason")
                let unobjected = try await client.send(.post, "/rounds/\(round)/decision", token: fixture.federation,
                                                  json: #"{"excludeApplicationIds":["D1"],"reason":"x"}"#)
                XCTAssertEqual(unobjected.errorCodes, ["decision.exclusion_not_objected"], unobjected.text)
                decision = #"{"excludeApplicationIds":["\#(leaveOut)"],"reason":"署名争议尚未澄清，暂不入选"}"#
            } else {
                fixture.service.clock.advance(.seconds(8 * 86400))  // past a notice that 中秋节 (25 September) lengthens to the 28th
            }
            let decided = try await client.send(.post, "/rounds/\(round)/decision", token: fixture.federation, json: decision)
            XCTAssertEqual(decided.status, .ok, decided.text)
            return ranking
        }
        return try JSONSerialization.jsonObject(with: rankingBody) as? [String: Any] ?? [:]
    }

    func testADemonstrationRoundSelectsWithinItsQuotaAndAnUpheldObjectionRemovesAStudio() async throws {
        let fixture = try ReviewFixture()
        // Demonstration quota defaults to 2 (Art 14: 1–2); D1 and D2 are proposed, the objection on D2 holds
        let ranking = try await Self.runRound(.demonstration, round: "demo-2026", fixture: fixture, upholdObjectionOn: "D2")
        XCTAssertEqual((ranking["lines"] as? [[String: Any]])?.map { $0["proposed"] as? Bool }, [true, true, false])
        let selected = try fixture.service.emitted(DemonstrationSelected.self)
        XCTAssertEqual(selected.map(\.data.studioID), ["S1"])
        XCTAssertEqual(selected.first?.data.roundID, "demo-2026")
        XCTAssertEqual(try fixture.statuses(of: "D1").last, .selected)
        XCTAssertEqual(try fixture.statuses(of: "D2"), [.qualificationPassed, .underExpertReview, .onPublicNotice, .notSelected])
        let d2 = try fixture.service.emitted(ApplicationStatusChanged.self).last { $0.data.applicationID == "D2" }
        XCTAssertEqual(d2?.data.reasons.map(\.code), ["objection_upheld"])
        XCTAssertEqual(try fixture.statuses(of: "D3").last, .notSelected)
        XCTAssertTrue(try fixture.service.emitted(StudioNamed.self).isEmpty)
    }

    func testTheFederationMayApproveWithoutAnObjectedEntryGivingItsReason() async throws {
        let fixture = try ReviewFixture()
        // Demonstration: D1 and D2 proposed; an objection on D2 found unfounded, and the federation leaves D2 out anyway
        _ = try await Self.runRound(.demonstration, round: "demo-2026", fixture: fixture, upholdObjectionOn: nil, leaveOut: "D2")
        XCTAssertEqual(try fixture.service.emitted(DemonstrationSelected.self).map(\.data.studioID), ["S1"])
        let d2 = try fixture.service.emitted(ApplicationStatusChanged.self).last { $0.data.applicationID == "D2" }
        XCTAssertEqual(d2?.data.status, .notSelected)
        XCTAssertEqual(d2?.data.reasons.map(\.code), ["decision.left_out_after_objection"])
        XCTAssertTrue(d2?.data.reasons.first?.messageZh.contains("署名争议尚未澄清") ?? false)
        let audited = try await fixture.service.database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM review_audit WHERE action = 'decision.left_out'")
        }
        XCTAssertEqual(audited, ["decision.left_out"])
    }

    func testAProjectGrantRoundAwardsTheProposedStudiosWithNormalisedScores() async throws {
        let fixture = try ReviewFixture()
        let ranking = try await Self.runRound(.projectGrant, round: "grant-2026", fixture: fixture, upholdObjectionOn: nil, normalise: true)
        // Quota 5 (Art 13: 2–5) takes all three that reach 60
        let lines = ranking["lines"] as? [[String: Any]] ?? []
        XCTAssertEqual(lines.map { $0["applicationId"] as? String }, ["D1", "D2", "D3"])
        XCTAssertTrue(lines.allSatisfy { $0["normalisedMean"] as? String != nil })
        // E1 is harsh by a constant: normalised, every application's sheets agree, so the final equals the lenient experts' score
        XCTAssertEqual(lines.map { $0["mean"] as? String }, ["86.67", "76.67", "66.67"])
        XCTAssertEqual((ranking["adjustments"] as? [[String: Any]])?.filter { $0["kind"] as? String == "normalised" }.count, 3)
        let awarded = try fixture.service.emitted(ProjectGrantAwarded.self)
        XCTAssertEqual(awarded.map(\.data.studioID), ["S1", "S2", "S3"])
        XCTAssertEqual(awarded.first?.aggregate, "studio:S1")
    }
}
