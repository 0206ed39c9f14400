import Foundation
import GRDB
import Messaging
import Hummingbird
import ServiceKit
import Spreadsheet
import StudioDomain

/// The bank's confirmations, imported back: each row names a grant by its reference (参考号), the amount paid,
/// the bank's payment reference (付款流水号) and the day (付款日期). A row that does not match its grant is
/// reported and never applied; the good rows are applied together, or none of them unless the caller asks
/// for the good rows only. The file is what the bank exports: CSV in UTF-8 or GBK/GB18030 (with or without a
/// byte-order mark), or an `.xlsx` workbook (its first sheet), read by the shared Spreadsheet readers.
enum ConfirmationImport {
    static let columns = (reference: "参考号", amount: "金额（元）", paymentReference: "付款流水号", paidOn: "付款日期")

    enum Mode: String, Sendable { case all, goodOnly = "good-only" }

    struct RowReport: Codable, Sendable {
        var line: Int
        var reference: String
        var grantId: GrantID?
        /// `applied`, `rejected`, or `withheld` (a good row not applied because another row was rejected in mode `all`).
        var outcome: String
        var issues: [DomainIssue]
    }

    struct Report: Codable, ResponseEncodable, Sendable {
        var mode: String
        var applied: Int
        var rejected: Int
        var withheld: Int
        var rows: [RowReport]
    }

    struct Row: Sendable {
        var line: Int
        var reference: String
        var amountText: String
        var paymentReference: String
        var paidOnText: String
        /// A quoting problem of the CSV record: the row is rejected for it, the others are read on.
        var syntaxIssue: CSVRecordIssue? = nil
    }

    /// Reads the file; a structural problem (encoding, an unreadable workbook, headers) refuses the whole file,
    /// a quoting problem only its row. Lines are the rows as the spreadsheet numbers them (the header is 1).
    static func parse(_ bytes: [UInt8]) throws -> [Row] {
        let records: [SheetRow]
        if XLSXReader.looksLikeXLSX(bytes) {
            switch Result(catching: { () throws(XLSXError) -> [SheetRow] in try XLSXReader.sheets(bytes).first?.rows ?? [] }) {
            case .success(let rows): records = rows
            case .failure(let error): throw Problem.invalid("xlsx.unreadable", field: "body", zh: error.messageZh, en: error.messageEn)
            }
        } else {
            guard let (text, _) = TextDecoding.decode(bytes) else {
                throw Problem.invalid("csv.encoding", field: "body", zh: "文件须为 UTF-8 或 GBK（GB18030）编码的 CSV，或 Excel 工作簿（.xlsx）",
                                      en: "the file must be CSV in UTF-8 or GBK (GB18030), or an Excel workbook (.xlsx)")
            }
            records = CSVReader.records(text).map(SheetRow.init)
        }
        guard let header = records.first else {
            throw Problem.invalid("csv.empty", field: "body", zh: "文件为空", en: "the file is empty")
        }
        if let issue = header.csvIssue {
            throw Problem.invalid("csv.header_syntax", field: "line \(header.number)", zh: "表头行：\(issue.messageZh)", en: "the header row: \(issue.messageEn)")
        }
        let names = header.texts.map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        var issues: [DomainIssue] = []
        for column in [columns.reference, columns.amount, columns.paymentReference, columns.paidOn] {
            if let position = names.firstIndex(of: column) { index[column] = position } else {
                issues.append(DomainIssue(code: "csv.column_missing", field: column, messageZh: "缺少列「\(column)」", messageEn: "the column \(column) is missing"))
            }
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        func value(_ cells: [SheetCell], _ column: String) -> String {
            let position = index[column]!
            guard position < cells.count else { return "" }
            let cell = cells[position]
            // A bank's workbook may keep the payment day as an Excel date (or a bare day serial).
            if column == columns.paidOn, let day = cell.kind == .date ? cell.text : cell.serialDate { return day }
            // An amount kept as a number: the binary value Excel stores (9999.9899999999998) is read to the fen.
            if column == columns.amount, cell.kind == .number, let value = cell.serial, value.isFinite, abs(value) < 1e12,
               abs(value * 100 - (value * 100).rounded()) < 1e-4 {
                return String(format: "%.2f", value)
            }
            return cell.text.trimmingCharacters(in: .whitespaces)
        }
        return records.dropFirst().map { record in
            Row(line: record.number, reference: value(record.cells, columns.reference).trimmingCharacters(in: CharacterSet(charactersIn: "'")),
                amountText: value(record.cells, columns.amount), paymentReference: value(record.cells, columns.paymentReference),
                paidOnText: value(record.cells, columns.paidOn), syntaxIssue: record.csvIssue)
        }
    }
}
