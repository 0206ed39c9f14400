import Foundation
import ServiceKit
import StudioDomain

/// The application form (申报表) as HTML inputs, drawn from the form's own description (`PrintedFields` in
/// `StudioDomain`: each field's printed label, kind of entry and part of the form), so no field is listed here. Each
/// input is named by the path the intake API uses for the same field (`leader.skillLevel`, `team.members[1].name`),
/// so a problem the service reports for a field is shown beside that very input. Only the input's format is checked
/// here (a date is a date, an amount has at most two decimals); every rule of the regulation is the service's.
enum ApplicationFormFields {
    /// The sections of the form in the order the paper 申报表 has them (`FormSection`), each with its fields in the
    /// form's order and named by its first field.
    static func sections(kind: ApplicationKind, studios: [(id: String, name: String)]) -> [FormSectionSpec] {
        FormSection.allCases.compactMap { section in
            guard let heading = section.heading(on: kind) else { return nil }
            let keys = ApplicationForm.CodingKeys.allCases.filter { ApplicationForm.section($0) == section }
            guard let first = keys.first else { return nil }
            var spec = FormSectionSpec(key: first.rawValue, title: heading.title, note: heading.note)
            for key in keys { spec.add(ApplicationForm.printed(key), at: key.rawValue, studios: studios) }
            return spec
        }
    }

    /// Every input of the form, whatever its kind: what is read back from a post and shown for a stored form.
    static var allFields: [FieldSpec] {
        sections(kind: .projectGrant, studios: []).flatMap { $0.fields + $0.rows.flatMap { $0 } }
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
                if let value = try spec.entry.json(text) { tree.set(value, at: spec.name) }
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
            if let options = spec.options { return options.first { $0.0 == value && !value.isEmpty }?.1 ?? value }
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
            if let value = FormTree.value(at: spec.name, in: json).flatMap(spec.entry.text) { values[spec.name] = value }
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

/// What one input is: its API path, its printed label, its kind of entry and hint, and the choices of a select.
struct FieldSpec {
    var name: String
    var label: String
    var entry: FormEntry
    var hint: String?
    /// The choices of a select, `请选择` first; nil for other inputs.
    var options: [(String, String)]?

    init(_ name: String, _ label: String, _ entry: FormEntry, hint: String? = nil, studios: [(id: String, name: String)] = []) {
        self.name = name
        self.label = label
        self.entry = entry
        self.hint = hint
        if entry == .namedStudio {
            options = [("", "请选择")] + studios.map { ($0.id, $0.name) }
        } else {
            options = entry.choices.map { [("", "请选择")] + $0.map { ($0.value, $0.label) } }
        }
    }
}

/// How an input of each kind of entry reads and shows its text.
extension FormEntry {
    var isLongText: Bool {
        switch self {
        case .paragraph, .lines: true
        default: false
        }
    }

    /// The JSON value of a non-blank input; nil for nothing (a `lines` input of blank lines).
    func json(_ text: String) throws(InputIssue) -> Any? {
        switch self {
        case .text, .paragraph, .unitType, .skillLevel, .namedStudio: return text
        case .yesNo: return text == "true"
        case .date:
            guard let date = LocalDate(text) else { throw InputIssue(code: "input_date", zh: "请输入有效日期（年-月-日），如 2026-03-01。", en: "enter a valid date (YYYY-MM-DD)") }
            return date.description
        case .money:
            do { return try ApplicationFormFields.money(text).fen } catch {
                let issue = error.issue(field: "")
                throw InputIssue(code: issue.code, zh: issue.messageZh, en: issue.messageEn)
            }
        case .decimal:
            guard let number = Double(text), number.isFinite else { throw InputIssue(code: "input_number", zh: "请输入数字。", en: "enter a number") }
            return number
        case .wholeNumber:
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
        case .text, .paragraph, .date, .namedStudio: return value as? String
        case .unitType: return (value as? String).map { UnitType.parse($0)?.rawValue ?? $0 }
        case .skillLevel: return (value as? String).map { SkillLevel.parse($0)?.rawValue ?? $0 }
        case .yesNo: return (value as? Bool).map { $0 ? "true" : "false" }
        case .money: return (value as? NSNumber).map { Money(fen: $0.int64Value).yuanString }
        case .decimal: return (value as? NSNumber).map { let number = $0.doubleValue; return number == number.rounded() ? String(Int(number)) : String(number) }
        case .wholeNumber: return (value as? NSNumber).map { String($0.intValue) }
        case .lines: return (value as? [String]).map { $0.joined(separator: "\n") }
        }
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

    /// Adds the inputs of a field of the form at its API path: an entry is one input, a part its fields' inputs, and
    /// a table its rows, a row's short inputs first and its long texts below them.
    mutating func add(_ field: PrintedField, at path: String, studios: [(id: String, name: String)]) {
        switch field {
        case .entry(let label, let entry, let hint):
            fields.append(FieldSpec(path, label, entry, hint: hint, studios: studios))
        case .part(let part):
            for (key, field) in part.printedFields { add(field, at: path + "." + key, studios: studios) }
        case .table(let part, let count):
            rowKey = path
            rows = (0..<count).map { row in
                var inputs = FormSectionSpec(key: path, title: title)
                for (key, field) in part.printedFields { inputs.add(field, at: "\(path)[\(row)].\(key)", studios: studios) }
                return inputs.fields.filter { !$0.entry.isLongText } + inputs.fields.filter(\.entry.isLongText)
            }
        }
    }
}
