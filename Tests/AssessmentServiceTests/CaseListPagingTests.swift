import AssessmentService
import Foundation
import GRDB
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Assessment's work lists page as the register does (limit, cursor, `total`, `nextCursor`; 50 by default) and
/// filter by what people look them up by: revocation cases, change reports, demonstration acceptances (status,
/// studio, name, unit, county, year), the due list (name, unit, county) and the public notices (kind, year).
final class CaseListPagingTests: XCTestCase {
    /// Every page of `uri` at `limit` a page: the ids in order; each page at most `limit` and the same `total`.
    static func walk(_ fixture: AssessmentFixture, _ client: some TestClientProtocol, _ uri: String, token: String?, limit: Int, total: Int,
                     file: StaticString = #filePath, line: UInt = #line) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        let separator = uri.contains("?") ? "&" : "?"
        repeat {
            let page = try await client.send(.get, uri + separator + "limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            XCTAssertEqual(page.status, .ok, page.text, file: file, line: line)
            XCTAssertLessThanOrEqual(page.json["items"].array.count, limit, file: file, line: line)
            XCTAssertEqual(page.json["total"].int, total, uri, file: file, line: line)
            ids += page.json["items"].array.compactMap { $0["id"].string }
            cursor = page.json["nextCursor"].string
        } while cursor != nil
        XCTAssertEqual(ids.count, total, "\(uri): every item once", file: file, line: line)
        return ids
    }

    func testCaseListsTheDueListAndNoticesPageAndFilter() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        // Four city studios whose window is open (cycle ends early 2027), one whose is not
        let studios: [(id: String, name: String, unit: String, body: String, named: String)] = [
            ("s1", "甲数控创新工作室", "衢州精工机械有限公司", "330802", "2024-01-01"), ("s2", "乙焊接创新工作室", "衢江化工有限公司", "330803", "2024-01-10"),
            ("s3", "丙数控创新工作室", "衢州精工机械有限公司", "330802", "2024-01-20"), ("s4", "丁电气创新工作室", "龙游电力有限公司", "330825", "2024-02-01"),
            ("s5", "戊数控创新工作室", "江山制造有限公司", "330881", "2024-08-01")]
        for studio in studios {
            try await fixture.name(AssessmentFixture.named(studio.id, name: studio.name, unit: studio.unit, body: studio.body, namedOn: studio.named))
        }
        try await fixture.service.database.write { db in
            for n in 1...5 {
                try db.execute(sql: """
                    INSERT INTO revocation_case (id, studio_id, origin, description, found_on, opened_by_role, opened_at, status)
                    VALUES (?, ?, 'department', '材料抄袭', ?, 'department', ?, ?)
                    """, arguments: ["r\(n)", "s\((n - 1) % 4 + 1)", n <= 3 ? "2026-0\(n)-01" : "2025-0\(n)-01", n, n == 5 ? "dismissed" : "open"])
            }
            for n in 1...3 {
                try db.execute(sql: """
                    INSERT INTO change_report (id, studio_id, new_unit_name, previous_unit_name, previous_screening_body_code, reported_on,
                        reported_by_role, reported_at, status)
                    VALUES (?, ?, '新单位', '旧单位', '330802', ?, 'department', ?, ?)
                    """, arguments: ["c\(n)", "s\(n)", n == 3 ? "2025-05-01" : "2026-05-0\(n)", n, n == 1 ? "adjusted" : "pending"])
                try db.execute(sql: """
                    INSERT INTO demonstration_acceptance (id, studio_id, application_id, round_id, year, status, opened_at)
                    VALUES (?, ?, ?, ?, ?, 'pending', ?)
                    """, arguments: ["d\(n)", "s\(n)", "app-d\(n)", "demo-\(2024 + n)", 2024 + n, 10 - n])
                try db.execute(sql: """
                    INSERT INTO public_notice (id, studio_id, kind, reason, title_zh, body_zh, published_on, published_at, issued_by_role)
                    VALUES (?, ?, ?, 'plagiarismOrFraud', '通报', '通报正文', ?, ?, 'federation')
                    """, arguments: ["p\(n)", "s\(n)", n == 2 ? "expiry" : "revocation", "202\(4 + n)-03-01", n * 1000])
            }
        }
        let (dep, fed) = (fixture.department, fixture.federation)
        try await fixture.service.built.application.test(.router) { client in
            let cases = try await Self.walk(fixture, client, "/revocation-cases", token: dep, limit: 2, total: 5)
            XCTAssertEqual(cases, ["r1", "r2", "r3", "r4", "r5"], "oldest opened first")
            func expectTotal(_ uri: String, _ expected: Int, _ message: String = "", line: UInt = #line) async throws {
                let reply = try await client.send(.get, uri, token: fed)
                XCTAssertEqual(reply.status, .ok, "\(uri): \(reply.text)", line: line)
                XCTAssertEqual(reply.json["total"].int, expected, "\(uri) \(message)", line: line)
            }
            try await expectTotal("/revocation-cases?status=open", 4)
            try await expectTotal("/revocation-cases?year=2026", 3)
            try await expectTotal("/revocation-cases?screeningBody=330802", 3, "s1 (r1, r5) and s3 (r3)")
            try await expectTotal("/revocation-cases?name=%E6%95%B0%E6%8E%A7&status=open", 2)  // 数控: s1 and s3, open
            try await expectTotal("/revocation-cases?unit=%E9%BE%99%E6%B8%B8", 1)  // 龙游: s4
            try await expectTotal("/revocation-cases?studioId=s2", 1)

            let changes = try await Self.walk(fixture, client, "/change-reports", token: dep, limit: 2, total: 3)
            XCTAssertEqual(changes, ["c1", "c2", "c3"])
            try await expectTotal("/change-reports?status=pending&year=2026", 1)
            let acceptances = try await Self.walk(fixture, client, "/demonstration-acceptances", token: dep, limit: 1, total: 3)
            XCTAssertEqual(acceptances, ["d1", "d2", "d3"], "by the round's year")
            try await expectTotal("/demonstration-acceptances?year=2026", 1)
            try await expectTotal("/demonstration-acceptances?screeningBody=330803", 1)

            let due = try await Self.walk(fixture, client, "/assessments/due", token: dep, limit: 3, total: 4)
            XCTAssertEqual(due, ["s1", "s2", "s3", "s4"], "by the cycle's end")
            try await expectTotal("/assessments/due?name=%E6%95%B0%E6%8E%A7", 2)  // 数控: s1, s3 (s5's window is not open)
            try await expectTotal("/assessments/due?screeningBody=330825&unit=%E9%BE%99%E6%B8%B8", 1)

            let notices = try await Self.walk(fixture, client, "/public/notices", token: nil, limit: 2, total: 3)
            XCTAssertEqual(notices, ["p3", "p2", "p1"], "newest first")
            let expiries = try await client.send(.get, "/public/notices?kind=expiry", token: nil)
            XCTAssertEqual(expiries.json["items"].array.compactMap { $0["id"].string }, ["p2"])
            let year = try await client.send(.get, "/public/notices?year=2027", token: nil)
            XCTAssertEqual(year.json["items"].array.compactMap { $0["id"].string }, ["p3"])

            for uri in ["/revocation-cases?status=closed", "/change-reports?year=abc", "/demonstration-acceptances?limit=0",
                        "/assessments/due?cursor=bm90IG91cnM", "/revocation-cases?cursor=bm90IG91cnM", "/public/notices?kind=other"] {
                let refused = try await client.send(.get, uri, token: dep)
                XCTAssertEqual(refused.status, .badRequest, "\(uri): \(refused.text)")
                XCTAssertFalse(refused.issue["field"].string?.isEmpty ?? true, uri)
            }
        }
    }
}
