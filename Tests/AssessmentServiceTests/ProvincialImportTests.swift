import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Provincial studios imported from a file so they may compete for demonstration status (Art 14).
final class ProvincialImportTests: XCTestCase {
    func testThePublicRegisterIsPagedInItsOrderAndFindsAStudioByPartOfItsName() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.service.built.application.test(.router) { client in
            // Given 120 studios on the register
            let rows = (1...120).map { n in #"{"studioName":"省级\#(n)号工作室","unitName":"\#(n)号公司","screeningBodyCode":"330802","namedOn":"\#(2020 + n % 3)-05-01"}"# }
            let imported = try await client.send(.post, "/provincial-studios/import", token: fixture.department, body: #"{"studios":[\#(rows.joined(separator: ","))]}"#)
            XCTAssertEqual(imported.status, .created, imported.text)
            // When the public reads it 50 at a time
            let first = try await client.send(.get, "/public/studios?limit=50&offset=0")
            let third = try await client.send(.get, "/public/studios?limit=50&offset=100")
            // Then each page holds its share, all count 120, and the order is the register's (year named first)
            XCTAssertEqual(first.json["total"].int, 120)
            XCTAssertEqual(first.json["items"].array.count, 50)
            XCTAssertEqual(third.json["items"].array.count, 20)
            let years = first.json["items"].array.compactMap { $0["yearNamed"].int } + third.json["items"].array.compactMap { $0["yearNamed"].int }
            XCTAssertEqual(years, years.sorted())
            let found = try await client.send(.get, "/public/studios?q=" + "级17号".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            XCTAssertEqual(found.json["items"].array.compactMap { $0["name"].string }, ["省级17号工作室"])
            let bad = try await client.send(.get, "/public/studios?limit=0")
            XCTAssertEqual(bad.status, .unprocessableContent)
            XCTAssertEqual(bad.json["errors"][0]["field"].string, "limit")
        }
    }

    func testACSVFileRegistersProvincialStudiosAllOrNothing() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.service.built.application.test(.router) { client in
            // A file with one bad date and one unknown body is refused whole
            let bad = "studioName,unitName,screeningBodyCode,namedOn\n省级甲工作室,甲公司,330802,2024-13-01\n省级乙工作室,乙公司,999,2023-05-01\n"
            let refused = try await client.send(.post, "/provincial-studios/import", token: fixture.department, body: bad, contentType: "text/csv")
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertEqual(Set(refused.json["errors"].array.compactMap { $0["field"].string }), ["studios[0].namedOn", "studios[1].screeningBodyCode"])
            XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM studio"), 0)
            // A good file, with a quoted name holding a comma, is registered
            let good = "\u{FEFF}studioName,unitName,screeningBodyCode,namedOn\r\n\"浙江省“许某”技能大师工作室,龙游\",龙游某纸业有限公司,330825,2023-05-01\r\n省级乙工作室,乙公司,330881,2022-09-15\r\n"
            let imported = try await client.send(.post, "/provincial-studios/import", token: fixture.department, body: good, contentType: "text/csv")
            XCTAssertEqual(imported.status, .created, imported.text)
            XCTAssertEqual(imported.json["registered"].array.count, 2)
            // The same file again registers nothing new
            let again = try await client.send(.post, "/provincial-studios/import", token: fixture.department, body: good, contentType: "text/csv")
            XCTAssertEqual(again.json["registered"].array.count, 0)
            XCTAssertEqual(again.json["skipped"].array.compactMap(\.int), [0, 1])
            // Provincial studios have no city plaque and no city cycle standing, and are on the public list
            let provincial = try await client.send(.get, "/studios?level=provincial", token: fixture.department)
            XCTAssertEqual(provincial.json["items"].array.count, 2)
            XCTAssertEqual(provincial.json["items"][0]["plaque"], .null)
            XCTAssertEqual(provincial.json["items"][0]["standing"], .null)
            let listing = try await client.send(.get, "/public/studios")
            XCTAssertEqual(Set(listing.json["items"].array.compactMap { $0["name"].string }), ["浙江省“许某”技能大师工作室,龙游", "省级乙工作室"])
            // JSON works too, and only the department imports
            let json = try await client.send(.post, "/provincial-studios/import", token: fixture.department,
                                              body: #"{"studios":[{"studioName":"省级丙工作室","unitName":"丙公司","screeningBodyCode":"QZ-GIC","namedOn":"2021-01-01"}]}"#)
            XCTAssertEqual(json.status, .created)
            let federation = try await client.send(.post, "/provincial-studios/import", token: fixture.federation, body: #"{"studios":[]}"#)
            XCTAssertEqual(federation.status, .forbidden)
        }
        let registered = try fixture.service.emitted(StudioRegistered.self)
        XCTAssertEqual(registered.count, 3)
        XCTAssertTrue(registered.allSatisfy { $0.data.level == .provincial && $0.data.applicationID == nil })
    }

    func testAProvincialStudioCanBeSelectedForDemonstrationAcceptance() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        let id = try await fixture.service.built.application.test(.router) { client in
            let imported = try await client.send(.post, "/provincial-studios/import", token: fixture.department,
                                                  body: #"{"studios":[{"studioName":"省级丁工作室","unitName":"丁公司","screeningBodyCode":"330802","namedOn":"2021-01-01"}]}"#)
            return try XCTUnwrap(imported.json["registered"][0].string)
        }
        let result = try await fixture.service.receive(DemonstrationSelected(studioID: StudioID(id), applicationID: "demo-9", roundID: "demo-2026", year: 2026), from: "review")
        guard case .applied = result else { return XCTFail("\(result)") }
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM demonstration_acceptance WHERE studio_id = ?", [id]), 1)
    }
}
