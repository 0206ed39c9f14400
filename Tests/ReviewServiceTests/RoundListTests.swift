import Foundation
import GRDB
import HummingbirdTesting
import Messaging
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Review's rounds: a kind and year whose round intake cancelled opens again under a new id and takes its
/// applications; the round list and a round's audit page (limit, cursor) and filter.
final class RoundListTests: XCTestCase {
    typealias F = ReviewFixture

    static func opened(_ id: String, _ kind: ApplicationKind = .naming, year: Int = 2026) -> RoundOpened {
        RoundOpened(roundID: RoundID(id), kind: kind, year: year, opensOn: LocalDate("\(year)-08-01")!, deadline: LocalDate("\(year)-10-31")!)
    }

    static func ids(_ reply: Reply) -> [String] {
        (reply.object["items"] as? [[String: Any]])?.compactMap { ($0["id"] as? String) ?? ($0["id"] as? Int).map(String.init) } ?? []
    }

    func testARoundOfACancelledRoundsKindAndYearIsAcceptedAndTakesApplications() async throws {
        let fixture = try ReviewFixture()
        try await fixture.service.built.application.test(.router) { client in
            guard case .applied = try await fixture.service.receive(Self.opened("first"), from: "intake") else { return XCTFail("round.opened") }
            try await fixture.submit(F.content("A1", round: "first"))
            let cancelled = try await fixture.service.receive(RoundCancelled(roundID: "first", cancelledOn: LocalDate("2026-09-02")!, reason: "重新组织"),
                                                              from: "intake")
            guard case .applied = cancelled else { return XCTFail("round.cancelled was \(cancelled)") }
            // Intake opened naming 2026 again under a new id: review knows it beside the cancelled one
            let again = try await fixture.service.receive(Self.opened("second"), from: "intake")
            guard case .applied = again else { return XCTFail("the second naming round of 2026 was \(again)") }
            try await fixture.submit(F.content("A2", round: "second"), on: "2026-09-03")
            let second = try await client.send(.get, "/rounds/second", token: fixture.department)
            XCTAssertEqual(second.status, .ok, second.text)
            XCTAssertEqual(second.object["applications"] as? Int, 1)
            let both = try await client.send(.get, "/rounds?year=2026&kind=naming", token: fixture.department)
            XCTAssertEqual(Set(Self.ids(both)), ["first", "second"])
            let apps = try await client.send(.get, "/rounds/second/applications", token: fixture.department)
            XCTAssertEqual((apps.object["items"] as? [[String: Any]])?.compactMap { $0["applicationId"] as? String }, ["A2"])
        }
    }

    func testTheRoundListAndARoundsAuditPageAndFilter() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        for event in [Self.opened("n-2025", year: 2025), Self.opened("n-2026"), Self.opened("p-2026", .projectGrant), Self.opened("n-2027", year: 2027),
                      Self.opened("d-2026", .demonstration)] {
            guard case .applied = try await fixture.service.receive(event, from: "intake") else { return XCTFail("round.opened") }
        }
        try await fixture.service.built.application.test(.router) { client in
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/rounds?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: dep)
                XCTAssertEqual(page.status, .ok, page.text)
                XCTAssertLessThanOrEqual(Self.ids(page).count, 2)
                XCTAssertEqual(page.object["total"] as? Int, 5)
                seen += Self.ids(page)
                cursor = page.object["nextCursor"] as? String
            } while cursor != nil
            XCTAssertEqual(seen, ["n-2027", "d-2026", "n-2026", "p-2026", "n-2025"], "newest year first, then by id, each once")
            let naming2026 = try await client.send(.get, "/rounds?kind=naming&year=2026", token: dep)
            XCTAssertEqual(Self.ids(naming2026), ["n-2026"])
            let open = try await client.send(.get, "/rounds?status=open", token: dep)
            XCTAssertEqual(open.object["total"] as? Int, 5)
            let decided = try await client.send(.get, "/rounds?status=decided", token: dep)
            XCTAssertEqual(decided.object["total"] as? Int, 0)
            for query in ["status=finished", "kind=other", "year=20", "cursor=bm90IG91cnM", "limit=0"] {
                let refused = try await client.send(.get, "/rounds?\(query)", token: dep)
                XCTAssertEqual(refused.status, .badRequest, query)
            }

            // A round's audit: round.opened, three configurations, a deadline change
            for quota in [6, 7, 8] {
                let configured = try await client.send(.patch, "/rounds/n-2026", token: dep, json: #"{"quota":\#(quota)}"#)
                XCTAssertEqual(configured.status, .ok, configured.text)
            }
            _ = try await fixture.service.receive(RoundChanged(roundID: "n-2026", change: "deadline", deadline: LocalDate("2026-11-02")!,
                                                               previousDeadline: LocalDate("2026-10-31")!, quotaPerBody: nil, quotas: [:], reason: "延期两天"),
                                                  from: "intake")
            var actions: [String] = []
            cursor = nil
            repeat {
                let page = try await client.send(.get, "/rounds/n-2026/audit?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: dep)
                XCTAssertEqual(page.status, .ok, page.text)
                XCTAssertEqual(page.object["total"] as? Int, 5)
                actions += (page.object["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
                cursor = page.object["nextCursor"] as? String
            } while cursor != nil
            XCTAssertEqual(actions, ["round.opened", "round.configured", "round.configured", "round.configured", "round.changed"])
            let configured = try await client.send(.get, "/rounds/n-2026/audit?action=round.configured", token: dep)
            XCTAssertEqual(configured.object["total"] as? Int, 3)
            let fromIntake = try await client.send(.get, "/rounds/n-2026/audit?action=round.c", token: dep)
            XCTAssertEqual(fromIntake.object["total"] as? Int, 4, "an action's beginning")
            let bad = try await client.send(.get, "/rounds/n-2026/audit?cursor=x", token: dep)
            XCTAssertEqual(bad.status, .badRequest)
        }
    }
}
