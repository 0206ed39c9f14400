import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import Spreadsheet
import StudioDomain
import TestSupport
import XCTest

/// Bulk import from the spreadsheets counties keep: UTF-8 (with or without BOM) and GB18030, a Chinese header,
/// a report of every bad row, and nothing half-imported unless only the good rows are asked for.
final class ImportTests: XCTestCase {
    static let header = "申报单位名称,统一社会信用代码,单位类型,是否建有工会,工会名称,工作室名称,创建起始日期,是否有固定场地,场地地址,场地面积（平方米）,工作室经费（元）,办公设施,硬件设备,负责人姓名,负责人身份证号码,技术专长,职业技能等级,职业技能等级证书编号,联系电话,团队成员,工作制度,项目名称,委托单位,项目内容,项目开始日期,项目结束日期,项目要求,考核标准,项目经费（元）,专利,获奖,论文,行业领域,初审意见,推荐顺序"

    static func row(studio: String, creditCode: String = IntakeFixture.creditCode, started: String = "2026/1/15", level: String = "二级/技师",
                    members: String = "李明、赵芳", order: String = "") -> String {
        [
            "衢州精工机械有限公司", creditCode, "企业", "是", "公司工会", studio, started, "是", "柯城区航埠镇工业园3号", "120", "50000.00",
            "\"会议室, 电脑6台\"", "五轴加工中心", "王建国", IntakeFixture.idNumber, "数控加工", level, "S0001", "13905700000", members,
            "\"月度例会制度；\"\"项目制\"\"管理\"", "薄壁件变形控制", "衢州精工机械有限公司", "降低变形率", "2026-03-01", "2026-12-31", "变形量<0.02mm",
            "合格率99%", "80000", "ZL2024-1；ZL2024-2", "", "", "装备制造", "同意推荐", order,
        ].joined(separator: ",")
    }

    static func post(_ fixture: IntakeFixture, _ client: some TestClientProtocol, round: RoundID, bytes: [UInt8], query: String = "",
              _ check: @escaping (TestResponse) async throws -> Void) async throws {
        try await client.execute(uri: "/rounds/\(round)/import\(query)", method: .post,
                                 headers: TestRequest.headers(fixture.kecheng, contentType: "text/csv"), body: ByteBuffer(bytes: bytes), testCallback: check)
    }

    func testAUTF8FileWithBOMImportsEveryRowAsASubmittedApplication() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let csv = [Self.header, Self.row(studio: "甲工作室", order: "1"), Self.row(studio: "乙工作室", order: "2")].joined(separator: "\r\n") + "\r\n"
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await Self.post(fixture, client, round: round, bytes: [0xEF, 0xBB, 0xBF] + Array(csv.utf8)) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                XCTAssertEqual(report.encoding, "utf-8")
                XCTAssertEqual(report.imported.map(\.row), [2, 3])
                XCTAssertEqual(report.imported.map(\.studioName), ["甲工作室", "乙工作室"])
                XCTAssertTrue(report.errors.isEmpty)
            }
            let events = try fixture.service.emitted(ApplicationSubmitted.self)
            XCTAssertEqual(events.map(\.data.application.recommendationOrder), [1, 2])
            XCTAssertEqual(events.first?.data.application.leader.skillLevel, .technician)
            let app = try await client.execute(uri: "/applications/\(events[0].data.application.applicationID)", method: .get,
                                               headers: TestRequest.headers(fixture.kecheng)) { try $0.decode(ApplicationView.self) }
            XCTAssertEqual(app.form.studio?.officeFacilities, "会议室, 电脑6台")
            XCTAssertEqual(app.form.workRules, "月度例会制度；\"项目制\"管理")
            XCTAssertEqual(app.form.studio?.funds, Money(yuan: 50_000))
            XCTAssertEqual(app.form.results?.patents, ["ZL2024-1", "ZL2024-2"])
            XCTAssertEqual(app.status, "submitted")
        }
    }

    func testAGB18030FileWithBadRowsIsRefusedWholeWithAReportOfEveryBadRow() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let badCode = String(IntakeFixture.creditCode.dropLast()) + (IntakeFixture.creditCode.last == "0" ? "1" : "0")
        let csv = [
            Self.header,
            Self.row(studio: "甲工作室"),                                    // row 2: good
            Self.row(studio: "乙工作室", level: "四级/中级工", members: "李明"),  // row 3: Art 5(4) twice
            Self.row(studio: "丙工作室", started: "2026-02-30"),             // row 4: not a date
            Self.row(studio: "丁工作室", creditCode: badCode),               // row 5: check character
            Self.row(studio: "甲工作室"),                                    // row 6: the same studio again
        ].joined(separator: "\n")
        let bytes = try XCTUnwrap(GB18030.encode(csv))
        XCTAssertNil(String(validating: bytes, as: UTF8.self), "the GB18030 bytes are not UTF-8")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await Self.post(fixture, client, round: round, bytes: bytes) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertEqual(response.headers[.contentType], "application/problem+json; charset=utf-8")
                struct Rejected: Decodable { var errors: [DomainIssue]; var report: ImportReport }
                let rejected = try response.decode(Rejected.self)
                let report = rejected.report
                XCTAssertEqual(report.encoding, "gb18030")
                XCTAssertEqual(report.rejectedRows, [3, 4, 5, 6])
                XCTAssertTrue(report.imported.isEmpty)
                func issue(_ row: Int, _ code: String) -> ImportRowIssue? { report.errors.first { $0.row == row && $0.code == code } }
                XCTAssertEqual(issue(3, "leader_skill_below_senior")?.column, "职业技能等级")
                XCTAssertEqual(issue(3, "team_too_small")?.column, "团队成员")
                XCTAssertEqual(issue(4, "cell_date")?.column, "创建起始日期")
                XCTAssertEqual(issue(5, "credit_code_check")?.column, "统一社会信用代码")
                XCTAssertEqual(issue(6, "application.duplicate")?.column, "工作室名称")
                XCTAssertTrue(rejected.errors.contains { $0.field == "rows[3].leader.skillLevel" && $0.messageZh.hasPrefix("第3行“职业技能等级”列") })
            }
            XCTAssertEqual(try fixture.applicationCount(), 0, "nothing half-imported")
            XCTAssertTrue(try fixture.service.emitted(ApplicationSubmitted.self).isEmpty)

            // When only the good rows are asked for, row 2 is imported and the report still lists the bad ones
            try await Self.post(fixture, client, round: round, bytes: bytes, query: "?goodRowsOnly=true&encoding=gb18030") { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                XCTAssertEqual(report.imported.map(\.row), [2])
                XCTAssertEqual(report.imported.first?.studioName, "甲工作室")
                XCTAssertEqual(report.rejectedRows, [3, 4, 5, 6])
            }
            XCTAssertEqual(try fixture.applicationCount(), 1)
            XCTAssertEqual(try fixture.service.emitted(ApplicationSubmitted.self).count, 1)
        }
    }

    func testAUTF8FileWithoutBOMKeepsItsGoodRowsWhenAskedAndReportsTheBadOnes() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let csv = [Self.header, Self.row(studio: "甲工作室", started: "2026-03-02"), Self.row(studio: "乙工作室")].joined(separator: "\n")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await Self.post(fixture, client, round: round, bytes: Array(csv.utf8), query: "?goodRowsOnly=true") { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                XCTAssertEqual(report.encoding, "utf-8")
                XCTAssertEqual(report.imported.map(\.row), [3])
                XCTAssertEqual(report.rejectedRows, [2])
                let issue = try XCTUnwrap(report.errors.first)
                XCTAssertEqual(issue.code, "creation_period_too_short")
                XCTAssertEqual(issue.column, "创建起始日期")
                XCTAssertEqual(issue.article, Article(7).reference)
            }
            XCTAssertEqual(try fixture.applicationCount(), 1)
        }
    }

    func testAMissingOrUnknownColumnRefusesTheFile() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let header = Self.header.replacingOccurrences(of: "职业技能等级,", with: "技能水平,")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await Self.post(fixture, client, round: round, bytes: Array((header + "\n" + Self.row(studio: "甲")).utf8)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                struct Rejected: Decodable { var report: ImportReport }
                let report = try response.decode(Rejected.self).report
                XCTAssertTrue(report.errors.contains { $0.code == "csv_unknown_column" && $0.column == "技能水平" && $0.row == 1 })
                XCTAssertTrue(report.errors.contains { $0.code == "csv_missing_column" && $0.column == "职业技能等级" })
            }
        }
    }

    /// Writes `bytes` to a real file and reads it back, as the upload of a file a county saved.
    static func throughFile(_ bytes: [UInt8], _ name: String) throws -> [UInt8] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("intake-import-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return Array(try Data(contentsOf: url))
    }

    func testAGB18030FileWithItsByteOrderMarkReads() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let csv = [Self.header, Self.row(studio: "甲工作室")].joined(separator: "\r\n") + "\r\n"
        let bytes = try Self.throughFile(TextDecoding.gb18030ByteOrderMark + XCTUnwrap(GB18030.encode(csv)), "gb18030-bom.csv")
        XCTAssertEqual(Array(bytes.prefix(4)), [0x84, 0x31, 0x95, 0x33])
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await Self.post(fixture, client, round: round, bytes: bytes) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                XCTAssertEqual(report.encoding, "gb18030")
                XCTAssertEqual(report.imported.map(\.studioName), ["甲工作室"])
            }
        }
    }

    func testALineBreakInACellDoesNotShiftLaterRowsAndAStrayQuoteFailsOnlyItsRow() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        let multiLine = Self.row(studio: "甲工作室").replacingOccurrences(of: "月度例会制度；", with: "月度例会制度；\n每周安全检查；")
        let strayQuote = Self.row(studio: "乙工作室").replacingOccurrences(of: ",五轴加工中心,", with: ",五轴\"加工\"中心,")
        let late = Self.row(studio: "丙工作室", started: "2026-03-02")  // Art 7: too recent, reported on its own row
        let csv = [Self.header, multiLine, strayQuote, Self.row(studio: "丁工作室"), late].joined(separator: "\r\n") + "\r\n"
        let bytes = try Self.throughFile(Array(csv.utf8), "line-break-and-stray-quote.csv")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await Self.post(fixture, client, round: round, bytes: bytes, query: "?goodRowsOnly=true") { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                // Rows are records: 甲 is row 2 though it spans two lines, 丁 row 4 and 丙 row 5, as Excel shows them
                XCTAssertEqual(report.imported.map(\.row), [2, 4])
                XCTAssertEqual(report.imported.map(\.studioName), ["甲工作室", "丁工作室"])
                XCTAssertEqual(report.rejectedRows, [3, 5])
                let syntax = try XCTUnwrap(report.errors.first { $0.row == 3 })
                XCTAssertEqual(syntax.code, "csv_syntax")
                XCTAssertEqual(syntax.column, "硬件设备")
                XCTAssertTrue(syntax.messageZh.contains("引号"), syntax.messageZh)
                XCTAssertEqual(report.errors.first { $0.row == 5 }?.code, "creation_period_too_short")
            }
            let first = try XCTUnwrap(try fixture.service.emitted(ApplicationSubmitted.self).first)
            let app = try await client.execute(uri: "/applications/\(first.data.application.applicationID)", method: .get,
                                               headers: TestRequest.headers(fixture.kecheng)) { try $0.decode(ApplicationView.self) }
            XCTAssertEqual(app.form.workRules, "月度例会制度；\n每周安全检查；\"项目制\"管理")
        }
    }

    func testTheCSVParserFollowsRFC4180() throws {
        let records = CSVReader.records("a,\"b,1\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n\n last ,y,z")
        XCTAssertEqual(records.map(\.fields), [["a", "b,1", "say \"hi\""], ["multi\nline", "", "x"], [" last ", "y", "z"]])
        XCTAssertEqual(records.map(\.line), [1, 2, 5])
        // Records are numbered as a spreadsheet numbers rows: the multi-line cell is one row, the blank line one more
        XCTAssertEqual(records.map(\.number), [1, 2, 4])
        XCTAssertEqual(CSVReader.records("a,\"open\nb").map(\.issue), [.unterminatedQuote(field: 2), nil])
        XCTAssertEqual(CSVReader.records("a,b\"c").first?.issue, .strayQuote(field: 2))
        XCTAssertEqual(ImportColumns.normalise(" 项目经费（元） "), "项目经费")
        XCTAssertEqual(try ImportColumns.money("1,234.5"), Money(fen: 123_450))
        XCTAssertEqual(try ImportColumns.date("2026年3月1日"), LocalDate("2026-03-01"))
    }
}
