import Foundation
import GRDB
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// Funding's other lists page as `GET /grants` does (limit, cursor, `total`, `nextCursor`; 50 by default) and
/// filter by what people look them up by: budgets by year, inspections, a studio's expenses.
final class FundingListPagingTests: XCTestCase {
    /// Every page of `uri` at `limit` a page, as JSON objects; each page at most `limit` and the same `total`.
    static func walk(_ client: some TestClientProtocol, _ uri: String, token: String, limit: Int, total: Int,
                     file: StaticString = #filePath, line: UInt = #line) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var cursor: String?
        let separator = uri.contains("?") ? "&" : "?"
        repeat {
            let response = try await client.call(.get, uri + separator + "limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token,
                                                 expect: .ok, file: file, line: line)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: response.body) as? [String: Any], file: file, line: line)
            let page = object["items"] as? [[String: Any]] ?? []
            XCTAssertLessThanOrEqual(page.count, limit, file: file, line: line)
            XCTAssertEqual(object["total"] as? Int, total, uri, file: file, line: line)
            items += page
            cursor = object["nextCursor"] as? String
        } while cursor != nil
        XCTAssertEqual(items.count, total, "\(uri): every item once", file: file, line: line)
        return items
    }

    static func total(_ client: some TestClientProtocol, _ uri: String, token: String, file: StaticString = #filePath, line: UInt = #line) async throws -> Int? {
        let response = try await client.call(.get, uri, token: token, expect: .ok, file: file, line: line)
        return (try JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["total"] as? Int
    }

    static func expectTotal(_ client: some TestClientProtocol, _ uri: String, token: String, _ expected: Int,
                            file: StaticString = #filePath, line: UInt = #line) async throws {
        let total = try await total(client, uri, token: token, file: file, line: line)
        XCTAssertEqual(total, expected, uri, file: file, line: line)
    }

    func testBudgetsInspectionsAndExpensesPageAndFilter() async throws {
        let fixture = try FundingFixture()
        let department = try fixture.token(.department), audit = try fixture.token(.auditOffice)
        for year in 2022...2026 { try fixture.setBudget(year, yuan: 100_000) }
        let studio = try await fixture.nameStudio()
        let others = [try await fixture.nameStudio(), try await fixture.nameStudio()]
        let grant = try XCTUnwrap(try fixture.grants(studio: studio).first)
        try await fixture.database.write { db in
            // Inspections due over three years, one closed; and the first studio's spending over two years
            for (n, (studioID, dueOn, status)) in [(studio, "2027-03-01", "closed"), (others[0], "2028-09-21", "scheduled"),
                                                   (others[1], "2028-09-21", "scheduled"), (studio, "2029-03-01", "scheduled")].enumerated() {
                try db.execute(sql: "INSERT INTO inspection (id, studio_id, due_on, status, created_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: ["I\(n)", studioID.rawValue, dueOn, status, n])
            }
            for n in 1...7 {
                try db.execute(sql: """
                    INSERT INTO expense (id, studio_id, grant_id, category, purpose, amount_fen, spent_on, description, recorded_by, recorded_at)
                    VALUES (?, ?, ?, ?, ?, 10000, ?, '材料费', 'finance:test', ?)
                    """, arguments: ["X\(n)", studio.rawValue, grant.id.rawValue, n % 2 == 0 ? "printing" : "analysisTesting",
                                     n <= 3 ? "talentTraining" : "technicalInnovation", n <= 4 ? "2026-10-0\(n)" : "2027-01-0\(n)", 1000 - n])
            }
        }
        try await fixture.service.built.application.test(.router) { client in
            let years = try await Self.walk(client, "/budgets", token: audit, limit: 2, total: 5).compactMap { $0["year"] as? Int }
            XCTAssertEqual(years, [2022, 2023, 2024, 2025, 2026], "oldest year first")

            let inspections = try await Self.walk(client, "/inspections", token: audit, limit: 3, total: 4)
            XCTAssertEqual(inspections.compactMap { $0["id"] as? String }, ["I0", "I1", "I2", "I3"], "by due day, then id")
            let due2028 = try await Self.total(client, "/inspections?year=2028", token: department)
            XCTAssertEqual(due2028, 2)
            let open = try await Self.total(client, "/inspections?status=scheduled&studioId=\(studio)", token: department)
            XCTAssertEqual(open, 1)

            let expenses = try await Self.walk(client, "/studios/\(studio)/expenses", token: audit, limit: 3, total: 7)
            XCTAssertEqual(expenses.compactMap { $0["id"] as? String }, (1...7).map { "X\($0)" }, "in the order spent")
            try await Self.expectTotal(client, "/studios/\(studio)/expenses?year=2027", token: department, 3)
            try await Self.expectTotal(client, "/studios/\(studio)/expenses?category=printing", token: department, 3)
            try await Self.expectTotal(client, "/studios/\(studio)/expenses?purpose=talentTraining&year=2026", token: department, 3)
            try await Self.expectTotal(client, "/studios/\(studio)/expenses?approval=pending", token: department, 0)
            try await Self.expectTotal(client, "/studios/\(others[0])/expenses", token: department, 0)

            for uri in ["/budgets?limit=0", "/budgets?cursor=bm90IG91cnM", "/inspections?year=abc", "/inspections?limit=501",
                        "/studios/\(studio)/expenses?category=food", "/studios/\(studio)/expenses?cursor=bm90IG91cnM"] {
                let refused = try await client.call(.get, uri, token: department, expect: .badRequest)
                XCTAssertFalse(try refused.problem.errors.isEmpty, uri)
            }
        }
    }
}
