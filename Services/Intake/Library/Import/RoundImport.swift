import Foundation
import GRDB
import Messaging
import ServiceKit
import Spreadsheet
import StudioDomain

/// One problem of one row of an import: the spreadsheet row (the header is row 1), the column header, the
/// API field, and the reason in both languages.
public struct ImportRowIssue: Codable, Hashable, Sendable {
    public var row: Int
    public var column: String?
    public var field: String?
    public var code: String
    public var article: String?
    public var messageZh: String
    public var messageEn: String
}

public struct ImportedRow: Codable, Hashable, Sendable {
    public var row: Int
    public var applicationId: ApplicationID
    public var studioName: String
}

/// What an import did: the rows that became submitted applications and every bad row's problems.
public struct ImportReport: Codable, Sendable {
    public var roundId: RoundID
    /// `utf-8` or `gb18030` for CSV, `xlsx` for an Excel workbook.
    public var encoding: String
    public var rows: Int
    public var imported: [ImportedRow]
    public var rejectedRows: [Int]
    public var errors: [ImportRowIssue]
}

/// The whole import was refused: nothing of it was stored.
struct ImportRejected: Error {
    var report: ImportReport
}

/// Bulk import of a round's applications from CSV or `.xlsx` (Art 10): each row is created and submitted as if pushed one
/// by one, with the same checks. By default all or nothing; with `goodRowsOnly` each bad row is rolled back
/// alone (a savepoint) and the good ones stay.
struct RoundImport {
    let workflow: ApplicationWorkflow

    func run(_ records: [SheetRow], encoding: String, round: IntakeRound, body: String, goodRowsOnly: Bool,
             today: LocalDate, now: Int64, in db: Database) throws -> ImportReport {
        var report = ImportReport(roundId: round.id, encoding: encoding, rows: max(0, records.count - 1), imported: [], rejectedRows: [], errors: [])
        guard let header = records.first else {
            report.errors.append(ImportRowIssue(row: 1, column: nil, field: nil, code: "csv_empty", article: nil,
                                                messageZh: "文件为空，第一行应为表头。", messageEn: "The file is empty; the first row must be the header."))
            throw ImportRejected(report: report)
        }
        if let issue = header.csvIssue {
            report.errors.append(ImportRowIssue(row: header.number, column: nil, field: nil, code: "csv_syntax", article: nil,
                                                messageZh: "表头行：" + issue.messageZh, messageEn: "the header row: " + issue.messageEn))
            throw ImportRejected(report: report)
        }
        // The header: every column known, every required one present, none twice.
        var columns: [ImportColumn?] = []
        var seen = Set<String>()
        for text in header.texts {
            let column = ImportColumns.column(forHeader: text)
            if column == nil, !text.trimmingCharacters(in: .whitespaces).isEmpty {
                report.errors.append(ImportRowIssue(row: header.number, column: text, field: nil, code: "csv_unknown_column", article: nil,
                                                    messageZh: "无法识别的列“\(text)”。", messageEn: "Unknown column “\(text)”."))
            }
            if let column, !seen.insert(column.header).inserted {
                report.errors.append(ImportRowIssue(row: header.number, column: text, field: column.field, code: "csv_duplicate_column", article: nil,
                                                    messageZh: "列“\(text)”出现了两次。", messageEn: "The column “\(text)” appears twice."))
            }
            columns.append(column)
        }
        for column in ImportColumns.all where column.required && !seen.contains(column.header) {
            report.errors.append(ImportRowIssue(row: header.number, column: column.header, field: column.field, code: "csv_missing_column", article: nil,
                                                messageZh: "缺少必需的列“\(column.header)”。", messageEn: "The required column “\(column.header)” is missing."))
        }
        guard report.errors.isEmpty else { throw ImportRejected(report: report) }

        for record in records.dropFirst() {
            let rowIssues = try importRow(record, columns: columns, round: round, body: body, today: today, now: now, report: &report, in: db)
            if !rowIssues.isEmpty {
                report.rejectedRows.append(record.number)
                report.errors += rowIssues
            }
        }
        if !goodRowsOnly, !report.errors.isEmpty {
            report.imported = []
            throw ImportRejected(report: report)
        }
        // The import as one decision beside each row's own submission entry.
        try AuditLog.append(actorRole: Role.screeningBody.rawValue, actorSubject: body, action: "applications.imported", subject: "round:\(round.id.rawValue)",
                            details: ["encoding": encoding, "rows": String(report.rows), "imported": String(report.imported.count),
                                      "rejectedRows": report.rejectedRows.map(String.init).joined(separator: ","),
                                      "applications": report.imported.map(\.applicationId.rawValue).joined(separator: ",")],
                            at: Millis.date(now), in: db)
        return report
    }

    /// Reads and submits one row in a savepoint; its issues, or none when it was imported.
    private func importRow(_ record: SheetRow, columns: [ImportColumn?], round: IntakeRound, body: String, today: LocalDate, now: Int64,
                           report: inout ImportReport, in db: Database) throws -> [ImportRowIssue] {
        var form = ApplicationForm()
        var issues: [ImportRowIssue] = []
        if let issue = record.csvIssue {
            // One stray quote spoils its row, not the file.
            let column = issue.field <= columns.count ? columns[issue.field - 1] : nil
            issues.append(ImportRowIssue(row: record.number, column: column?.header, field: column?.field, code: "csv_syntax", article: nil,
                                         messageZh: issue.messageZh + "，本行未导入。", messageEn: issue.messageEn + "; the row was not imported."))
            return issues
        }
        // A workbook row may stop at its last filled cell; a CSV row must have the header's fields.
        let cells = record.cells.count < columns.count && report.encoding == "xlsx"
            ? record.cells + Array(repeating: SheetCell.empty, count: columns.count - record.cells.count) : record.cells
        if cells.count != columns.count {
            issues.append(ImportRowIssue(row: record.number, column: nil, field: nil, code: "csv_field_count", article: nil,
                                         messageZh: "本行有\(cells.count)列，表头有\(columns.count)列。",
                                         messageEn: "This row has \(cells.count) fields; the header has \(columns.count)."))
            return issues
        }
        for (cell, column) in zip(cells, columns) {
            guard let column else { continue }
            do throws(CellError) {
                try column.apply(&form, try ImportColumns.cellText(cell, for: column))
            } catch {
                issues.append(ImportRowIssue(row: record.number, column: column.header, field: column.field, code: error.code, article: nil,
                                             messageZh: error.zh, messageEn: error.en))
            }
        }
        guard issues.isEmpty else { return issues }
        var created: StoredApplication?
        try db.inSavepoint {
            do {
                created = try workflow.create(form, round: round, body: body, submit: true, today: today, now: now, in: db)
                return .commit
            } catch let problem as Problem {
                issues = problem.issues.map { issue in
                    ImportRowIssue(row: record.number, column: ImportColumns.header(forField: issue.field), field: issue.field, code: issue.code,
                                   article: issue.article, messageZh: issue.messageZh, messageEn: issue.messageEn)
                }
                return .rollback
            }
        }
        if let created {
            report.imported.append(ImportedRow(row: record.number, applicationId: created.id, studioName: created.studioName ?? ""))
        }
        return issues
    }
}
