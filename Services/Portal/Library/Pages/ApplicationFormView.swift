import Foundation
import ServiceKit
import StudioDomain

/// The application form as the template draws it: every section with its inputs, the user's values kept, and
/// each problem the service reported beside the input (or the section) it names. Written once; every page
/// with the form uses it.
struct ApplicationFormView {
    struct Option { var value: String; var label: String; var selected: Bool }
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
        var options: [Option]
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
            var options: [Option] = []
            var isSelect = false
            var isText = false, isDate = false, isNumber = false, isTextarea = false
            switch spec.kind {
            case .select(let choices):
                isSelect = true
                options = choices.map { Option(value: $0.0, label: $0.1, selected: $0.0 == value) }
            case .date: isDate = true
            case .number, .integer, .money: isNumber = true
            case .textarea, .lines: isTextarea = true
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
