import Foundation
import Spreadsheet
import TestSupport
import XCTest

/// The shared readers and writer: CSV that keeps going past a bad row, GB18030 with its BOM, and `.xlsx`.
final class SpreadsheetTests: XCTestCase {
    func testRecordsAreNumberedAsRowsAndAQuotedLineBreakDoesNotShiftThem() {
        let records = CSVReader.records("h1,h2\r\n\"two\r\nlines\",x\r\nthree,y\r\n\r\nfive,z")
        XCTAssertEqual(records.map(\.number), [1, 2, 3, 5])
        XCTAssertEqual(records.map(\.line), [1, 2, 4, 6])
        XCTAssertEqual(records[1].fields, ["two\r\nlines", "x"])
        XCTAssertTrue(records.allSatisfy { $0.issue == nil })
    }

    func testAStrayQuoteSpoilsOnlyItsRecord() {
        // A quote inside an unquoted cell, text after a closing quote, and a quote never closed on its line
        let records = CSVReader.records("h1,h2\nab\"c,1\n\"x\"y,2\nok,3\n\"open,4\nafter,5\n")
        XCTAssertEqual(records.map(\.number), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(records.map(\.issue), [nil, .strayQuote(field: 1), .strayQuote(field: 1), nil, .unterminatedQuote(field: 1), nil])
        XCTAssertEqual(records[3].fields, ["ok", "3"])
        XCTAssertEqual(records[5].fields, ["after", "5"])
        // A quote that "closes" lines later, followed by text, was an unclosed one: the next line is the next record
        let late = CSVReader.records("a,\"b\nc,d\ne,\"f\"g\n")
        XCTAssertEqual(late.map(\.number), [1, 2, 3])
        XCTAssertEqual(late[0].issue, .unterminatedQuote(field: 2))
        XCTAssertEqual(late[1].fields, ["c", "d"])
        XCTAssertFalse(CSVRecordIssue.strayQuote(field: 3).messageZh.isEmpty)
    }

    func testGB18030WithAndWithoutItsByteOrderMarkAndUTF8WithBOM() throws {
        let text = "参考号,金额（元）\r\n甲,1\r\n"
        let gb = try XCTUnwrap(GB18030.encode(text))
        XCTAssertEqual(TextDecoding.decode(TextDecoding.gb18030ByteOrderMark + gb)?.text, text)
        XCTAssertEqual(TextDecoding.decode(TextDecoding.gb18030ByteOrderMark + gb)?.encoding, .gb18030)
        XCTAssertEqual(TextDecoding.decode(gb)?.text, text)
        XCTAssertEqual(TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array(text.utf8))?.encoding, .utf8)
        // iconv's own reading of the BOM as U+FEFF is dropped too
        XCTAssertEqual(TextDecoding.gb18030(TextDecoding.gb18030ByteOrderMark + gb), text)
    }

    func testExcelDaySerials() {
        XCTAssertEqual(ExcelDate.isoDate(serial: 46023), "2026-01-01")
        XCTAssertEqual(ExcelDate.isoDate(serial: 61), "1900-03-01")
        XCTAssertEqual(ExcelDate.isoDate(serial: 1), "1900-01-01")
        XCTAssertEqual(ExcelDate.isoDate(serial: 46023.75), "2026-01-01")
        XCTAssertEqual(ExcelDate.isoDate(serial: 0, date1904: true), nil)
        XCTAssertEqual(ExcelDate.isoDate(serial: 44561, date1904: true), "2026-01-01")
        XCTAssertEqual(ExcelDate.serial(year: 2026, month: 1, day: 1), 46023)
        XCTAssertTrue(SheetCell.text("3.30802E+17").looksLikeScientificNotation)
        XCTAssertTrue(SheetCell.text("3,30802E+17").looksLikeScientificNotation)
        XCTAssertFalse(SheetCell.text("33080219850101123X").looksLikeScientificNotation)
        XCTAssertFalse(SheetCell.text("E+17").looksLikeScientificNotation)
    }

    func testOurWorkbookReadsBack() throws {
        let sheet = XLSXSheet(name: "排名", columns: [XLSXColumn("名称"), XLSXColumn("身份证号", text: true), XLSXColumn("分数"), XLSXColumn("日期")],
                              rows: [[.text("甲 & <乙>"), .text("330802198501011234"), .decimal(88.5), .date(year: 2026, month: 3, day: 1)],
                                     [.text("=SUM(A1)"), .empty, .integer(7), .empty]])
        let bytes = try XLSXWriter.write([sheet, XLSXSheet(name: "排名", columns: [XLSXColumn("x")], rows: [])])
        XCTAssertTrue(XLSXReader.looksLikeXLSX(bytes))
        let sheets = try XLSXReader.sheets(bytes)
        XCTAssertEqual(sheets.map(\.name), ["排名", "排名(2)"])
        let rows = sheets[0].rows
        XCTAssertEqual(rows.map(\.number), [1, 2, 3])
        XCTAssertEqual(rows[0].texts, ["名称", "身份证号", "分数", "日期"])
        XCTAssertEqual(rows[1].cells[0], .text("甲 & <乙>"))
        XCTAssertEqual(rows[1].cells[1], .text("330802198501011234"))
        XCTAssertEqual(rows[1].cells[2].kind, .number)
        XCTAssertEqual(rows[1].cells[3].kind, .date)
        XCTAssertEqual(rows[1].cells[3].text, "2026-03-01")
        XCTAssertEqual(rows[2].cells[0], .text("=SUM(A1)"))
        XCTAssertEqual(rows[2].cells[2].text, "7")
        XCTAssertThrowsError(try XLSXReader.sheets([0x50, 0x4B, 0x03, 0x04, 0, 0])) { error in
            XCTAssertEqual(error as? XLSXError, .notAWorkbook("not a zip archive"))
        }
    }
}
