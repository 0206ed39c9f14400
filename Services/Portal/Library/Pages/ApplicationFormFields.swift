import Foundation
import IntakeService
import ServiceKit
import StudioDomain

/// The application form (申报表) as HTML inputs. Each input is named by the path the intake API uses for
/// the same field (`leader.skillLevel`, `team.members[1].name`), so a problem the service reports for a field
/// is shown beside that very input. Only the input's format is checked here (a date is a date, an amount has
/// at most two decimals); every rule of the regulation is the service's.
enum ApplicationFormFields {
    static let memberRows = 6
    static let projectRows = 3

    /// The sections of the form in the order the paper 申报表 has them.
    static func sections(kind: ApplicationKind, studios: [(id: String, name: String)]) -> [FormSectionSpec] {
        let yesNo: [(String, String)] = [("", "请选择"), ("true", "是"), ("false", "否")]
        let unitTypes = [("", "请选择")] + UnitType.allCases.map { ($0.rawValue, $0.nameZh) }
        let levels = [("", "请选择")] + SkillLevel.allCases.map { ($0.rawValue, $0.nameZh) }
        var sections: [FormSectionSpec] = []
        if kind != .naming {
            sections.append(FormSectionSpec(key: "studioId", title: "申报的工作室", note: kind == .projectGrant
                ? "项目资助（第十三条）：已命名工作室自命名周期第二年起可申报。" : "示范性创新工作室（第十四条）：从已命名的市级、省级工作室中推荐。", fields: [
                FieldSpec("studioId", "已命名工作室", .select([("", "请选择")] + studios.map { ($0.id, $0.name) })),
            ]))
        }
        sections += [
            FormSectionSpec(key: "applicantUnit", title: "一、申报单位", note: "第六条：企事业单位、党政机关，且建有工会组织。", fields: [
                FieldSpec("applicantUnit.name", "单位名称", .text),
                FieldSpec("applicantUnit.creditCode", "统一社会信用代码", .text, hint: "18位，GB 32100"),
                FieldSpec("applicantUnit.unitType", "单位性质", .select(unitTypes)),
                FieldSpec("applicantUnit.hasTradeUnion", "是否建有工会组织", .select(yesNo)),
                FieldSpec("applicantUnit.tradeUnionName", "工会名称", .text),
            ]),
            FormSectionSpec(key: "studio", title: "二、工作室基本情况", note: "第五条第（一）项、第七条：固定场地、必要经费、办公设施；创建满6个月。", fields: [
                FieldSpec("studio.name", "工作室名称", .text),
                FieldSpec("studio.creationStartDate", "开展创建工作起始日期", .date),
                FieldSpec("studio.hasFixedSite", "是否有功能明确的固定场地", .select(yesNo)),
                FieldSpec("studio.siteAddress", "场地地址", .text),
                FieldSpec("studio.siteArea", "场地面积（平方米）", .number),
                FieldSpec("studio.funds", "年度经费（元）", .money),
                FieldSpec("studio.officeFacilities", "办公设施", .text),
                FieldSpec("studio.equipment", "设备", .text),
            ]),
            FormSectionSpec(key: "leader", title: "三、工作室负责人", note: "第五条第（四）项：有技术专长，职业技能等级高级（三级）及以上。", fields: [
                FieldSpec("leader.name", "姓名", .text),
                FieldSpec("leader.idNumber", "居民身份证号码", .text, hint: "仅用于资格审查，不会公开"),
                FieldSpec("leader.speciality", "技术专长", .text),
                FieldSpec("leader.skillLevel", "职业技能等级", .select(levels)),
                FieldSpec("leader.certificateNumber", "职业技能等级证书编号", .text),
                FieldSpec("leader.phone", "联系电话", .text),
            ]),
            FormSectionSpec(key: "team", title: "四、团队成员（负责人以外）", note: "第五条第（四）项：团队（含负责人）不少于3人。未用的行留空。",
                            rows: (0..<memberRows).map { index in [
                                FieldSpec("team.members[\(index)].name", "姓名", .text),
                                FieldSpec("team.members[\(index)].role", "分工", .text),
                                FieldSpec("team.members[\(index)].skillLevel", "职业技能等级", .select(levels)),
                            ] }, rowKey: "team.members"),
            FormSectionSpec(key: "workRules", title: "五、工作制度", note: "第五条第（二）项：目标明确，制度与本单位生产、研发相结合。", fields: [
                FieldSpec("workRules", "工作目标与制度", .textarea),
                FieldSpec("industryField", "行业/专业领域", .text, hint: "用于匹配评审专家；空缺时按负责人技术专长"),
            ]),
            FormSectionSpec(key: "projects", title: "六、创新项目", note: "第五条第（三）项：每年至少承担一项本单位或外单位委托的创新项目，有内容、时限、要求和验收标准，有经费。",
                            rows: (0..<projectRows).map { index in [
                                FieldSpec("projects[\(index)].title", "项目名称", .text),
                                FieldSpec("projects[\(index)].commissioningUnit", "委托单位", .text),
                                FieldSpec("projects[\(index)].startDate", "开始日期", .date),
                                FieldSpec("projects[\(index)].endDate", "完成时限", .date),
                                FieldSpec("projects[\(index)].funding", "项目经费（元）", .money),
                                FieldSpec("projects[\(index)].content", "项目内容", .textarea),
                                FieldSpec("projects[\(index)].requirements", "项目要求", .textarea),
                                FieldSpec("projects[\(index)].acceptanceStandard", "验收标准", .textarea),
                            ] }, rowKey: "projects"),
            FormSectionSpec(key: "results", title: "七、创新成果", note: "每行一项。", fields: [
                FieldSpec("results.patents", "专利", .lines),
                FieldSpec("results.awards", "获奖", .lines),
                FieldSpec("results.papers", "论文、技术成果", .lines),
            ]),
            FormSectionSpec(key: "screening", title: "八、初审意见", note: "第十条：县（市、区）总工会、市直系统工委初审，择优推荐。", fields: [
                FieldSpec("screening.opinion", "初审意见", .textarea),
                FieldSpec("screening.recommendationOrder", "推荐顺序", .integer, hint: "1 为首选"),
            ]),
        ]
        return sections
    }

    // MARK: Form values → ApplicationForm

    /// A value that is not in the input's format, found before anything is sent to the service.
    struct InputProblem: Error {
        var issues: [DomainIssue]
    }

    /// The form from what the browser posted; blank inputs are absent, empty rows are dropped.
    static func form(from values: FormValues) throws -> ApplicationForm {
        var issues: [DomainIssue] = []
        func text(_ name: String) -> String? {
            let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return value.isEmpty ? nil : value
        }
        func bool(_ name: String) -> Bool? { text(name).map { $0 == "true" } }
        func date(_ name: String) -> LocalDate? {
            guard let value = text(name) else { return nil }
            guard let date = LocalDate(value) else {
                issues.append(.init(code: "input_date", field: name, messageZh: "请输入有效日期（年-月-日），如 2026-03-01。", messageEn: "enter a valid date (YYYY-MM-DD)"))
                return nil
            }
            return date
        }
        func money(_ name: String) -> Money? {
            guard let value = text(name) else { return nil }
            do {
                return try Self.money(value)
            } catch {
                issues.append(error.issue(field: name))
                return nil
            }
        }
        func number(_ name: String) -> Double? {
            guard let value = text(name) else { return nil }
            guard let number = Double(value), number.isFinite else {
                issues.append(.init(code: "input_number", field: name, messageZh: "请输入数字。", messageEn: "enter a number"))
                return nil
            }
            return number
        }
        func integer(_ name: String) -> Int? {
            guard let value = text(name) else { return nil }
            guard let number = Int(value) else {
                issues.append(.init(code: "input_integer", field: name, messageZh: "请输入整数。", messageEn: "enter a whole number"))
                return nil
            }
            return number
        }
        func lines(_ name: String) -> [String]? {
            let items = (text(name) ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return items.isEmpty ? nil : items
        }

        var form = ApplicationForm()
        form.studioId = text("studioId").map { StudioID($0) }
        let unit = UnitForm(name: text("applicantUnit.name"), creditCode: text("applicantUnit.creditCode"), unitType: text("applicantUnit.unitType"),
                            hasTradeUnion: bool("applicantUnit.hasTradeUnion"), tradeUnionName: text("applicantUnit.tradeUnionName"))
        form.applicantUnit = unit == UnitForm() ? nil : unit
        let studio = StudioForm(name: text("studio.name"), creationStartDate: date("studio.creationStartDate"), hasFixedSite: bool("studio.hasFixedSite"),
                                siteAddress: text("studio.siteAddress"), siteArea: number("studio.siteArea"), funds: money("studio.funds"),
                                officeFacilities: text("studio.officeFacilities"), equipment: text("studio.equipment"))
        form.studio = studio == StudioForm() ? nil : studio
        let leader = LeaderForm(name: text("leader.name"), idNumber: text("leader.idNumber"), speciality: text("leader.speciality"),
                                skillLevel: text("leader.skillLevel"), certificateNumber: text("leader.certificateNumber"), phone: text("leader.phone"))
        form.leader = leader == LeaderForm() ? nil : leader
        let members = (0..<memberRows).compactMap { index -> MemberForm? in
            let member = MemberForm(name: text("team.members[\(index)].name"), role: text("team.members[\(index)].role"),
                                    skillLevel: text("team.members[\(index)].skillLevel"))
            return member == MemberForm() ? nil : member
        }
        form.team = members.isEmpty ? nil : TeamForm(members: members)
        form.workRules = text("workRules")
        form.industryField = text("industryField")
        let projects = (0..<projectRows).compactMap { index -> ProjectForm? in
            let prefix = "projects[\(index)]."
            let project = ProjectForm(title: text(prefix + "title"), commissioningUnit: text(prefix + "commissioningUnit"), content: text(prefix + "content"),
                                      startDate: date(prefix + "startDate"), endDate: date(prefix + "endDate"), requirements: text(prefix + "requirements"),
                                      acceptanceStandard: text(prefix + "acceptanceStandard"), funding: money(prefix + "funding"))
            return project == ProjectForm() ? nil : project
        }
        form.projects = projects.isEmpty ? nil : projects
        let results = ResultsForm(patents: lines("results.patents"), awards: lines("results.awards"), papers: lines("results.papers"))
        form.results = results == ResultsForm() ? nil : results
        let screening = ScreeningForm(opinion: text("screening.opinion"), recommendationOrder: integer("screening.recommendationOrder"))
        form.screening = screening == ScreeningForm() ? nil : screening
        guard issues.isEmpty else { throw InputProblem(issues: issues) }
        return form
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
            if case .select(let options) = spec.kind { return options.first { $0.0 == value && !value.isEmpty }?.1 ?? value }
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

    /// What the inputs show for a stored form (amounts back in yuan).
    static func values(of form: ApplicationForm) -> FormValues {
        var values = FormValues()
        func set(_ name: String, _ value: String?) { if let value { values[name] = value } }
        func yuan(_ money: Money?) -> String? { money.map(\.yuanString) }
        set("studioId", form.studioId?.rawValue)
        set("applicantUnit.name", form.applicantUnit?.name)
        set("applicantUnit.creditCode", form.applicantUnit?.creditCode)
        set("applicantUnit.unitType", form.applicantUnit?.unitType.map { UnitType.parse($0)?.rawValue ?? $0 })
        set("applicantUnit.hasTradeUnion", form.applicantUnit?.hasTradeUnion.map { $0 ? "true" : "false" })
        set("applicantUnit.tradeUnionName", form.applicantUnit?.tradeUnionName)
        set("studio.name", form.studio?.name)
        set("studio.creationStartDate", form.studio?.creationStartDate?.description)
        set("studio.hasFixedSite", form.studio?.hasFixedSite.map { $0 ? "true" : "false" })
        set("studio.siteAddress", form.studio?.siteAddress)
        set("studio.siteArea", form.studio?.siteArea.map { $0 == $0.rounded() ? String(Int($0)) : String($0) })
        set("studio.funds", yuan(form.studio?.funds))
        set("studio.officeFacilities", form.studio?.officeFacilities)
        set("studio.equipment", form.studio?.equipment)
        set("leader.name", form.leader?.name)
        set("leader.idNumber", form.leader?.idNumber)
        set("leader.speciality", form.leader?.speciality)
        set("leader.skillLevel", form.leader?.skillLevel.map { SkillLevel.parse($0)?.rawValue ?? $0 })
        set("leader.certificateNumber", form.leader?.certificateNumber)
        set("leader.phone", form.leader?.phone)
        for (index, member) in (form.team?.members ?? []).prefix(memberRows).enumerated() {
            set("team.members[\(index)].name", member.name)
            set("team.members[\(index)].role", member.role)
            set("team.members[\(index)].skillLevel", member.skillLevel.map { SkillLevel.parse($0)?.rawValue ?? $0 })
        }
        set("workRules", form.workRules)
        set("industryField", form.industryField)
        for (index, project) in (form.projects ?? []).prefix(projectRows).enumerated() {
            let prefix = "projects[\(index)]."
            set(prefix + "title", project.title)
            set(prefix + "commissioningUnit", project.commissioningUnit)
            set(prefix + "content", project.content)
            set(prefix + "startDate", project.startDate?.description)
            set(prefix + "endDate", project.endDate?.description)
            set(prefix + "requirements", project.requirements)
            set(prefix + "acceptanceStandard", project.acceptanceStandard)
            set(prefix + "funding", yuan(project.funding))
        }
        set("results.patents", form.results?.patents?.joined(separator: "\n"))
        set("results.awards", form.results?.awards?.joined(separator: "\n"))
        set("results.papers", form.results?.papers?.joined(separator: "\n"))
        set("screening.opinion", form.screening?.opinion)
        set("screening.recommendationOrder", form.screening?.recommendationOrder.map(String.init))
        return values
    }
}

/// What one input is: its API path, its label and its kind.
struct FieldSpec {
    enum Kind {
        case text, date, number, integer, money, textarea, lines
        case select([(String, String)])
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
