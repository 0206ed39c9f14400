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
        var grantId: String?
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

    static func apply(_ rows: [Row], mode: Mode, by actor: Agent, at moment: Moment, settings: FundingSettings, outbox: Outbox? = nil, in db: Database) throws -> Report {
        var reports: [RowReport] = []
        var good: [(index: Int, grantID: String, paymentReference: String, paidOn: LocalDate)] = []
        var seenReferences = Set<String>(), seenPayments = Set<String>()
        for row in rows {
            var issues: [DomainIssue] = []
            func issue(_ code: String, _ field: String, _ zh: String, _ en: String) {
                issues.append(DomainIssue(code: code, field: "line \(row.line).\(field)", messageZh: "第 \(row.line) 行：\(zh)", messageEn: "line \(row.line): \(en)"))
            }
            if let syntax = row.syntaxIssue {
                issue("confirmation.csv_syntax", "line", syntax.messageZh, syntax.messageEn)
                reports.append(RowReport(line: row.line, reference: row.reference, grantId: nil, outcome: "rejected", issues: issues))
                continue
            }
            let grant = try GrantRecord.fetchOne(db, sql: "SELECT * FROM funding_grant WHERE reference = ?", arguments: [row.reference])
            if !seenReferences.insert(row.reference).inserted {
                issue("confirmation.duplicate_row", columns.reference, "参考号 \(row.reference) 在文件中重复", "reference \(row.reference) appears twice in the file")
            }
            if grant == nil {
                issue("confirmation.unknown_reference", columns.reference, "没有参考号为「\(row.reference)」的补助", "no grant has the reference \(row.reference)")
            }
            var amount: Money?
            do { amount = try Money.parse(yuan: row.amountText) } catch {
                issue("confirmation.\(error.issueCode)", columns.amount, error.issue(field: "").messageZh, error.issue(field: "").messageEn)
            }
            if let grant, let amount, amount != grant.amount {
                issue("confirmation.amount_mismatch", columns.amount, "金额 \(amount.yuanString) 元与补助金额 \(grant.amount.yuanString) 元不符",
                      "amount \(amount.yuanString) differs from the grant's \(grant.amount.yuanString) yuan")
            }
            if let grant {
                switch grant.status {
                case .paid: issue("confirmation.already_paid", columns.reference, "补助 \(grant.reference) 已于 \(grant.paidOn ?? "") 拨付（流水号 \(grant.paymentReference ?? "")）",
                                  "grant \(grant.reference) was already paid on \(grant.paidOn ?? "") (\(grant.paymentReference ?? ""))")
                case .approved: break
                default: issue("confirmation.not_approved", columns.reference, "补助 \(grant.reference) 当前状态为「\(grant.status.nameZh)」，不能确认拨付",
                               "grant \(grant.reference) is \(grant.status.rawValue) and cannot be confirmed as paid")
                }
            }
            if row.paymentReference.isEmpty || row.paymentReference.count > 64 {
                issue("confirmation.payment_reference_missing", columns.paymentReference, "须填写付款流水号（不超过 64 个字符）", "a payment reference of at most 64 characters is required")
            } else if try !seenPayments.insert(row.paymentReference).inserted
                        || (Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM funding_grant WHERE payment_reference = ?)", arguments: [row.paymentReference]) ?? false) {
                issue("confirmation.payment_reference_used", columns.paymentReference, "付款流水号 \(row.paymentReference) 已被使用", "payment reference \(row.paymentReference) is already used")
            }
            let paidOn = LocalDate(row.paidOnText)
            if paidOn == nil {
                issue("confirmation.date_invalid", columns.paidOn, "付款日期须为 YYYY-MM-DD", "the payment date must be YYYY-MM-DD")
            } else if let paidOn, paidOn > moment.today {
                issue("confirmation.date_in_future", columns.paidOn, "付款日期不能晚于今天", "the payment date cannot be after today")
            }
            reports.append(RowReport(line: row.line, reference: row.reference, grantId: grant?.id, outcome: issues.isEmpty ? "applied" : "rejected", issues: issues))
            if issues.isEmpty, let grant, let paidOn {
                good.append((reports.count - 1, grant.id, row.paymentReference, paidOn))
            }
        }
        let rejected = reports.count - good.count
        if mode == .all && rejected > 0 {
            for item in good { reports[item.index].outcome = "withheld" }
            return Report(mode: mode.rawValue, applied: 0, rejected: rejected, withheld: good.count, rows: reports)
        }
        for item in good {
            _ = try GrantWorkflow.pay(item.grantID, paymentReference: item.paymentReference, paidOn: item.paidOn, by: actor, at: moment, settings: settings,
                                      outbox: outbox, in: db)
        }
        return Report(mode: mode.rawValue, applied: good.count, rejected: rejected, withheld: 0, rows: reports)
    }
}
