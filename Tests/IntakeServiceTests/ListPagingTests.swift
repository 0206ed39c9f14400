import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Intake's other lists page as `GET /applications` does (limit, cursor, `total`, `nextCursor`; 50 by default, at
/// most 500) and filter by what people look them up by: rounds, the studio register, versions, attachments.
final class ListPagingTests: XCTestCase {
    typealias F = IntakeFixture

    struct Page<Item: Decodable>: Decodable {
        var items: [Item]
        var nextCursor: String?
        var total: Int?
    }

    static func get<Item: Decodable>(_ client: some TestClientProtocol, _ token: String, _ uri: String, as: Item.Type) async throws -> Page<Item> {
        try await client.execute(uri: uri, method: .get, headers: TestRequest.headers(token)) { response in
            XCTAssertEqual(response.status, .ok, "\(uri): \(String(buffer: response.body))")
            return try response.decode(Page<Item>.self)
        }
    }

    /// Every page of `uri` at `limit` a page: the items in order; each page at most `limit` and the same `total`.
    static func walk<Item: Decodable>(_ client: some TestClientProtocol, _ token: String, _ uri: String, limit: Int, as type: Item.Type,
                                      total: Int, file: StaticString = #filePath, line: UInt = #line) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        let separator = uri.contains("?") ? "&" : "?"
        repeat {
            let page = try await get(client, token, uri + separator + "limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), as: type)
            XCTAssertLessThanOrEqual(page.items.count, limit, file: file, line: line)
            XCTAssertEqual(page.total, total, uri, file: file, line: line)
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(items.count, total, "\(uri): every item once", file: file, line: line)
        return items
    }

    static func refused(_ client: some TestClientProtocol, _ token: String, _ uri: String, field: String,
                        file: StaticString = #filePath, line: UInt = #line) async throws {
        try await client.execute(uri: uri, method: .get, headers: TestRequest.headers(token)) { response in
            XCTAssertEqual(response.status, .badRequest, uri, file: file, line: line)
            XCTAssertEqual(try response.problem.errors.first?.field, field, uri, file: file, line: line)
        }
    }

    func testRoundsPageNewestYearFirstAndFilterByKindYearAndCancellation() async throws {
        let fixture = try IntakeFixture(on: "2026-03-01")
        try await fixture.service.built.application.test(.router) { client in
            var opened: [RoundID] = []
            for (kind, year) in [(ApplicationKind.naming, 2025), (.naming, 2026), (.projectGrant, 2026), (.demonstration, 2026), (.naming, 2027)] {
                opened.append(try await fixture.openRound(client, kind: kind, year: year, opensOn: "\(year)-04-01", deadline: "\(year)-10-31"))
            }
            try await RoundCorrectionTests.post(client, fixture, "/rounds/\(opened[2])/cancel", RoundCorrectionTests.Body(reason: "项目补助批次重新组织")) {
                XCTAssertEqual($0.status, .ok, String(buffer: $0.body))
            }
            let all = try await Self.walk(client, fixture.kecheng, "/rounds", limit: 2, as: IntakeRound.self, total: 5)
            XCTAssertEqual(all.map(\.year), [2027, 2026, 2026, 2026, 2025], "newest year first")
            XCTAssertEqual(all.filter { $0.year == 2026 }.map(\.kind.rawValue), ["demonstration", "naming", "projectGrant"], "then by kind")
            let year = try await Self.get(client, fixture.department, "/rounds?year=2026", as: IntakeRound.self)
            XCTAssertEqual(year.total, 3)
            let naming = try await Self.get(client, fixture.department, "/rounds?kind=naming", as: IntakeRound.self)
            XCTAssertEqual(naming.items.map(\.year), [2027, 2026, 2025])
            let cancelled = try await Self.get(client, fixture.department, "/rounds?cancelled=true", as: IntakeRound.self)
            XCTAssertEqual(cancelled.items.map(\.id), [opened[2]])
            let standing = try await Self.get(client, fixture.department, "/rounds?cancelled=false&year=2026", as: IntakeRound.self)
            XCTAssertEqual(Set(standing.items.map(\.id)), [opened[1], opened[3]])
            XCTAssertNil(standing.nextCursor)
            for (query, field) in [("kind=other", "kind"), ("year=19", "year"), ("cancelled=maybe", "cancelled"), ("limit=501", "limit"),
                                   ("cursor=bm90IG91cnM", "cursor")] {
                try await Self.refused(client, fixture.department, "/rounds?\(query)", field: field)
            }
        }
    }

    func testTheStudioRegisterPagesByNameAndFiltersByCountyNameUnitStatusLevelAndYear() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        for n in 1...7 {
            let named = LocalDate(n <= 4 ? "2023-05-0\(n)" : "2024-06-0\(n)")!
            let result = try await fixture.service.receive(
                StudioRegistered(studioID: StudioID("S\(n)"), applicationID: nil, studioName: "第\(n)号创新工作室",
                                 unitName: n % 2 == 0 ? "衢州精工机械有限公司" : "衢江化工有限公司", screeningBodyCode: n <= 5 ? "330802" : "330803",
                                 level: n == 7 ? .provincial : .city, namedOn: named, cycle: StudioCycle(start: named)), from: "assessment")
            guard case .applied = result else { return XCTFail("registration not applied: \(result)") }
        }
        try await fixture.service.built.application.test(.router) { client in
            let all = try await Self.walk(client, fixture.department, "/studios", limit: 3, as: ReplicatedStudio.self, total: 7)
            XCTAssertEqual(all.map(\.studioName), all.map(\.studioName).sorted(), "by name")
            // A county sees its own, whatever it asks for
            let own = try await Self.walk(client, fixture.kecheng, "/studios?screeningBody=330803", limit: 2, as: ReplicatedStudio.self, total: 5)
            XCTAssertTrue(own.allSatisfy { $0.screeningBodyCode == "330802" })
            let county = try await Self.get(client, fixture.department, "/studios?screeningBody=330803", as: ReplicatedStudio.self)
            XCTAssertEqual(county.items.map(\.studioId.rawValue), ["S6", "S7"])
            let unit = try await Self.get(client, fixture.department, "/studios?unit=%E7%B2%BE%E5%B7%A5", as: ReplicatedStudio.self)  // 精工
            XCTAssertEqual(unit.total, 3)
            let name = try await Self.get(client, fixture.department, "/studios?name=%E7%AC%AC5%E5%8F%B7", as: ReplicatedStudio.self)  // 第5号
            XCTAssertEqual(name.items.map(\.studioId.rawValue), ["S5"])
            let year = try await Self.get(client, fixture.department, "/studios?year=2023&level=city&status=active", as: ReplicatedStudio.self)
            XCTAssertEqual(year.total, 4)
            let provincial = try await Self.get(client, fixture.department, "/studios?level=provincial", as: ReplicatedStudio.self)
            XCTAssertEqual(provincial.items.map(\.studioId.rawValue), ["S7"])
            for (query, field) in [("status=named", "status"), ("level=county", "level"), ("year=abc", "year"), ("limit=0", "limit")] {
                try await Self.refused(client, fixture.department, "/studios?\(query)", field: field)
            }
        }
    }

    func testVersionsAndAttachmentsPageAndAttachmentsFilterByName() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let pdf = Array("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8)
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let app = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: F.validForm())
            // Two amendments: versions 2 and 3
            for text in ["第二版", "第三版"] {
                var form = F.validForm()
                form.studio?.name = "王建国数控技能创新工作室（\(text)）"
                try await client.execute(uri: "/applications/\(app.id)", method: .put, headers: TestRequest.headers(fixture.kecheng), body: TestRequest.json(form)) {
                    XCTAssertEqual($0.status, .ok, String(buffer: $0.body))
                }
            }
            let versions = try await Self.walk(client, fixture.department, "/applications/\(app.id)/versions", limit: 1,
                                               as: ApplicationVersionView.self, total: 3)
            XCTAssertEqual(versions.map(\.version), [1, 2, 3])
            XCTAssertEqual(versions.last?.form.studio?.name, "王建国数控技能创新工作室（第三版）")
            try await Self.refused(client, fixture.department, "/applications/\(app.id)/versions?cursor=bm90IG91cnM", field: "cursor")

            let upload = TestRequest.headers(fixture.kecheng, contentType: "application/octet-stream")
            for (n, name) in ["%E5%9C%BA%E5%9C%B0.pdf", "licence.pdf", "%E5%9C%BA%E5%9C%B0%E7%85%A7%E7%89%87.pdf", "minutes.pdf"].enumerated() {
                fixture.service.clock.advance(.milliseconds(Int64(n + 1)))
                try await client.execute(uri: "/applications/\(app.id)/attachments?name=\(name)", method: .post, headers: upload,
                                         body: ByteBuffer(bytes: pdf + Array("\n%\(n)".utf8))) {
                    XCTAssertEqual($0.status, .created, String(buffer: $0.body))
                }
            }
            let files = try await Self.walk(client, fixture.kecheng, "/applications/\(app.id)/attachments", limit: 3, as: AttachmentView.self, total: 4)
            XCTAssertEqual(files.map(\.fileName), ["场地.pdf", "licence.pdf", "场地照片.pdf", "minutes.pdf"], "in the order added")
            let named = try await Self.get(client, fixture.department, "/applications/\(app.id)/attachments?name=%E5%9C%BA%E5%9C%B0", as: AttachmentView.self)  // 场地
            XCTAssertEqual(named.items.map(\.fileName), ["场地.pdf", "场地照片.pdf"])
            XCTAssertEqual(named.total, 2)
            // Another county still gets a 404, paged or not
            try await client.execute(uri: "/applications/\(app.id)/attachments?limit=1", method: .get, headers: TestRequest.headers(fixture.qujiang)) {
                XCTAssertEqual($0.status, .notFound)
            }
        }
    }
}
