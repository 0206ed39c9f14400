import Foundation
import GRDB
import Messaging
import ServiceKit
import Spreadsheet
import StudioDomain

/// Provincial studios (省级, named by the provincial federation) entered in the register so they may compete for
/// demonstration status (Art 14). They get no city plaque and no city cycle assessment.
///
/// The department uploads a file: JSON `{"studios": [{"studioName", "unitName", "screeningBodyCode", "namedOn"}]}` or
/// CSV with the header `studioName,unitName,screeningBodyCode,namedOn`. The whole file is checked first and
/// registered in one transaction, or nothing is. A studio already in the register (same name and unit) is skipped.
enum ProvincialImport {
    struct Row: Codable, Sendable {
        var studioName: String
        var unitName: String
        var screeningBodyCode: String
        var namedOn: String
    }

    struct File: Decodable, Sendable {
        var studios: [Row]
    }

    struct Outcome: Codable, Sendable {
        var registered: [StudioID]
        /// Rows already in the register, by their index in the file (0-based).
        var skipped: [Int]
    }

    static let csvHeader = ["studioName", "unitName", "screeningBodyCode", "namedOn"]

    /// Parses CSV (RFC 4180 quoting, comma separated, UTF-8, optional BOM) into rows with the shared reader
    /// (`CSVReader`, as intake's import and funding's bank files); errors name the line.
    static func parseCSV(_ text: String) throws -> [Row] {
        var lines = CSVReader.records(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text).map(\.fields)
        lines.removeAll { $0.allSatisfy { $0.trimmed.isEmpty } }
        guard let header = lines.first?.map(\.trimmed), header == csvHeader else {
            throw Problem.validation([DomainIssue(code: "import.csv_header", field: "body", article: Article(14),
                                                  messageZh: "CSV 首行须为：\(csvHeader.joined(separator: ","))。",
                                                  messageEn: "the first CSV line must be \(csvHeader.joined(separator: ","))")])
        }
        var issues: [DomainIssue] = []
        var rows: [Row] = []
        for (index, fields) in lines.dropFirst().enumerated() {
            guard fields.count == csvHeader.count else {
                issues.append(DomainIssue(code: "import.csv_columns", field: "studios[\(index)]",
                                          messageZh: "第 \(index + 2) 行应有 \(csvHeader.count) 列，实有 \(fields.count) 列。",
                                          messageEn: "line \(index + 2) has \(fields.count) columns, expected \(csvHeader.count)."))
                continue
            }
            rows.append(Row(studioName: fields[0].trimmed, unitName: fields[1].trimmed, screeningBodyCode: fields[2].trimmed, namedOn: fields[3].trimmed))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        return rows
    }

    static func validate(_ rows: [Row], referenceData: ReferenceData, today: LocalDate) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        if rows.isEmpty {
            issues.append(DomainIssue(code: "import.empty", field: "studios", messageZh: "文件中没有工作室。", messageEn: "the file lists no studio."))
        }
        if rows.count > 1000 {
            issues.append(DomainIssue(code: "import.too_many", field: "studios", messageZh: "一次最多导入 1000 个工作室。", messageEn: "at most 1000 studios per file."))
        }
        var seen = Set<String>()
        for (index, row) in rows.enumerated() {
            let field = "studios[\(index)]"
            issues += Check.text(row.studioName, field: "\(field).studioName", nameZh: "工作室名称", nameEn: "studioName")
            issues += Check.text(row.unitName, field: "\(field).unitName", nameZh: "单位名称", nameEn: "unitName")
            if referenceData.screeningBody(code: row.screeningBodyCode.trimmed) == nil {
                issues.append(DomainIssue(code: "import.screening_body_unknown", field: "\(field).screeningBodyCode",
                                          messageZh: "未知的初审单位代码：\(row.screeningBodyCode)。", messageEn: "unknown screening body code \(row.screeningBodyCode)."))
            }
            if let date = LocalDate(row.namedOn.trimmed) {
                issues += Check.notInFuture(date, today: today, field: "\(field).namedOn", nameZh: "命名日期", nameEn: "namedOn")
            } else {
                issues.append(DomainIssue(code: "import.named_on", field: "\(field).namedOn",
                                          messageZh: "命名日期须为 YYYY-MM-DD 格式的有效日期。", messageEn: "namedOn must be a valid date YYYY-MM-DD."))
            }
            let key = row.studioName.trimmed + "\u{1F}" + row.unitName.trimmed
            if !seen.insert(key).inserted {
                issues.append(DomainIssue(code: "import.duplicate_row", field: "\(field).studioName",
                                          messageZh: "文件中重复出现该工作室。", messageEn: "the studio appears twice in the file."))
            }
        }
        return issues
    }

}
