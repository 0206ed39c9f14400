import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import Spreadsheet
import StudioDomain
import TestSupport
import XCTest

/// 专家库 from the department's sheet: CSV (UTF-8 or GB18030) or .xlsx, all or nothing, each problem naming its row.
final class ExpertImportTests: XCTestCase {
    typealias F = ReviewFixture

    static let header = "专家编号,姓名,工作单位,所在地区代码,专业领域,职称或技能等级,最多评审份数,申报的关系,关系人"

    static func post(_ client: some TestClientProtocol, _ bytes: [UInt8], token: String?, type: String = "text/csv") async throws -> Reply {
        var headers: HTTPFields = [.contentType: type]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/experts/import", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) { response in
            Reply(response)
        }
    }

    func testABadRowImportsNobodyAndNamesItsRowAndColumnThenTheCorrectedSheetImportsEveryone() async throws {
        let fixture = try ReviewFixture()
        let dep = fixture.department
        try await fixture.service.built.application.test(.router) { client in
            // Given a sheet whose third row has a load that is not a number and a relationship that does not exist
            let bad = Self.header + "\r\nE-01,张明,衢州职业技术学院,330802,装备制造/数控加工、装备制造/焊接,高级工程师,10,师徒关系,王建国\r\n"
                + "E-02,李华,巨化集团,330803,化工/精细化工,,十,表亲,\r\n"
            let refused = try await Self.post(client, Array(bad.utf8), token: dep)
            XCTAssertEqual(refused.status, .unprocessableContent, refused.text)
            XCTAssertEqual(Set(refused.errors.compactMap { $0["field"] as? String }), ["rows[3].maxLoad", "rows[3].relationships"])
            XCTAssertTrue(refused.errors.contains { ($0["message_zh"] as? String)?.hasPrefix("第3行“最多评审份数”") == true }, refused.text)
            let none = try await client.send(.get, "/experts", token: dep)
            XCTAssertEqual(none.items.count, 0, "nothing half-imported")

            // When the sheet is corrected, in GB18030 as WPS saves it, both are in, 张明 with his declared relationship
            let good = bad.replacingOccurrences(of: ",十,表亲,", with: ",8,,")
            let imported = try await Self.post(client, GB18030.encode(good)!, token: dep)
            XCTAssertEqual(imported.status, .created, imported.text)
            XCTAssertEqual(imported.object["imported"] as? Int, 2)
            let zhang = try await client.send(.get, "/experts/E-01", token: dep)
            XCTAssertEqual(zhang.object["specialities"] as? [String], ["装备制造/数控加工", "装备制造/焊接"])
            XCTAssertEqual((zhang.object["relationships"] as? [[String: Any]])?.first?["personName"] as? String, "王建国")

            // And the same sheet again is refused whole: the ids exist
            let again = try await Self.post(client, Array(good.utf8), token: dep)
            XCTAssertEqual(again.status, .conflict, again.text)
            XCTAssertEqual(again.errorCodes, ["expert.exists", "expert.exists"])

            // An .xlsx works the same, and only the department imports
            let workbook = try XLSXWriter.write([XLSXSheet(name: "专家", columns: Self.header.split(separator: ",").map { XLSXColumn(String($0), text: true) },
                                                           rows: [["E-03", "赵强", "元立集团", "330881", "冶金/轧钢", "技师", "6", "", ""].map { .text($0) }])])
            let fromExcel = try await Self.post(client, workbook, token: dep, type: XLSXWriter.contentType)
            XCTAssertEqual(fromExcel.status, .created, fromExcel.text)
            let byExpert = try await Self.post(client, workbook, token: try fixture.expertToken("E-03"))
            XCTAssertEqual(byExpert.status, .forbidden)
            let template = try await client.send(.get, "/experts/import-template.csv", token: dep)
            XCTAssertEqual(template.status, .ok)
            XCTAssertTrue(template.text.contains("专家编号,姓名,工作单位"))
        }
    }
}
