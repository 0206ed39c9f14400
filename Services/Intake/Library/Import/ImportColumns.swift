import Foundation
import Spreadsheet
import StudioDomain

/// The columns of the import sheet, by their Chinese header as county staff write it. A header is matched
/// without spaces and without a parenthesised unit: `项目经费（元）` is `项目经费`.
struct ImportColumn: Sendable {
    var header: String
    /// The API field the column fills, as validation issues name it.
    var field: String
    var required: Bool
    var apply: @Sendable (inout ApplicationForm, String) throws(CellError) -> Void
}

/// Why a cell cannot be read, in both languages.
struct CellError: Error, Sendable {
    var code: String
    var zh: String
    var en: String
}

enum ImportColumns {
    /// Every column, in the form's order: one exhaustive `switch` per struct of the form, so a field added to
    /// `ApplicationForm` does not compile until it has a column here (or says why it has none).
    static let all: [ImportColumn] = ApplicationForm.CodingKeys.allCases.flatMap(columns)

    private static func columns(_ key: ApplicationForm.CodingKeys) -> [ImportColumn] {
        switch key {
        case .applicantUnit: UnitForm.CodingKeys.allCases.map(column)
        case .studio: StudioForm.CodingKeys.allCases.map(column)
        case .leader: LeaderForm.CodingKeys.allCases.map(column)
        case .team: TeamForm.CodingKeys.allCases.map(column)
        case .workRules: [text("工作制度", key.rawValue) { form, value in form.workRules = value }]
        case .projects: ProjectForm.CodingKeys.allCases.map(column)
        case .results: ResultsForm.CodingKeys.allCases.map(column)
        case .industryField: [text("行业领域", key.rawValue, required: false) { form, value in form.industryField = value }]
        case .screening: ScreeningForm.CodingKeys.allCases.map(column)
        // The sheet imports naming applications (Art 12): there is no existing studio to name.
        case .studioId: []
        }
    }

    private static func column(_ key: UnitForm.CodingKeys) -> ImportColumn {
        let field = "applicantUnit." + key.rawValue
        return switch key {
        case .name: text("申报单位名称", field) { $0.applicantUnit(\.name, $1) }
        case .creditCode: text("统一社会信用代码", field) { $0.applicantUnit(\.creditCode, $1) }
        case .unitType: text("单位类型", field) { $0.applicantUnit(\.unitType, $1) }
        case .hasTradeUnion:
            ImportColumn(header: "是否建有工会", field: field, required: true) { form, cell throws(CellError) in
                form.applicantUnit(\.hasTradeUnion, try yesNo(cell))
            }
        case .tradeUnionName: text("工会名称", field, required: false) { $0.applicantUnit(\.tradeUnionName, $1) }
        }
    }

    private static func column(_ key: StudioForm.CodingKeys) -> ImportColumn {
        let field = "studio." + key.rawValue
        return switch key {
        case .name: text("工作室名称", field) { $0.studio(\.name, $1) }
        case .creationStartDate:
            ImportColumn(header: "创建起始日期", field: field, required: true) { form, cell throws(CellError) in
                form.studio(\.creationStartDate, try date(cell))
            }
        case .hasFixedSite:
            ImportColumn(header: "是否有固定场地", field: field, required: true) { form, cell throws(CellError) in
                form.studio(\.hasFixedSite, try yesNo(cell))
            }
        case .siteAddress: text("场地地址", field) { $0.studio(\.siteAddress, $1) }
        case .siteArea:
            ImportColumn(header: "场地面积", field: field, required: true) { form, cell throws(CellError) in
                form.studio(\.siteArea, try number(cell))
            }
        case .funds:
            ImportColumn(header: "工作室经费", field: field, required: true) { form, cell throws(CellError) in
                form.studio(\.funds, try money(cell))
            }
        case .officeFacilities: text("办公设施", field) { $0.studio(\.officeFacilities, $1) }
        case .equipment: text("硬件设备", field) { $0.studio(\.equipment, $1) }
        }
    }

    private static func column(_ key: LeaderForm.CodingKeys) -> ImportColumn {
        let field = "leader." + key.rawValue
        return switch key {
        case .name: text("负责人姓名", field) { $0.leader(\.name, $1) }
        case .idNumber: text("负责人身份证号码", field) { $0.leader(\.idNumber, $1) }
        case .speciality: text("技术专长", field) { $0.leader(\.speciality, $1) }
        case .skillLevel: text("职业技能等级", field) { $0.leader(\.skillLevel, $1) }
        case .certificateNumber: text("职业技能等级证书编号", field) { $0.leader(\.certificateNumber, $1) }
        case .phone: text("联系电话", field) { $0.leader(\.phone, $1) }
        }
    }

    /// One cell of names (`张三、李四`): a member's role and level are not in the sheet.
    private static func column(_ key: TeamForm.CodingKeys) -> ImportColumn {
        switch key {
        case .members:
            ImportColumn(header: "团队成员", field: "team." + key.rawValue, required: true) { form, cell in
                form.team = TeamForm(members: list(cell).map { MemberForm(name: $0) })
            }
        }
    }

    /// The sheet has one project a row, the form's first.
    private static func column(_ key: ProjectForm.CodingKeys) -> ImportColumn {
        let field = "projects[0]." + key.rawValue
        return switch key {
        case .title: text("项目名称", field) { $0.project(\.title, $1) }
        case .commissioningUnit: text("委托单位", field) { $0.project(\.commissioningUnit, $1) }
        case .content: text("项目内容", field) { $0.project(\.content, $1) }
        case .startDate:
            ImportColumn(header: "项目开始日期", field: field, required: true) { form, cell throws(CellError) in
                form.project(\.startDate, try date(cell))
            }
        case .endDate:
            ImportColumn(header: "项目结束日期", field: field, required: true) { form, cell throws(CellError) in
                form.project(\.endDate, try date(cell))
            }
        case .requirements: text("项目要求", field) { $0.project(\.requirements, $1) }
        case .acceptanceStandard: text("考核标准", field) { $0.project(\.acceptanceStandard, $1) }
        case .funding:
            ImportColumn(header: "项目经费", field: field, required: true) { form, cell throws(CellError) in
                form.project(\.funding, try money(cell))
            }
        }
    }

    private static func column(_ key: ResultsForm.CodingKeys) -> ImportColumn {
        let field = "results." + key.rawValue
        return switch key {
        case .patents: ImportColumn(header: "专利", field: field, required: false) { form, cell in form.result(\.patents, list(cell)) }
        case .awards: ImportColumn(header: "获奖", field: field, required: false) { form, cell in form.result(\.awards, list(cell)) }
        case .papers: ImportColumn(header: "论文", field: field, required: false) { form, cell in form.result(\.papers, list(cell)) }
        }
    }

    private static func column(_ key: ScreeningForm.CodingKeys) -> ImportColumn {
        let field = "screening." + key.rawValue
        return switch key {
        case .opinion:
            text("初审意见", field) { form, value in
                form.screening = ScreeningForm(opinion: value, recommendationOrder: form.screening?.recommendationOrder)
            }
        case .recommendationOrder:
            ImportColumn(header: "推荐顺序", field: field, required: false) { form, cell throws(CellError) in
                let text = cell.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return }
                guard let order = Int(text) else { throw CellError(code: "cell_integer", zh: "“\(text)”不是整数", en: "“\(text)” is not a whole number") }
                form.screening = ScreeningForm(opinion: form.screening?.opinion, recommendationOrder: order)
            }
        }
    }

    /// `项目经费（元）` → `项目经费`
    static func normalise(_ header: String) -> String {
        var text = header.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: " ", with: "")
        for (open, close) in [("（", "）"), ("(", ")")] {
            if let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        return text
    }

    static func column(forHeader header: String) -> ImportColumn? {
        let key = normalise(header)
        return all.first { $0.header == key }
    }

    /// The header of the column that fills `field` (`projects[0].title` → 项目名称), for the bad-row report.
    static func header(forField field: String) -> String? {
        if let column = all.first(where: { $0.field == field }) { return column.header }
        if field.hasPrefix("team.members") { return "团队成员" }
        if field.hasPrefix("studio.hasFixedSite") { return "是否有固定场地" }
        return nil
    }

    // MARK: Cells

    /// Columns of long digit strings that must be text in a spreadsheet: Excel shows an 18-digit number as
    /// `3.30802E+17` and keeps only 15 digits of it.
    static let identifierFields: Set<String> = ["applicantUnit.creditCode", "leader.idNumber"]
    static let dateFields: Set<String> = ["studio.creationStartDate", "projects[0].startDate", "projects[0].endDate"]

    /// A cell of a CSV or workbook row as the text its column reads: a workbook's date (or a number in a date
    /// column, an Excel day serial) as `YYYY-MM-DD`; an ID number or credit code that Excel turned into a number
    /// (a numeric cell, or `3.30802E+17` in a CSV) is refused, naming the column.
    static func cellText(_ cell: SheetCell, for column: ImportColumn) throws(CellError) -> String {
        if identifierFields.contains(column.field), cell.kind == .number || cell.looksLikeScientificNotation {
            throw CellError(code: "cell_number_not_text",
                            zh: "“\(column.header)”列的“\(cell.text)”被 Excel 存成了数字（18位号码会显示为科学计数法并丢失末尾数字）；请把该列设为“文本”格式后重新填写",
                            en: "the \(column.header) cell “\(cell.text)” was stored by Excel as a number (an 18-digit number shows as 3.30802E+17 and loses its last digits); format the column as Text and enter it again")
        }
        if dateFields.contains(column.field), let day = cell.kind == .date ? cell.text : cell.serialDate { return day }
        return cell.text
    }

    private static func text(_ header: String, _ field: String, required: Bool = true,
                             _ set: @escaping @Sendable (inout ApplicationForm, String?) -> Void) -> ImportColumn {
        ImportColumn(header: header, field: field, required: required) { form, cell in
            let value = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            set(&form, value.isEmpty ? nil : value)
        }
    }

    static func yesNo(_ cell: String) throws(CellError) -> Bool? {
        switch cell.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "": return nil
        case "是", "有", "已建", "y", "yes", "true", "1": return true
        case "否", "无", "没有", "未建", "n", "no", "false", "0": return false
        default: throw CellError(code: "cell_yes_no", zh: "“\(cell)”应为“是”或“否”", en: "“\(cell)” should be 是 (yes) or 否 (no)")
        }
    }

    /// `2026-03-01`, `2026/3/1` (what Excel writes), `2026.3.1` or `2026年3月1日`.
    static func date(_ cell: String) throws(CellError) -> LocalDate? {
        let text = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        let parts = text.replacingOccurrences(of: "日", with: "")
            .split(whereSeparator: { "-/.年月".contains($0) }).map(String.init)
        if parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
           let date = LocalDate(year: year, month: month, day: day) {
            return date
        }
        throw CellError(code: "cell_date", zh: "“\(text)”不是有效日期（如 2026-03-01）", en: "“\(text)” is not a valid date (for example 2026-03-01)")
    }

    static func number(_ cell: String) throws(CellError) -> Double? {
        let text = cell.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ",", with: "")
        guard !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw CellError(code: "cell_number", zh: "“\(text)”不是有效数字", en: "“\(text)” is not a valid number")
        }
        return value
    }

    /// Yuan with at most two decimals → fen, without floating point.
    static func money(_ cell: String) throws(CellError) -> Money? {
        let text = cell.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ",", with: "")
        guard !text.isEmpty else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let failure = CellError(code: "cell_money", zh: "“\(text)”不是有效金额（元，最多两位小数）", en: "“\(text)” is not a valid amount (yuan, at most two decimals)")
        guard parts.count <= 2, let yuan = Int64(parts[0]), yuan >= 0, yuan < 1_000_000_000 else { throw failure }
        var fen = yuan * 100
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...2).contains(decimals.count), let value = Int64(decimals) else { throw failure }
            fen += decimals.count == 1 ? value * 10 : value
        }
        return Money(fen: fen)
    }

    static func list(_ cell: String) -> [String] {
        cell.split(whereSeparator: { "、，,;；\n".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

extension ApplicationForm {
    fileprivate mutating func applicantUnit<T>(_ path: WritableKeyPath<UnitForm, T?>, _ value: T?) {
        var unit = applicantUnit ?? UnitForm()
        unit[keyPath: path] = value
        applicantUnit = unit
    }

    fileprivate mutating func studio<T>(_ path: WritableKeyPath<StudioForm, T?>, _ value: T?) {
        var studio = self.studio ?? StudioForm()
        studio[keyPath: path] = value
        self.studio = studio
    }

    fileprivate mutating func leader<T>(_ path: WritableKeyPath<LeaderForm, T?>, _ value: T?) {
        var leader = self.leader ?? LeaderForm()
        leader[keyPath: path] = value
        self.leader = leader
    }

    fileprivate mutating func project<T>(_ path: WritableKeyPath<ProjectForm, T?>, _ value: T?) {
        var projects = self.projects ?? [ProjectForm()]
        projects[0][keyPath: path] = value
        self.projects = projects
    }

    fileprivate mutating func result(_ path: WritableKeyPath<ResultsForm, [String]?>, _ value: [String]) {
        var results = self.results ?? ResultsForm()
        results[keyPath: path] = value
        self.results = results
    }
}
