import Foundation
import ServiceKit
import StudioDomain

/// The application form as the template draws it: every section with its inputs, the user's values kept, and
/// each problem the service reported beside the input (or the section) it names. Written once; every page
/// with the form uses it.
struct ApplicationFormView {
    struct Field {
        var name: String
        var id: String
        var label: String
        var value: String
        var hint: String?
        var isText: Bool
        var isDate: Bool
        var isNumber: Bool
        var isTextarea: Bool
        var isSelect: Bool
        var options: [SelectOption]
        var errors: [IssueView]
        var invalid: Bool
    }
    struct Row { var number: Int; var fields: [Field] }
    struct Section {
        var key: String
        var title: String
        var note: String?
        var errors: [IssueView]
        var invalid: Bool
        var fields: [Field]
        var rows: [Row]
    }

    var action: String
    var idempotencyKey: String
    var sections: [Section]
    /// Problems that name no input of the form.
    var generalErrors: [IssueView]
    var hasErrors: Bool
    var errorCount: Int
    /// A submitted or returned application is amended: one button, a checked new version; a draft can also be saved.
    var amending: Bool
    var submitLabel: String

    init(action: String, kind: ApplicationKind, studios: [(id: String, name: String)], values: FormValues, issues: [DomainIssue], amending: Bool = false) {
        self.action = action
        idempotencyKey = values["_idempotency"] ?? UUID().uuidString.lowercased()
        self.amending = amending
        submitLabel = amending ? "提交修改" : "提交申报"
        let specs = ApplicationFormFields.sections(kind: kind, studios: studios)
        var remaining = issues
        func take(_ matches: (DomainIssue) -> Bool) -> [IssueView] {
            let taken = remaining.filter(matches)
            remaining.removeAll(where: matches)
            return taken.map(IssueView.init)
        }
        func field(_ spec: FieldSpec) -> Field {
            let errors = take { $0.field == spec.name }
            let value = values[spec.name] ?? ""
            var options: [SelectOption] = []
            var isSelect = false
            var isText = false, isDate = false, isNumber = false, isTextarea = false
            switch spec.entry {
            case .namedStudio, .yesNo, .unitType, .skillLevel:
                isSelect = true
                options = (spec.options ?? []).map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == value) }
            case .date: isDate = true
            case .decimal, .wholeNumber, .money: isNumber = true
            case .paragraph, .lines: isTextarea = true
            case .text: isText = true
            }
            return Field(name: spec.name, id: "f-" + spec.name.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined(),
                         label: spec.label, value: value, hint: spec.hint, isText: isText, isDate: isDate, isNumber: isNumber,
                         isTextarea: isTextarea, isSelect: isSelect, options: options, errors: errors, invalid: !errors.isEmpty)
        }
        var sections: [Section] = []
        for spec in specs {
            let fields = spec.fields.map(field)
            let rows = spec.rows.enumerated().map { Row(number: $0.offset + 1, fields: $0.element.map(field)) }
            sections.append(Section(key: spec.key, title: spec.title, note: spec.note, errors: [], invalid: false, fields: fields, rows: rows))
        }
        // What names a section (or a row field beyond the rows shown) goes above that section.
        for index in sections.indices {
            let spec = specs[index]
            let key = spec.rowKey ?? spec.key
            let errors = take { $0.field == spec.key || $0.field == key || $0.field.hasPrefix(key + ".") || $0.field.hasPrefix(key + "[")
                || $0.field.hasPrefix(spec.key + ".") || $0.field.hasPrefix(spec.key + "[") }
            sections[index].errors = errors
            sections[index].invalid = !errors.isEmpty || sections[index].fields.contains(where: \.invalid)
                || sections[index].rows.contains { $0.fields.contains(where: \.invalid) }
        }
        self.sections = sections
        generalErrors = remaining.map(IssueView.init)
        hasErrors = !issues.isEmpty
        errorCount = issues.count
    }
}

/// An application as review gives it to an expert (`ApplicationContent`: no ID numbers, phones or team members'
/// names), in the sections of the form, for reading beside the score sheet.
enum ExpertReading {
    static func sections(_ content: ApplicationContent) -> [ApplicationFormFields.DisplaySection] {
        func line(_ key: String, _ value: String?) -> KeyValue? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return KeyValue(key: key, value: value)
        }
        func list(_ items: [String]) -> String? { items.isEmpty ? nil : items.joined(separator: "；") }
        let details = content.details
        var sections = [
            ApplicationFormFields.DisplaySection(title: "申报单位与工作室", lines: [
                line("申报单位", content.applicantUnit.name), line("单位性质", content.applicantUnit.unitType.nameZh),
                line("建有工会组织", content.applicantUnit.hasTradeUnion ? "是" : "否"),
                line("工作室名称", content.studio.name), line("开展创建起始日期", Dates.chinese(content.studio.creationStartDate)),
                line("行业/专业领域", content.speciality), line("初审单位", ReferenceData.defaults.screeningBody(code: content.screeningBodyCode)?.nameZh ?? content.screeningBodyCode),
                line("推荐顺序", content.recommendationOrder.map { "第\($0)位" }),
            ].compactMap { $0 }),
            ApplicationFormFields.DisplaySection(title: "负责人与团队（第五条第（四）项）", lines: [
                line("负责人", content.leader.name), line("职业技能等级", content.leader.skillLevel.nameZh),
                line("技术专长", details?.leaderSpeciality), line("团队人数", "\(content.teamSize)人"),
            ].compactMap { $0 }),
        ]
        if let details {
            sections.append(.init(title: "场地、经费与设施（第五条第（一）项）", lines: [
                line("场地面积", details.siteArea.map { ($0 == $0.rounded() ? String(Int($0)) : String($0)) + "平方米" }),
                line("年度经费", details.funds.map { "\($0.yuanString)元" }), line("办公设施", details.officeFacilities), line("仪器设备", details.equipment),
            ].compactMap { $0 }))
            sections.append(.init(title: "工作制度（第五条第（二）项）", lines: [line("工作制度", details.workRules)].compactMap { $0 }))
            sections.append(.init(title: "创新项目（第五条第（三）项）", lines: details.projects.enumerated().map { index, project in
                let parts = [project.commissioningUnit.map { "委托单位：\($0)" }, project.content.map { "内容：\($0)" },
                             project.startDate.map { "期限：\(Dates.chinese($0))" + (project.endDate.map { " 至 \(Dates.chinese($0))" } ?? "") },
                             project.requirements.map { "要求：\($0)" }, project.acceptanceStandard.map { "验收标准：\($0)" },
                             project.funding.map { "经费：\($0.yuanString)元" }].compactMap { $0 }.filter { !$0.hasSuffix("：") }
                return KeyValue(key: "\(index + 1). \(project.title ?? "（未填项目名称）")", value: parts.joined(separator: "；"))
            }))
            sections.append(.init(title: "创新成果", lines: [line("专利", list(details.patents)), line("获奖", list(details.awards)), line("论文", list(details.papers))].compactMap { $0 }))
            sections.append(.init(title: "初审意见（第十条）", lines: [line("初审意见", details.screeningOpinion)].compactMap { $0 }))
        } else {
            sections.append(.init(title: "创新项目（第五条第（三）项）", lines: content.projectTitles.enumerated().map { KeyValue(key: "\($0.offset + 1)", value: $0.element) }))
        }
        return sections.filter { !$0.lines.isEmpty }
    }
}
