import Foundation
import ServiceKit
import StudioDomain

/// The application form (申报表) as HTML inputs. Each input is named by the path the intake API uses for
/// the same field (`leader.skillLevel`, `team.members[1].name`), so a problem the service reports for a field
/// is shown beside that very input. Only the input's format is checked here (a date is a date, an amount has
/// at most two decimals); every rule of the regulation is the service's.
enum ApplicationFormFields {
    static let memberRows = 6
    static let projectRows = 3

    /// The sections of the form in the order the paper 申报表 has them: the studio applied for first (not on a
    /// naming application), then the form's fields in their order, each section headed by its first field.
    static func sections(kind: ApplicationKind, studios: [(id: String, name: String)]) -> [FormSectionSpec] {
        let keys = [ApplicationForm.CodingKeys.studioId] + ApplicationForm.CodingKeys.allCases.filter { $0 != .studioId }
        var sections: [FormSectionSpec] = []
        for key in keys where kind != .naming || key != .studioId {
            let part = part(key, studios: studios)
            if let index = sections.firstIndex(where: { $0.key == part.section.rawValue }) {
                sections[index].fields += part.fields
            } else {
                let heading = heading(part.section, kind: kind)
                sections.append(FormSectionSpec(key: part.section.rawValue, title: heading.title, note: heading.note, fields: part.fields,
                                                rows: part.rows, rowKey: part.rows.isEmpty ? nil : part.rowKey))
            }
        }
        return sections
    }

    /// Every input of the form, whatever its kind: what is read back from a post and shown for a stored form.
    static var allFields: [FieldSpec] {
        sections(kind: .projectGrant, studios: []).flatMap { $0.fields + $0.rows.flatMap { $0 } }
    }

    /// Where a field of the form stands (its section, named by the section's first field) and its inputs: one
    /// exhaustive `switch` per struct of the form, so a field added to `ApplicationForm` does not compile until it
    /// has its input here.
    private static func part(_ key: ApplicationForm.CodingKeys, studios: [(id: String, name: String)])
        -> (section: ApplicationForm.CodingKeys, fields: [FieldSpec], rows: [[FieldSpec]], rowKey: String) {
        let name = key.rawValue
        switch key {
        case .studioId: return (key, [FieldSpec(name, "已命名工作室", .select([("", "请选择")] + studios.map { ($0.id, $0.name) }))], [], name)
        case .applicantUnit: return (key, UnitForm.CodingKeys.allCases.map { field($0, name + ".") }, [], name)
        case .studio: return (key, StudioForm.CodingKeys.allCases.map { field($0, name + ".") }, [], name)
        case .leader: return (key, LeaderForm.CodingKeys.allCases.map { field($0, name + ".") }, [], name)
        case .team:
            let members = name + "." + TeamForm.CodingKeys.members.rawValue
            return (key, [], (0..<memberRows).map { row in MemberForm.CodingKeys.allCases.map { field($0, "\(members)[\(row)].") } }, members)
        case .workRules: return (key, [FieldSpec(name, "工作目标与制度", .textarea)], [], name)
        case .industryField: return (.workRules, [FieldSpec(name, "行业/专业领域", .text, hint: "用于匹配评审专家；空缺时按负责人技术专长")], [], name)
        case .projects:
            return (key, [], (0..<projectRows).map { row in
                // A project's short inputs first, its long texts below them.
                let fields = ProjectForm.CodingKeys.allCases.map { field($0, "\(name)[\(row)].") }
                return fields.filter { !$0.kind.isLongText } + fields.filter(\.kind.isLongText)
            }, name)
        case .results: return (key, ResultsForm.CodingKeys.allCases.map { field($0, name + ".") }, [], name)
        case .screening: return (key, ScreeningForm.CodingKeys.allCases.map { field($0, name + ".") }, [], name)
        }
    }

    /// The title and note of the section a field heads (a field inside another's section gives that section's).
    private static func heading(_ key: ApplicationForm.CodingKeys, kind: ApplicationKind) -> (title: String, note: String?) {
        switch key {
        case .studioId: ("申报的工作室", kind == .projectGrant ? "项目资助（第十三条）：已命名工作室自命名周期第二年起可申报。" : "示范性创新工作室（第十四条）：从已命名的市级、省级工作室中推荐。")
        case .applicantUnit: ("一、申报单位", "第六条：企事业单位、党政机关，且建有工会组织。")
        case .studio: ("二、工作室基本情况", "第五条第（一）项、第七条：固定场地、必要经费、办公设施；创建满6个月。")
        case .leader: ("三、工作室负责人", "第五条第（四）项：有技术专长，职业技能等级高级（三级）及以上。")
        case .team: ("四、团队成员（负责人以外）", "第五条第（四）项：团队（含负责人）不少于3人。未用的行留空。")
        case .workRules, .industryField: ("五、工作制度", "第五条第（二）项：目标明确，制度与本单位生产、研发相结合。")
        case .projects: ("六、创新项目", "第五条第（三）项：每年至少承担一项本单位或外单位委托的创新项目，有内容、时限、要求和验收标准，有经费。")
        case .results: ("七、创新成果", "每行一项。")
        case .screening: ("八、初审意见", "第十条：县（市、区）总工会、市直系统工委初审，择优推荐。")
        }
    }

    private static func field(_ key: UnitForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .name: FieldSpec(name, "单位名称", .text)
        case .creditCode: FieldSpec(name, "统一社会信用代码", .text, hint: "18位，GB 32100")
        case .unitType: FieldSpec(name, "单位性质", .unitType)
        case .hasTradeUnion: FieldSpec(name, "是否建有工会组织", .yesNo)
        case .tradeUnionName: FieldSpec(name, "工会名称", .text)
        }
    }

    private static func field(_ key: StudioForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .name: FieldSpec(name, "工作室名称", .text)
        case .creationStartDate: FieldSpec(name, "开展创建工作起始日期", .date)
        case .hasFixedSite: FieldSpec(name, "是否有功能明确的固定场地", .yesNo)
        case .siteAddress: FieldSpec(name, "场地地址", .text)
        case .siteArea: FieldSpec(name, "场地面积（平方米）", .number)
        case .funds: FieldSpec(name, "年度经费（元）", .money)
        case .officeFacilities: FieldSpec(name, "办公设施", .text)
        case .equipment: FieldSpec(name, "设备", .text)
        }
    }

    private static func field(_ key: LeaderForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .name: FieldSpec(name, "姓名", .text)
        case .idNumber: FieldSpec(name, "居民身份证号码", .text, hint: "仅用于资格审查，不会公开")
        case .speciality: FieldSpec(name, "技术专长", .text)
        case .skillLevel: FieldSpec(name, "职业技能等级", .skillLevel)
        case .certificateNumber: FieldSpec(name, "职业技能等级证书编号", .text)
        case .phone: FieldSpec(name, "联系电话", .text)
        }
    }

    private static func field(_ key: MemberForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .name: FieldSpec(name, "姓名", .text)
        case .role: FieldSpec(name, "分工", .text)
        case .skillLevel: FieldSpec(name, "职业技能等级", .skillLevel)
        }
    }

    private static func field(_ key: ProjectForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .title: FieldSpec(name, "项目名称", .text)
        case .commissioningUnit: FieldSpec(name, "委托单位", .text)
        case .content: FieldSpec(name, "项目内容", .textarea)
        case .startDate: FieldSpec(name, "开始日期", .date)
        case .endDate: FieldSpec(name, "完成时限", .date)
        case .requirements: FieldSpec(name, "项目要求", .textarea)
        case .acceptanceStandard: FieldSpec(name, "验收标准", .textarea)
        case .funding: FieldSpec(name, "项目经费（元）", .money)
        }
    }

    private static func field(_ key: ResultsForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .patents: FieldSpec(name, "专利", .lines)
        case .awards: FieldSpec(name, "获奖", .lines)
        case .papers: FieldSpec(name, "论文、技术成果", .lines)
        }
    }

    private static func field(_ key: ScreeningForm.CodingKeys, _ prefix: String) -> FieldSpec {
        let name = prefix + key.rawValue
        return switch key {
        case .opinion: FieldSpec(name, "初审意见", .textarea)
        case .recommendationOrder: FieldSpec(name, "推荐顺序", .integer, hint: "1 为首选")
        }
    }

    // MARK: Form values → ApplicationForm

    /// A value that is not in the input's format, found before anything is sent to the service.
    struct InputProblem: Error {
        var issues: [DomainIssue]
    }

    /// The form from what the browser posted: each input read by its kind and put at its path; blank inputs are
    /// absent, empty rows are dropped, and what is left is decoded as the one `ApplicationForm`.
    static func form(from values: FormValues) throws -> ApplicationForm {
        var issues: [DomainIssue] = []
        var tree = FormTree()
        for spec in allFields {
            let text = values[spec.name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !text.isEmpty else { continue }
            do throws(InputIssue) {
                if let value = try spec.kind.json(text) { tree.set(value, at: spec.name) }
            } catch {
                issues.append(DomainIssue(code: error.code, field: spec.name, messageZh: error.zh, messageEn: error.en))
            }
        }
        guard issues.isEmpty else { throw InputProblem(issues: issues) }
        return try DomainJSON.decoder().decode(ApplicationForm.self, from: JSONSerialization.data(withJSONObject: tree.json))
    }

    /// Yuan as county staff type them (`12,000.50`): the domain's exact parser after the grouping commas.
    static func money(_ text: String) throws(MoneyParseError) -> Money {
        try Money.parse(yuan: text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: ""))
    }

    // MARK: ApplicationForm → read-only sections

    /// A section of the form for reading (the printable 申报表, the department's review): label and value per line.
    struct DisplaySection { var title: String; var lines: [KeyValue] }

    static func display(_ form: ApplicationForm, kind: ApplicationKind) -> [DisplaySection] {
        let values = values(of: form)
        func display(_ spec: FieldSpec) -> String {
            let value = values[spec.name] ?? ""
            if let options = spec.kind.options { return options.first { $0.0 == value && !value.isEmpty }?.1 ?? value }
            return value
        }
        return sections(kind: kind, studios: []).map { spec in
            DisplaySection(title: spec.title, lines: spec.fields.map { KeyValue(key: $0.label, value: display($0)) }
                + spec.rows.enumerated().compactMap { index, row in
                    let text = row.compactMap { field in display(field).isEmpty ? nil : "\(field.label)：\(display(field))" }.joined(separator: "；")
                    return text.isEmpty ? nil : KeyValue(key: "\(index + 1)", value: text)
                })
        }
    }

    // MARK: ApplicationForm → form values

    /// What the inputs show for a stored form (amounts back in yuan), each input read from its path in the form's JSON.
    static func values(of form: ApplicationForm) -> FormValues {
        var values = FormValues()
        guard let data = try? DomainJSON.encoder().encode(form), let json = try? JSONSerialization.jsonObject(with: data) else { return values }
        for spec in allFields {
            if let value = FormTree.value(at: spec.name, in: json).flatMap(spec.kind.text) { values[spec.name] = value }
        }
        return values
    }
}

/// Why an input's text is not of its kind.
struct InputIssue: Error {
    var code: String
    var zh: String
    var en: String
}

/// The form's JSON as it is built from the inputs: objects by key, rows by their index (only rows with a value).
private struct FormTree {
    private enum Node { case value(Any), object(FormTree), rows([Int: FormTree]) }
    private var members: [String: Node] = [:]

    /// `team.members[1].name` → `team`, `members` row 1, `name`.
    mutating func set(_ value: Any, at path: String) {
        set(value, at: Self.steps(path)[...])
    }

    private mutating func set(_ value: Any, at steps: ArraySlice<(key: String, row: Int?)>) {
        guard let step = steps.first else { return }
        let rest = steps.dropFirst()
        if let row = step.row {
            guard case .rows(var rows) = members[step.key] ?? .rows([:]) else { return }
            rows[row, default: FormTree()].set(value, at: rest)
            members[step.key] = .rows(rows)
        } else if rest.isEmpty {
            members[step.key] = .value(value)
        } else {
            guard case .object(var tree) = members[step.key] ?? .object(FormTree()) else { return }
            tree.set(value, at: rest)
            members[step.key] = .object(tree)
        }
    }

    var json: [String: Any] {
        members.mapValues { node -> Any in
            switch node {
            case .value(let value): value
            case .object(let tree): tree.json
            case .rows(let rows): rows.sorted { $0.key < $1.key }.map(\.value.json)
            }
        }
    }

    /// The value at `path` in decoded JSON (`[String: Any]` and arrays), nil where there is none.
    static func value(at path: String, in json: Any) -> Any? {
        var node: Any? = json
        for step in steps(path) {
            node = (node as? [String: Any])?[step.key]
            if let row = step.row {
                guard let list = node as? [Any], row < list.count else { return nil }
                node = list[row]
            }
        }
        return node
    }

    private static func steps(_ path: String) -> [(key: String, row: Int?)] {
        path.split(separator: ".").map { part in
            guard let open = part.firstIndex(of: "["), let row = Int(part[part.index(after: open)...].dropLast()) else { return (String(part), nil) }
            return (String(part[..<open]), row)
        }
    }
}

/// What one input is: its API path, its label and its kind.
struct FieldSpec {
    enum Kind {
        case text, date, number, integer, money, textarea, lines
        /// 是/否 → a JSON boolean.
        case yesNo
        /// The unit types and skill levels: the API's raw value, a stored Chinese wording shown as its raw value.
        case unitType, skillLevel
        case select([(String, String)])

        var isLongText: Bool {
            switch self {
            case .textarea, .lines: true
            default: false
            }
        }

        /// The choices of a select, nil for other inputs.
        var options: [(String, String)]? {
            switch self {
            case .yesNo: [("", "请选择"), ("true", "是"), ("false", "否")]
            case .unitType: [("", "请选择")] + UnitType.allCases.map { ($0.rawValue, $0.nameZh) }
            case .skillLevel: [("", "请选择")] + SkillLevel.allCases.map { ($0.rawValue, $0.nameZh) }
            case .select(let options): options
            case .text, .date, .number, .integer, .money, .textarea, .lines: nil
            }
        }

        /// The JSON value of a non-blank input; nil for nothing (a `lines` input of blank lines).
        func json(_ text: String) throws(InputIssue) -> Any? {
            switch self {
            case .text, .textarea, .unitType, .skillLevel, .select: return text
            case .yesNo: return text == "true"
            case .date:
                guard let date = LocalDate(text) else { throw InputIssue(code: "input_date", zh: "请输入有效日期（年-月-日），如 2026-03-01。", en: "enter a valid date (YYYY-MM-DD)") }
                return date.description
            case .money:
                do { return try ApplicationFormFields.money(text).fen } catch {
                    let issue = error.issue(field: "")
                    throw InputIssue(code: issue.code, zh: issue.messageZh, en: issue.messageEn)
                }
            case .number:
                guard let number = Double(text), number.isFinite else { throw InputIssue(code: "input_number", zh: "请输入数字。", en: "enter a number") }
                return number
            case .integer:
                guard let number = Int(text) else { throw InputIssue(code: "input_integer", zh: "请输入整数。", en: "enter a whole number") }
                return number
            case .lines:
                let items = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return items.isEmpty ? nil : items
            }
        }

        /// What the input shows for a stored JSON value (fen in yuan, a whole area without `.0`).
        func text(_ value: Any) -> String? {
            switch self {
            case .text, .textarea, .date, .select: return value as? String
            case .unitType: return (value as? String).map { UnitType.parse($0)?.rawValue ?? $0 }
            case .skillLevel: return (value as? String).map { SkillLevel.parse($0)?.rawValue ?? $0 }
            case .yesNo: return (value as? Bool).map { $0 ? "true" : "false" }
            case .money: return (value as? NSNumber).map { Money(fen: $0.int64Value).yuanString }
            case .number: return (value as? NSNumber).map { let number = $0.doubleValue; return number == number.rounded() ? String(Int(number)) : String(number) }
            case .integer: return (value as? NSNumber).map { String($0.intValue) }
            case .lines: return (value as? [String]).map { $0.joined(separator: "\n") }
            }
        }
    }
    var name: String
    var label: String
    var kind: Kind
    var hint: String?
    init(_ name: String, _ label: String, _ kind: Kind, hint: String? = nil) {
        self.name = name
        self.label = label
        self.kind = kind
        self.hint = hint
    }
}

/// A section of the form: plain fields, or repeated rows (team members, projects).
struct FormSectionSpec {
    var key: String
    var title: String
    var note: String?
    var fields: [FieldSpec] = []
    var rows: [[FieldSpec]] = []
    /// The API field the rows together stand for (`team.members`): a problem for it shows above the rows.
    var rowKey: String?
}
