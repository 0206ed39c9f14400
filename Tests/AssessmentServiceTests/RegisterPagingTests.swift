import AssessmentService
import Foundation
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The register (`GET /studios`) pages (limit, cursor over its order: named on, plaque, name, id) and filters by
/// what people search by: name, unit, county, year.
final class RegisterPagingTests: XCTestCase {
    func testTheRegisterPagesWithoutGapsOrRepeatsAndFilters() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.service.built.application.test(.router) { client in
            let file = "studioName,unitName,screeningBodyCode,namedOn\n"
                + "甲工作室,甲公司,330802,2023-05-01\n乙工作室,乙公司,330802,2023-05-01\n丙工作室,丙制造公司,330881,2024-09-15\n"
                + "丁工作室,丁制造公司,330881,2022-01-10\n戊工作室,戊公司,330825,2025-03-03\n"
            let imported = try await client.send(.post, "/provincial-studios/import", token: fixture.department, body: file, contentType: "text/csv")
            XCTAssertEqual(imported.status, .created, imported.text)
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/studios?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: fixture.department)
                XCTAssertEqual(page.status, .ok, page.text)
                XCTAssertLessThanOrEqual(page.json["items"].array.count, 2)
                XCTAssertEqual(page.json["total"].int, 5)
                names += page.json["items"].array.compactMap { $0["studioName"].string }
                cursor = page.json["nextCursor"].string
            } while cursor != nil
            XCTAssertEqual(Set(names).count, 5, "every studio once")
            XCTAssertEqual(names.first, "丁工作室", "oldest named first")
            XCTAssertEqual(names.last, "戊工作室")
            let county = try await client.send(.get, "/studios?screeningBody=330881", token: fixture.department)
            XCTAssertEqual(county.json["total"].int, 2)
            let unit = try await client.send(.get, "/studios?unit=%E5%88%B6%E9%80%A0", token: fixture.department)  // 制造
            XCTAssertEqual(unit.json["total"].int, 2)
            let year = try await client.send(.get, "/studios?year=2023", token: fixture.department)
            XCTAssertEqual(year.json["items"].array.compactMap { $0["studioName"].string }.sorted(), ["乙工作室", "甲工作室"].sorted())
            let name = try await client.send(.get, "/studios?name=%E6%88%8A", token: fixture.department)  // 戊
            XCTAssertEqual(name.json["total"].int, 1)
            let bad = try await client.send(.get, "/studios?limit=0", token: fixture.department)
            XCTAssertEqual(bad.status, .badRequest)
        }
    }
}
