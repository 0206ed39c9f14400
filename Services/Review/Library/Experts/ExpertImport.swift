import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import Spreadsheet
import StudioDomain

/// Importing the expert pool (专家库, Art 8, 11) from the department's sheet, CSV (UTF-8 or GB18030) or `.xlsx`:
/// one expert a row under a header of Chinese column names. All or nothing: a sheet with any bad row adds no
/// expert, and every problem names its row and column.
struct ExpertImport {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `experts`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("import", use: run)
            .get("import-template.csv", use: template)
    }

    /// The columns, by the header a person reads; 专家编号, 姓名, 工作单位, 专业领域 and 最多评审份数 are required.
    enum Column: String, CaseIterable {
        case id = "专家编号", name = "姓名", unitName = "工作单位", unitCreditCode = "单位统一社会信用代码", area = "所在地区代码"
        case specialities = "专业领域", title = "职称或技能等级", maxLoad = "最多评审份数"
        case relationship = "申报的关系", relatedUnit = "关系单位", relatedPerson = "关系人"

        var field: String {
            switch self {
            case .id: "id"
            case .name: "name"
            case .unitName: "unitName"
            case .unitCreditCode: "unitCreditCode"
            case .area: "screeningBodyCode"
            case .specialities: "specialities"
            case .title: "title"
            case .maxLoad: "maxLoad"
            case .relationship: "relationships"
            case .relatedUnit: "relationships.unitName"
            case .relatedPerson: "relationships.personName"
            }
        }

        static let required: [Column] = [.id, .name, .unitName, .specialities, .maxLoad]
    }

    static let limit = 5 * 1024 * 1024

    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.department)
        let body = CSVWriter.write(header: Column.allCases.map(\.rawValue), rows: [
            ["EXP-001", "张明", "衢州职业技术学院", "", "330802", "装备制造/数控加工、装备制造/焊接", "高级工程师", "10", "师徒关系", "", "王建国"].map { .text($0) },
        ])
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"experts-template.csv\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    struct ImportResult: ResponseEncodable, Sendable {
        var imported: Int
        var experts: [ExpertID]
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportResult> {
        let identity = try context.require(.department)
        let bytes = Array(try await request.body.collect(upTo: Self.limit).readableBytesView)
        let rows = try Self.rows(bytes)
        let (experts, issues) = Self.experts(from: rows)
        guard issues.isEmpty else {
            throw Problem(.unprocessableContent, titleZh: "专家名单有误，未导入任何专家", titleEn: "the sheet has errors; no expert was imported", issues: issues)
        }
        try await database.importExperts(experts, by: identity.actor, at: Millis.from(environment.now()))
        return EditedResponse(status: .created, response: ImportResult(imported: experts.count, experts: experts.map(\.1.id)))
    }

    /// The sheet's rows: `.xlsx` by its zip signature, otherwise CSV in UTF-8 or GB18030.
    static func rows(_ bytes: [UInt8]) throws -> [SheetRow] {
        if bytes.isEmpty { throw Problem.validation([.required("body", nameZh: "专家名单文件", nameEn: "The sheet")]) }
        if XLSXReader.looksLikeXLSX(bytes) {
            do {
                return try XLSXReader.sheets(bytes).first?.rows ?? []
            } catch {
                throw Problem.invalid("import.not_a_workbook", field: "body", zh: error.messageZh, en: error.messageEn)
            }
        }
        guard let decoded = TextDecoding.decode(bytes) else {
            throw Problem.invalid("import.encoding", field: "body", zh: "文件既不是 UTF-8 也不是 GB18030 编码的 CSV，也不是 .xlsx", en: "the file is neither UTF-8 or GB18030 CSV nor .xlsx")
        }
        return CSVReader.records(decoded.text).map(SheetRow.init)
    }

    /// The experts of `rows` with their row numbers, or every problem found.
    static func experts(from rows: [SheetRow]) -> ([(Int, Expert)], [DomainIssue]) {
        guard let header = rows.first else {
            return ([], [DomainIssue(code: "import.empty", field: "body", messageZh: "文件为空", messageEn: "the file is empty")])
        }
        var index: [Column: Int] = [:]
        for (position, cell) in header.cells.enumerated() {
            if let column = Column(rawValue: cell.text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}"))) {
                index[column] = position
            }
        }
        let missing = Column.required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            return ([], missing.map { DomainIssue(code: "import.column_missing", field: "header", messageZh: "表头缺少“\($0.rawValue)”列", messageEn: "the header lacks the column \($0.rawValue)") })
        }
        var experts: [(Int, Expert)] = []
        var issues: [DomainIssue] = []
        var seen: [String: Int] = [:]
        for row in rows.dropFirst() {
            let number = row.number
            func cell(_ column: Column) -> String {
                guard let position = index[column], position < row.cells.count else { return "" }
                return row.cells[position].text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if row.cells.allSatisfy({ $0.text.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if let problem = row.csvIssue {
                issues.append(DomainIssue(code: "csv_syntax", field: "rows[\(number)]", messageZh: "第\(number)行：\(problem.messageZh)", messageEn: "row \(number): \(problem.messageEn)"))
                continue
            }
            var rowIssues: [DomainIssue] = []
            let loadText = cell(.maxLoad)
            let maxLoad = Int(loadText) ?? Double(loadText).flatMap { $0 == $0.rounded() ? Int($0) : nil }
            if maxLoad == nil {
                rowIssues.append(DomainIssue(code: "input_integer", field: "maxLoad", messageZh: "“最多评审份数”须为整数（现为“\(loadText)”）", messageEn: "maxLoad is a whole number (found \"\(loadText)\")"))
            }
            var relationships: [DeclaredRelationship] = []
            let kindText = cell(.relationship)
            if !kindText.isEmpty {
                if let kind = RelationshipKind.allCases.first(where: { $0.nameZh == kindText || $0.rawValue == kindText }) {
                    relationships.append(DeclaredRelationship(kind: kind, unitName: cell(.relatedUnit).nilIfEmpty, personName: cell(.relatedPerson).nilIfEmpty))
                } else {
                    rowIssues.append(DomainIssue(code: "expert.relationship_kind", field: "relationships",
                                                 messageZh: "“申报的关系”须为 \(RelationshipKind.allCases.map(\.nameZh).joined(separator: "、")) 之一（现为“\(kindText)”）",
                                                 messageEn: "the relationship is one of \(RelationshipKind.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
            }
            let specialities = cell(.specialities).split(whereSeparator: { "、，,;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let expert = Expert(id: ExpertID(cell(.id)), name: cell(.name), unitName: cell(.unitName), unitCreditCode: cell(.unitCreditCode).nilIfEmpty,
                                screeningBodyCode: cell(.area).nilIfEmpty, specialities: specialities, title: cell(.title).nilIfEmpty,
                                maxLoad: maxLoad ?? 1, relationships: relationships, active: true)
            rowIssues += expert.issues().filter { maxLoad != nil || $0.field != "maxLoad" }
            if let first = seen[expert.id.rawValue], !expert.id.rawValue.isEmpty {
                rowIssues.append(DomainIssue(code: "expert.duplicate_in_sheet", field: "id", messageZh: "专家编号 \(expert.id) 与第\(first)行重复", messageEn: "the id \(expert.id) repeats row \(first)"))
            } else {
                seen[expert.id.rawValue] = number
            }
            if rowIssues.isEmpty {
                experts.append((number, expert))
            } else {
                issues += rowIssues.map { issue in
                    let column = Column.allCases.first { issue.field == $0.field || issue.field.hasPrefix($0.field + "[") }?.rawValue ?? issue.field
                    return DomainIssue(code: issue.code, field: "rows[\(number)].\(issue.field)", article: issue.article,
                                       messageZh: "第\(number)行“\(column)”：\(issue.messageZh)", messageEn: "row \(number), \(column): \(issue.messageEn)")
                }
            }
        }
        if experts.isEmpty && issues.isEmpty {
            issues.append(DomainIssue(code: "import.no_rows", field: "body", messageZh: "表头下没有专家", messageEn: "no expert under the header"))
        }
        return (experts, issues)
    }
}

private extension String {
    /// An empty cell is no value.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
