import Foundation
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import Spreadsheet
import StudioDomain
import TestSupport
import XCTest

/// `.xlsx` import over workbooks written by another program than ours (openpyxl): shared strings, dates as day
/// serials, a text-formatted ID column; an ID number Excel turned into a number is refused, naming the column;
/// and the template's round trip (download, fill, upload).
final class WorkbookImportTests: XCTestCase {
    /// openpyxl writes the rows: `INT:`, `NUM:` and `DATE:` prefixes make numeric and date cells, the rest are
    /// strings (shared strings, as openpyxl writes them), and string cells of the ID column are text-formatted. In a
    /// template each cell goes under its column's header, as a person fills it in (a column the rows do not name stays empty).
    static let writer = """
        import datetime, json, re, sys, openpyxl
        header, rows, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
        wb = openpyxl.load_workbook(sys.argv[4]) if len(sys.argv) > 4 else openpyxl.Workbook()
        ws = wb.active
        if len(sys.argv) <= 4:
            ws.title = "申报"
            ws.append(header)
        else:
            # Headers match as the importer matches them: without spaces and a unit in brackets.
            name = lambda h: re.sub(r"[（(][^）)]*[）)]", "", h).replace(" ", "")
            columns = [c.value for c in ws[1]]
            rows = [[{name(k): v for k, v in zip(header, r)}.get(name(h), "") for h in columns] for r in rows]
            header = columns
        def value(v):
            if v == "": return None
            if v.startswith("INT:"): return int(v[4:])
            if v.startswith("NUM:"): return float(v[4:])
            if v.startswith("DATE:"):
                y, m, d = map(int, v[5:].split("-")); return datetime.date(y, m, d)
            return v
        text_columns = {header.index(h) + 1 for h in ("负责人身份证号码", "统一社会信用代码")}
        for r in rows:
            ws.append([value(v) for v in r])
            for c in ws[ws.max_row]:
                if c.column in text_columns and isinstance(c.value, str): c.number_format = "@"
        wb.save(out)
        """

    static var header: [String] { ImportTests.header.split(separator: ",").map(String.init) }

    /// A row of `ImportTests.row` as cells, with some replaced by header.
    static func cells(studio: String, _ replacements: [String: String] = [:]) -> [String] {
        var fields = CSVReader.records(ImportTests.row(studio: studio)).first!.fields
        for (header, value) in replacements { fields[Self.header.firstIndex(of: header)!] = value }
        return fields
    }

    static func workbook(_ rows: [[String]], template: String? = nil) throws -> [UInt8] {
        let path = Python.temporaryPath("applications.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let json = { (value: Any) in String(decoding: try! JSONSerialization.data(withJSONObject: value), as: UTF8.self) }
        try Python.run(writer, [json(header), json(rows), path] + (template.map { [$0] } ?? []))
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testAnOpenpyxlWorkbookImportsAndNumericIDNumbersAreRefusedNamingTheColumn() async throws {
        try Python.requireOpenpyxl()
        let fixture = try IntakeFixture(on: "2026-09-01")
        let bytes = try Self.workbook([
            Self.cells(studio: "甲工作室", ["创建起始日期": "DATE:2026-01-15", "场地面积（平方米）": "INT:120", "工作室经费（元）": "NUM:50000",
                                        "项目开始日期": "DATE:2026-03-01", "推荐顺序": "INT:1"]),
            Self.cells(studio: "乙工作室", ["负责人身份证号码": "NUM:3.30802198501011E+17"]),
            Self.cells(studio: "丙工作室", ["负责人身份证号码": "3.30802E+17"]),
        ])
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            try await ImportTests.post(fixture, client, round: round, bytes: bytes, query: "?goodRowsOnly=true") { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                XCTAssertEqual(report.encoding, "xlsx")
                XCTAssertEqual(report.imported.map(\.row), [2])
                XCTAssertEqual(report.imported.map(\.studioName), ["甲工作室"])
                XCTAssertEqual(report.rejectedRows, [3, 4])
                for row in [3, 4] {
                    let issue = try XCTUnwrap(report.errors.first { $0.row == row })
                    XCTAssertEqual(issue.code, "cell_number_not_text")
                    XCTAssertEqual(issue.column, "负责人身份证号码")
                    XCTAssertTrue(issue.messageZh.contains("负责人身份证号码") && issue.messageZh.contains("文本"), issue.messageZh)
                    XCTAssertTrue(issue.messageEn.contains("Text"), issue.messageEn)
                }
            }
            let event = try XCTUnwrap(try fixture.service.emitted(ApplicationSubmitted.self).first?.data.application)
            XCTAssertEqual(event.recommendationOrder, 1)
            let app = try await client.execute(uri: "/applications/\(event.applicationID)", method: .get,
                                               headers: TestRequest.headers(fixture.kecheng)) { try $0.decode(ApplicationView.self) }
            XCTAssertEqual(app.form.studio?.creationStartDate, LocalDate("2026-01-15"), "the date serial read as its day")
            XCTAssertEqual(app.form.projects?.first?.startDate, LocalDate("2026-03-01"))
            XCTAssertEqual(app.form.studio?.funds, Money(yuan: 50_000))
            XCTAssertEqual(app.form.leader?.idNumber, IntakeFixture.idNumber, "the text-formatted ID column keeps all 18 characters")
            XCTAssertEqual(app.form.studio?.officeFacilities, "会议室, 电脑6台")
        }
    }

    func testTheTemplateRoundTripsThroughOpenpyxlWithItsIDColumnsAsText() async throws {
        try Python.requireOpenpyxl()
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            // Download the template
            let template = try await client.execute(uri: "/import-template.xlsx", method: .get, headers: TestRequest.headers(fixture.kecheng)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], XLSXWriter.contentType)
                return Array(response.body.readableBytesView)
            }
            let path = Python.temporaryPath("template.xlsx")
            try Data(template).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            // openpyxl sees the header and the ID-number and credit-code columns formatted as text
            let seen = try Python.run("""
                import sys, openpyxl
                from openpyxl.utils import get_column_letter
                ws = openpyxl.load_workbook(sys.argv[1]).active
                header = [c.value for c in ws[1]]
                for name in ("负责人身份证号码", "统一社会信用代码"):
                    print(name, ws.column_dimensions[get_column_letter(header.index(name) + 1)].number_format)
                print(len(header))
                """, [path])
            XCTAssertEqual(seen.split(separator: "\n").map(String.init),
                           ["负责人身份证号码 @", "统一社会信用代码 @", String(ImportColumns.all.count)])
            // Fill one row in it with openpyxl and upload it
            let filled = try Self.workbook([Self.cells(studio: "甲工作室", ["创建起始日期": "DATE:2026-01-15"])], template: path)
            try await ImportTests.post(fixture, client, round: round, bytes: filled) { response in
                XCTAssertEqual(response.status, .ok, String(buffer: response.body))
                let report = try response.decode(ImportReport.self)
                XCTAssertEqual(report.imported.map(\.studioName), ["甲工作室"])
            }
            XCTAssertEqual(try fixture.applicationCount(), 1)
        }
    }
}
