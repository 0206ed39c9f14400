import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// `GET /applications` pages (limit, cursor) and filters by what people search by; the default page is bounded.
final class PagingTests: XCTestCase {
    typealias F = IntakeFixture

    static func list(_ client: some TestClientProtocol, _ token: String, _ query: String) async throws -> Listing<ApplicationSummaryView> {
        try await client.execute(uri: "/applications\(query)", method: .get, headers: TestRequest.headers(token)) { response in
            XCTAssertEqual(response.status, .ok, String(buffer: response.body))
            return try response.decode(Listing<ApplicationSummaryView>.self)
        }
    }

    func testPagesFollowTheCursorWithoutGapsOrRepeatsAndFiltersNarrow() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            var created: [ApplicationID] = []
            for n in 1...7 {
                let token = n % 2 == 0 ? fixture.qujiang : fixture.kecheng
                let code = n % 2 == 0 ? F.otherCreditCode : F.creditCode
                created.append(try await fixture.submitted(client, token: token, round: round, form: F.validForm(studio: "第\(n)号工作室", creditCode: code)).id)
            }
            // Ids whose order is not the creation order (as time-ordered or random ids may be) change nothing:
            // the cursor is the creation instant with the id as a tie-break.
            try await fixture.service.database.write { db in
                try db.execute(sql: "UPDATE intake_application SET created_at = 1000")
            }
            var seen: [ApplicationID] = []
            var cursor: String?
            repeat {
                let page = try await Self.list(client, fixture.department, "?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                XCTAssertLessThanOrEqual(page.items.count, 3)
                XCTAssertEqual(page.total, 7)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            XCTAssertEqual(seen.count, 7)
            XCTAssertEqual(Set(seen), Set(created), "every application once")
            XCTAssertEqual(seen.map(\.rawValue), seen.map(\.rawValue).sorted(), "equal instants: by id")

            // Filters: county (the department), studio name, unit name, year, status, kind
            let county = try await Self.list(client, fixture.department, "?screeningBody=330803")
            XCTAssertEqual(county.total, 3)
            XCTAssertTrue(county.items.allSatisfy { $0.screeningBodyCode == "330803" })
            let named = try await Self.list(client, fixture.department, "?name=%E7%AC%AC5%E5%8F%B7")  // 第5号
            XCTAssertEqual(named.items.map(\.studioName), ["第5号工作室"])
            let unit = try await Self.list(client, fixture.department, "?unit=%E7%B2%BE%E5%B7%A5")  // 精工
            XCTAssertEqual(unit.total, 7)
            let otherYear = try await Self.list(client, fixture.department, "?year=2027")
            XCTAssertEqual(otherYear.total, 0)
            let narrowed = try await Self.list(client, fixture.department, "?year=2026&status=submitted&kind=naming")
            XCTAssertEqual(narrowed.total, 7)
            // A screening body's filter cannot reach another body
            let own = try await Self.list(client, fixture.kecheng, "?screeningBody=330803")
            XCTAssertTrue(own.items.allSatisfy { $0.screeningBodyCode == "330802" })
            XCTAssertEqual(own.total, 4)

            // Bounds: a limit outside 1–500 and a cursor not of ours are 400s naming the parameter
            for query in ["?limit=0", "?limit=501", "?cursor=bm90IG91cnM", "?year=abc"] {
                try await client.execute(uri: "/applications\(query)", method: .get, headers: TestRequest.headers(fixture.department)) { response in
                    XCTAssertEqual(response.status, .badRequest, query)
                    XCTAssertEqual(try response.problem.errors.first?.field, String(query.dropFirst().prefix { $0 != "=" }))
                }
            }
        }
    }

    func testTheDefaultPageIsBoundedAt50() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            // 60 drafts straight into the table (the submission path is tested elsewhere)
            let template = try await fixture.create(client, token: fixture.kecheng, round: round, form: F.validForm(), submit: false) {
                try $0.decode(ApplicationView.self)
            }
            try await fixture.service.database.write { db in
                for n in 1...59 {
                    try db.execute(sql: """
                        INSERT INTO intake_application (id, kind, round_id, screening_body, status, version, credit_code, studio_name, studio_id,
                            recommendation_order, form_json, submitted_on, withdrawn_on, status_reasons_json, created_at, updated_at)
                        SELECT ?, kind, round_id, screening_body, status, version, credit_code, ?, studio_id, recommendation_order, form_json,
                            submitted_on, withdrawn_on, status_reasons_json, created_at + ?, updated_at FROM intake_application WHERE id = ?
                        """, arguments: ["bulk-\(n)", "批量\(n)号工作室", n, template.id.rawValue])
                }
            }
            let first = try await Self.list(client, fixture.department, "")
            XCTAssertEqual(first.items.count, PageRequest.defaultLimit)
            XCTAssertEqual(first.total, 60)
            let next = try XCTUnwrap(first.nextCursor)
            let second = try await Self.list(client, fixture.department, "?cursor=\(next)")
            XCTAssertEqual(second.items.count, 10)
            XCTAssertNil(second.nextCursor)
            XCTAssertTrue(Set(first.items.map(\.id)).isDisjoint(with: second.items.map(\.id)))
        }
    }
}
