import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// A round's working pages at the department's desk (经济工作部, Art 9, 11): its settings on review's side, the
/// panel (the assignment as a table with each expert's load, the conflicts found and added by hand, changes by
/// hand, who has submitted and who is late, availability), the ranking with every expert's score, and the
/// printable 公示 list. Every form is one call to review, which decides.
struct RoundDeskPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    func add(to routes: RouteCollection<PortalContext>) {
        routes.get("rounds/new", use: newRound)
        routes.post("rounds/new", use: openRound)
        routes.get("rounds/:round/settings", use: settings)
        routes.post("rounds/:round/settings", use: saveSettings)
        routes.get("rounds/:round/panel", use: panel)
        routes.post("rounds/:round/panel/change", use: change)
        routes.post("rounds/:round/panel/conflict", use: addConflict)
        routes.post("rounds/:round/panel/availability", use: availability)
        routes.get("rounds/:round/ranking", use: ranking)
        routes.get("rounds/:round/notice.html", use: printableNotice)
    }

    // MARK: Review's views

    struct Criterion: Codable { var key: String; var nameZh: String; var nameEn: String; var article: String?; var maxScore: Int; var weight: Int; var guidanceZh: String? }
    struct Round: Decodable {
        var id: String
        var kind: ApplicationKind
        var year: Int
        var status: String
        var quota: Int
        var minimumScore: Int
        var expertsPerApplication: Int
        var excludeSameScreeningBody: Bool
        var aggregate: String
        var normalise: Bool
        var outlierThreshold: Int
        var rubric: Rubrics
        var scoringDeadline: LocalDate?
        var noticeWorkingDays: Int
        struct Rubrics: Codable { var criteria: [Criterion] }
    }
    struct RoundDetail: Decodable { var round: Round; var quotaRange: [Int]; var businessDay: LocalDate? }

    func roundDetail(_ id: String, context: PortalContext) async throws -> RoundDetail {
        try await gateway.fetch(.review, "/rounds/\(PublicPages.pathComponent(id))", as: RoundDetail.self, context: context)
    }

    static func title(_ round: Round) -> String { "\(round.year)年度\(round.kind.nameZh)" }

    // MARK: Opening a round (开启申报批次, intake)

    struct NewRoundView {
        struct Quota { var code: String; var name: String; var value: String; var errors: [IssueView] }
        var fields: [ApplicationFormView.Field]
        var quotas: [Quota]
        var idempotencyKey: String
        var errors: [IssueView]
    }

    static let kinds: [(String, String)] = [("naming", "命名申报（第十一条）"), ("projectGrant", "课题经费补助（第十三条）"), ("demonstration", "示范性创新工作室（第十四条）")]

    func newRoundPage(_ context: PortalContext, values: FormValues = FormValues(), errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        var issues = FieldIssues(errors)
        func take(_ name: String) -> [IssueView] { issues.take(name) }
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let fields = [
            FormField.select("kind", "批次类型", Self.kinds, selected: values["kind"] ?? "naming", errors: take("kind")),
            FormField.text("year", "年度", values["year"] ?? String(year), errors: take("year")),
            FormField.date("opensOn", "开始受理日期", values["opensOn"] ?? "", errors: take("opensOn")),
            FormField.date("deadline", "县区报送截止日期", values["deadline"] ?? "", errors: take("deadline")),
            FormField.text("quotaPerBody", "每个初审单位推荐名额", values["quotaPerBody"] ?? "", hint: "第十条：择优推荐；留空不限", errors: take("quotaPerBody")),
        ]
        let quotas = ReferenceData.defaults.screeningBodies.filter(\.active).map {
            NewRoundView.Quota(code: $0.code, name: $0.nameZh, value: values["quota.\($0.code)"] ?? "", errors: take("quotas.\($0.code)"))
        }
        let view = NewRoundView(fields: fields, quotas: quotas, idempotencyKey: values["_idempotency"] ?? UUID().uuidString.lowercased(),
                                errors: issues.rest)
        return renderer.html("department_round_new", title: "开启申报批次", view: view, context: context, status: status)
    }

    @Sendable func newRound(_ request: Request, context: PortalContext) async throws -> Response { try await newRoundPage(context) }

    @Sendable func openRound(_ request: Request, context: PortalContext) async throws -> Response {
        let form = context.form
        var issues: [DomainIssue] = []
        func whole(_ name: String, _ label: String) -> Int? { FormField.whole(form, name, label, issues: &issues) }
        func day(_ name: String, _ label: String) -> String? {
            let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
            guard LocalDate(text) != nil else {
                issues.append(text.isEmpty ? .required(name, nameZh: label, nameEn: name) : DomainIssue(code: "input_date", field: name, messageZh: "\(label)不是有效日期。", messageEn: "\(name) is not a date"))
                return nil
            }
            return text
        }
        struct Input: Encodable { var kind: String; var year: Int; var opensOn: String; var deadline: String; var quotaPerBody: Int?; var quotas: [String: Int]? }
        let year = whole("year", "年度")
        if (form["year"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { issues.append(.required("year", nameZh: "年度", nameEn: "The year")) }
        let opensOn = day("opensOn", "开始受理日期"), deadline = day("deadline", "县区报送截止日期")
        let perBody = whole("quotaPerBody", "每个初审单位推荐名额")
        var quotas: [String: Int] = [:]
        for body in ReferenceData.defaults.screeningBodies where body.active {
            if let value = whole("quota.\(body.code)", "\(body.nameZh)的名额") { quotas[body.code] = value }
        }
        // Beside the input, under intake's name for the field.
        for index in issues.indices where issues[index].field.hasPrefix("quota.") { issues[index].field = "quotas." + issues[index].field.dropFirst("quota.".count) }
        guard issues.isEmpty, let year, let opensOn, let deadline else {
            return try await newRoundPage(context, values: form, errors: issues, status: .unprocessableContent)
        }
        let kind = Self.kinds.first { $0.0 == form["kind"] }?.1 ?? ""
        return try await gateway.post(.intake, "/rounds",
                                      json: Input(kind: form["kind"] ?? "naming", year: year, opensOn: opensOn, deadline: deadline, quotaPerBody: perBody,
                                                  quotas: quotas.isEmpty ? nil : quotas),
                                      headers: [("Idempotency-Key", form["_idempotency"] ?? UUID().uuidString)], context: context,
                                      orShow: { try await newRoundPage(context, values: form, errors: $0, status: .unprocessableContent) },
                                      then: "/department", flash: "已开启\(year)年度\(kind)批次，各初审单位即可报送。")
    }

    // MARK: Settings (评审设置)

    struct SettingsView {
        struct Line { var index: Int; var key: String; var nameZh: String; var nameEn: String; var article: String; var maxScore: String; var weight: String; var guidance: String; var errors: [IssueView] }
        var id: String
        var title: String
        var fields: [ApplicationFormView.Field]
        var criteria: [Line]
        var criteriaCount: Int
        var scoringLocked: Bool
        var errors: [IssueView]
    }

    static let aggregates: [(String, String)] = [("mean", "算术平均（偏离过大的评分提示复核）"), ("trimmedMean", "去掉最高分和最低分后平均（每件至少5名专家）")]

    func settingsPage(_ id: String, context: PortalContext, values: FormValues? = nil, errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let detail = try await roundDetail(id, context: context)
        let round = detail.round
        var issues = FieldIssues(errors)
        func take(_ name: String) -> [IssueView] { issues.take(name) }
        func value(_ name: String, _ current: String) -> String { values?[name] ?? current }
        let range = detail.quotaRange.count == 2 ? "\(detail.quotaRange[0])–\(detail.quotaRange[1])" : ""
        let fields = [
            FormField.text("quota", "推荐名额", value("quota", String(round.quota)), hint: round.kind == .naming ? "第九条：一般每年命名10个；可设 \(range)" : "\(round.kind.article.chinese)：可设 \(range)", errors: take("quota")),
            FormField.text("minimumScore", "最低分（满分100）", value("minimumScore", String(round.minimumScore)), hint: "低于此分不推荐", errors: take("minimumScore")),
            FormField.text("expertsPerApplication", "每件评审专家人数", value("expertsPerApplication", String(round.expertsPerApplication)), hint: "第十一条专家组评审；1–15", errors: take("expertsPerApplication")),
            FormField.select("aggregate", "汇总方式", Self.aggregates, selected: value("aggregate", round.aggregate), errors: take("aggregate")),
            FormField.text("outlierThreshold", "偏离提示阈值（分）", value("outlierThreshold", String(round.outlierThreshold)), hint: "某位专家的总分与其他专家平均相差超过此值时提示复核", errors: take("outlierThreshold")),
            FormField.select("excludeSameScreeningBody", "同一初审单位的专家回避", [("true", "回避"), ("false", "不回避")],
                             selected: value("excludeSameScreeningBody", round.excludeSameScreeningBody ? "true" : "false"), errors: take("excludeSameScreeningBody")),
            FormField.select("normalise", "按专家尺度标准化", [("false", "不标准化"), ("true", "标准化")], selected: value("normalise", round.normalise ? "true" : "false"), errors: take("normalise")),
            FormField.date("scoringDeadline", "评分截止日期", value("scoringDeadline", round.scoringDeadline?.description ?? ""), errors: take("scoringDeadline")),
            FormField.text("noticeWorkingDays", "公示期（工作日）", value("noticeWorkingDays", String(round.noticeWorkingDays)), hint: "1–30 个工作日", errors: take("noticeWorkingDays")),
        ]
        let count = max(round.rubric.criteria.count, Int(values?["criteriaCount"] ?? "") ?? 0)
        let criteria = (0..<(count + 1)).map { index -> SettingsView.Line in
            let current = index < round.rubric.criteria.count ? round.rubric.criteria[index] : nil
            func v(_ name: String, _ fallback: String?) -> String { values?["c\(index).\(name)"] ?? fallback ?? "" }
            return .init(index: index, key: v("key", current?.key), nameZh: v("nameZh", current?.nameZh), nameEn: v("nameEn", current?.nameEn),
                         article: v("article", current?.article), maxScore: v("maxScore", current.map { String($0.maxScore) }),
                         weight: v("weight", current.map { String($0.weight) }), guidance: v("guidanceZh", current?.guidanceZh),
                         errors: take("rubric.criteria[\(index)]"))
        }
        let view = SettingsView(id: id, title: Self.title(round), fields: fields, criteria: criteria, criteriaCount: criteria.count, scoringLocked: round.status != "open",
                                errors: take("rubric") + issues.rest)
        return renderer.html("department_round_settings", title: "评审设置 · \(view.title)", view: view, context: context, status: status)
    }

    @Sendable func settings(_ request: Request, context: PortalContext) async throws -> Response {
        try await settingsPage(try context.parameters.require("round"), context: context)
    }

    struct SettingsInput: Encodable {
        var quota: Int?
        var minimumScore: Int?
        var expertsPerApplication: Int?
        var excludeSameScreeningBody: Bool?
        var aggregate: String?
        var normalise: Bool?
        var outlierThreshold: Int?
        var rubric: Round.Rubrics?
        var scoringDeadline: String?
        var noticeWorkingDays: Int?
    }

    @Sendable func saveSettings(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("round")
        let form = context.form
        let current = try await roundDetail(id, context: context).round
        var issues: [DomainIssue] = []
        func whole(_ name: String, _ label: String) -> Int? { FormField.whole(form, name, label, issues: &issues) }
        var input = SettingsInput(quota: whole("quota", "推荐名额"), minimumScore: whole("minimumScore", "最低分"),
                                  outlierThreshold: whole("outlierThreshold", "偏离提示阈值"), noticeWorkingDays: whole("noticeWorkingDays", "公示期"))
        let deadline = (form["scoringDeadline"] ?? "").trimmingCharacters(in: .whitespaces)
        if !deadline.isEmpty, deadline != current.scoringDeadline?.description { input.scoringDeadline = deadline }
        input.normalise = form["normalise"].map { $0 == "true" }
        // The scoring basis is sent only when it changed: once scoring has begun review refuses any change of it.
        let panelSize = whole("expertsPerApplication", "每件评审专家人数")
        if panelSize != current.expertsPerApplication { input.expertsPerApplication = panelSize }
        let exclude = form["excludeSameScreeningBody"].map { $0 == "true" }
        if exclude != current.excludeSameScreeningBody { input.excludeSameScreeningBody = exclude }
        if let aggregate = form["aggregate"], aggregate != current.aggregate { input.aggregate = aggregate }
        var criteria: [Criterion] = []
        let count = Int(form["criteriaCount"] ?? "") ?? 0
        for index in 0..<min(count, 40) {
            func text(_ name: String) -> String { (form["c\(index).\(name)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            let key = text("key")
            if key.isEmpty && text("nameZh").isEmpty { continue }  // an empty row is no criterion
            guard let maxScore = Int(text("maxScore")), let weight = Int(text("weight")) else {
                issues.append(DomainIssue(code: "input_integer", field: "rubric.criteria[\(index)].maxScore", messageZh: "第\(index + 1)项的满分和权重须为整数。", messageEn: "maxScore and weight are whole numbers"))
                continue
            }
            criteria.append(Criterion(key: key, nameZh: text("nameZh"), nameEn: text("nameEn"), article: text("article").nilIfEmpty, maxScore: maxScore, weight: weight,
                                      guidanceZh: text("guidanceZh").nilIfEmpty))
        }
        let rubricChanged = criteria.map { [$0.key, $0.nameZh, $0.nameEn, $0.article ?? "", "\($0.maxScore)", "\($0.weight)", $0.guidanceZh ?? ""] }
            != current.rubric.criteria.map { [$0.key, $0.nameZh, $0.nameEn, $0.article ?? "", "\($0.maxScore)", "\($0.weight)", $0.guidanceZh ?? ""] }
        if rubricChanged { input.rubric = .init(criteria: criteria) }
        guard issues.isEmpty else { return try await settingsPage(id, context: context, values: form, errors: issues, status: .unprocessableContent) }
        return try await gateway.post(.review, "/rounds/\(PublicPages.pathComponent(id))", method: "PATCH", json: input, context: context,
                                      orShow: { try await settingsPage(id, context: context, values: form, errors: $0, status: .unprocessableContent) },
                                      then: "/department/rounds/\(id)", flash: "评审设置已保存。")
    }

    // MARK: The panel (专家安排)

    struct Expert: Decodable, Sendable { var id: String; var name: String; var unitName: String; var maxLoad: Int }
    struct Assignment: Decodable {
        struct Row: Decodable { var applicationId: String; var experts: [Assigned] }
        struct Assigned: Decodable { var expertId: String; var source: String; var cost: Int }
        struct Short: Decodable { var applicationId: String; var experts: Int; var needed: Int }
        var expertsPerApplication: Int
        var totalCost: Int
        var assignments: [Row]
        var loads: [String: Int]
        var shortPanels: [Short]
    }
    struct Conflict: Decodable { var rule: String; var expertId: String; var applicationId: String; var factZh: String }
    struct Sheet: Decodable { var expertId: String; var status: String; var total: String?; var submittedAt: Date? }

    struct PanelView {
        struct Cell { var text: String; var css: String }
        struct Row { var id: String; var studio: String; var cells: [Cell]; var short: String? }
        struct Column { var id: String; var name: String; var load: Int; var maxLoad: Int }
        struct ConflictRow { var expert: String; var studio: String; var rule: String; var fact: String }
        struct Option { var value: String; var label: String }
        var id: String
        var title: String
        var status: String
        var deadline: String
        var columns: [Column]
        var rows: [Row]
        var assigned: Bool
        var shortNote: String?
        var late: [String]
        var hasLate: Bool
        var submitted: Int
        var expected: Int
        var conflicts: [ConflictRow]
        var applications: [Option]
        var experts: [Option]
        var canChange: Bool
        var canSetAvailability: Bool
        var errors: [IssueView]
        var changeErrors: [IssueView]
        var conflictErrors: [IssueView]
        var availabilityErrors: [IssueView]
    }

    static func ruleZh(_ rule: String) -> String {
        switch rule {
        case "same_unit": "同一单位"
        case "same_screening_body": "同一初审单位"
        case "declared_relationship": "申报的关系"
        case "manual": "经济工作部登记"
        case "declared_by_expert": "专家主动回避"
        default: rule
        }
    }

    func panelPage(_ id: String, context: PortalContext, errors: [DomainIssue] = [], form: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = context.token(.review)
        let path = "/rounds/\(PublicPages.pathComponent(id))"
        async let detailReply = gateway.get(.review, path, token: token)
        async let appsReply = gateway.all(.review, path + "/applications", token: token, as: DepartmentPages.ReviewApplicationRow.self)
        async let expertsReply = gateway.all(.review, "/experts", token: token, as: Expert.self)
        async let assignmentReply = gateway.get(.review, path + "/assignment", token: token)
        async let conflictsReply = gateway.get(.review, path + "/conflicts", token: token)
        let detail = try await detailReply.orFail().decode(RoundDetail.self)
        let apps = try await appsReply
        let experts = try await expertsReply
        let assignment = try await assignmentReply.orFail().decode(Assignment.self)
        let conflicts = try await conflictsReply.orFail().decode(Listing<Conflict>.self).items
        let names = Dictionary(apps.map { ($0.applicationId, $0.studioName) }, uniquingKeysWith: { a, _ in a })
        let expertNames = Dictionary(experts.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        // Who has submitted: each assigned application's sheets, fetched together.
        let sheets = try await withThrowingTaskGroup(of: (String, [Sheet]).self) { group in
            for row in assignment.assignments {
                group.addTask {
                    let reply = try await gateway.get(.review, "/applications/\(PublicPages.pathComponent(row.applicationId))/score-sheets", token: token).orFail()
                    return (row.applicationId, try reply.decode(Listing<Sheet>.self).items)
                }
            }
            var result: [String: [Sheet]] = [:]
            for try await (app, items) in group { result[app] = items }
            return result
        }
        let used = Set(assignment.assignments.flatMap { $0.experts.map(\.expertId) })
        let columns = experts.filter { used.contains($0.id) }.map { PanelView.Column(id: $0.id, name: $0.name, load: assignment.loads[$0.id] ?? 0, maxLoad: $0.maxLoad) }
        let conflicted = Set(conflicts.map { "\($0.applicationId)|\($0.expertId)" })
        let shorts = Dictionary(assignment.shortPanels.map { ($0.applicationId, $0) }, uniquingKeysWith: { a, _ in a })
        let deadline = detail.round.scoringDeadline
        let pastDeadline = deadline.map { day in detail.businessDay.map { $0 > day } ?? false } ?? false
        var late: [String] = []
        var submitted = 0, expected = 0
        let rows = assignment.assignments.sorted { (names[$0.applicationId] ?? $0.applicationId) < (names[$1.applicationId] ?? $1.applicationId) }.map { row -> PanelView.Row in
            let assigned = Dictionary(row.experts.map { ($0.expertId, $0) }, uniquingKeysWith: { a, _ in a })
            let own = Dictionary((sheets[row.applicationId] ?? []).map { ($0.expertId, $0) }, uniquingKeysWith: { a, _ in a })
            let cells = columns.map { column -> PanelView.Cell in
                guard let placed = assigned[column.id] else {
                    return conflicted.contains("\(row.applicationId)|\(column.id)") ? .init(text: "回避", css: "conflict") : .init(text: "", css: "")
                }
                expected += 1
                let sheet = own[column.id]
                if sheet?.status == "submitted" { submitted += 1 }
                else if detail.round.status == "scoring", pastDeadline { late.append("\(column.name)（\(names[row.applicationId] ?? row.applicationId)）") }
                let state = sheet?.status == "submitted" ? "已评 \(sheet?.total ?? "")" : (sheet == nil ? "未评" : "草稿")
                return .init(text: (placed.source == "manual" ? "✔ 人工 · " : "✔ ") + state, css: sheet?.status == "submitted" ? "done" : "assigned")
            }
            return .init(id: row.applicationId, studio: names[row.applicationId] ?? row.applicationId, cells: cells,
                         short: shorts[row.applicationId].map { "仅 \($0.experts) 名，需要 \($0.needed) 名" })
        }
        func errorsFor(_ which: String) -> [IssueView] { form == which ? errors.map(IssueView.init) : [] }
        let view = PanelView(
            id: id, title: Self.title(detail.round), status: DepartmentPages.roundStatusZh(detail.round.status),
            deadline: deadline.map { "评分截止 \(Dates.chinese($0))" + (pastDeadline ? "（已过）" : "") } ?? "未设评分截止日期",
            columns: columns, rows: rows, assigned: !rows.isEmpty,
            shortNote: assignment.shortPanels.isEmpty ? nil : "有 \(assignment.shortPanels.count) 件申报的专家不足（回避或调整后），请补派专家；补足前不能开始或结束评分。",
            late: late, hasLate: !late.isEmpty, submitted: submitted, expected: expected,
            conflicts: conflicts.sorted { ($0.applicationId, $0.expertId) < ($1.applicationId, $1.expertId) }.map {
                .init(expert: "\(expertNames[$0.expertId] ?? $0.expertId)（\($0.expertId)）",
                      studio: names[$0.applicationId] ?? $0.applicationId, rule: Self.ruleZh($0.rule), fact: $0.factZh)
            },
            applications: apps.filter { ["qualificationPassed", "underExpertReview"].contains($0.status) }.map { .init(value: $0.applicationId, label: $0.studioName) },
            experts: experts.map { .init(value: $0.id, label: "\($0.name)（\($0.id)）") },
            canChange: ["open", "scoring"].contains(detail.round.status), canSetAvailability: detail.round.status == "open",
            errors: errorsFor(""), changeErrors: errorsFor("change"), conflictErrors: errorsFor("conflict"), availabilityErrors: errorsFor("availability"))
        return renderer.html("department_round_panel", title: "专家安排 · \(view.title)", view: view, context: context, status: status)
    }

    @Sendable func panel(_ request: Request, context: PortalContext) async throws -> Response {
        try await panelPage(try context.parameters.require("round"), context: context)
    }

    /// A form of the panel page: its call's refusal goes back beside that form.
    func panelForm(_ which: String, round: String, method: String, path: String, json: some Encodable, done: String, context: PortalContext) async throws -> Response {
        try await gateway.post(.review, path, method: method, json: json, refusable: [400, 404, 409, 422], context: context,
                               orShow: { try await panelPage(round, context: context, errors: $0, form: which, status: .unprocessableContent) },
                               then: "/department/rounds/\(round)/panel", flash: done)
    }

    @Sendable func change(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        struct Input: Encodable { var applicationId: String; var removeExpertId: String?; var addExpertId: String?; var reason: String }
        let form = context.form
        let input = Input(applicationId: form["applicationId"] ?? "", removeExpertId: form["removeExpertId"]?.nilIfEmpty,
                          addExpertId: form["addExpertId"]?.nilIfEmpty, reason: form["reason"] ?? "")
        return try await panelForm("change", round: round, method: "POST", path: "/rounds/\(PublicPages.pathComponent(round))/assignment/changes", json: input,
                                   done: "专家安排已调整，理由已记录。", context: context)
    }

    @Sendable func addConflict(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        struct Input: Encodable { var expertId: String; var applicationId: String; var reason: String }
        let form = context.form
        return try await panelForm("conflict", round: round, method: "POST", path: "/rounds/\(PublicPages.pathComponent(round))/conflicts",
                                   json: Input(expertId: form["expertId"] ?? "", applicationId: form["applicationId"] ?? "", reason: form["reason"] ?? ""),
                                   done: "回避已登记；如该专家已在评审此申报，安排和评分已撤销。", context: context)
    }

    @Sendable func availability(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        struct Input: Encodable { var available: Bool; var maxLoad: Int?; var minLoad: Int? }
        let form = context.form
        var issues: [DomainIssue] = []
        func whole(_ name: String, _ label: String) -> Int? { FormField.whole(form, name, label, issues: &issues) }
        let input = Input(available: form["available"] != "false", maxLoad: whole("maxLoad", "本批次评审上限"), minLoad: whole("minLoad", "本批次最低评审量"))
        guard issues.isEmpty else { return try await panelPage(round, context: context, errors: issues, form: "availability", status: .unprocessableContent) }
        let expert = form["expertId"] ?? ""
        guard !expert.isEmpty else {
            return try await panelPage(round, context: context, errors: [.required("expertId", nameZh: "专家", nameEn: "The expert")], form: "availability", status: .unprocessableContent)
        }
        return try await panelForm("availability", round: round, method: "PUT",
                                   path: "/rounds/\(PublicPages.pathComponent(round))/experts/\(PublicPages.pathComponent(expert))", json: input,
                                   done: input.available ? "已设置该专家本批次的评审量。" : "该专家本批次不参加评审。", context: context)
    }

    // MARK: The ranking (评审排名)

    struct Ranking: Decodable {
        struct Line: Decodable { var rank: Int; var applicationId: String; var studioName: String; var sheets: Int; var mean: String; var trimmedMean: String?; var normalisedMean: String?; var final: String; var proposed: Bool; var reason: String? }
        struct Adjustment: Decodable { var kind: String; var applicationId: String?; var expertId: String?; var detailZh: String }
        struct Outlier: Decodable { var applicationId: String; var expertId: String; var deviationHundredths: Int }
        var quota: Int
        var minimumScore: Int
        var tieBreaks: [String]
        var lines: [Line]
        var adjustments: [Adjustment]
        var outliers: [Outlier]
    }

    struct RankingView {
        struct Score { var text: String; var outlier: Bool }
        struct Row { var rank: Int; var studio: String; var scores: [Score]; var mean: String; var trimmed: String; var final: String; var proposed: Bool; var reason: String }
        var id: String
        var title: String
        var aggregate: String
        var quota: Int
        var minimumScore: Int
        var panelSize: Int
        var slots: [Int]
        var rows: [Row]
        var tieBreaks: [String]
        var adjustments: [String]
        var outliers: [String]
    }

    static func reasonZh(_ reason: String?) -> String {
        switch reason {
        case "below_minimum": "低于最低分"
        case "beyond_quota": "超出名额"
        case .some(let other): other
        case nil: ""
        }
    }

    @Sendable func ranking(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("round")
        let token = context.token(.review)
        async let detailReply = gateway.get(.review, "/rounds/\(PublicPages.pathComponent(id))", token: token)
        async let rankingReply = gateway.get(.review, "/rounds/\(PublicPages.pathComponent(id))/ranking", token: token)
        async let expertsReply = gateway.all(.review, "/experts", token: token, as: Expert.self)
        let detail = try await detailReply.orFail().decode(RoundDetail.self)
        guard ["closed", "notice", "decided"].contains(detail.round.status) else {
            context.setFlash("评分结束后才生成排名。", isError: true)
            return Response.redirect(to: "/department/rounds/\(id)")
        }
        let ranking = try await rankingReply.orFail().decode(Ranking.self)
        let expertNames = Dictionary(try await expertsReply.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sheets = try await withThrowingTaskGroup(of: (String, [Sheet]).self) { group in
            for line in ranking.lines {
                group.addTask {
                    let reply = try await gateway.get(.review, "/applications/\(PublicPages.pathComponent(line.applicationId))/score-sheets", token: token).orFail()
                    return (line.applicationId, try reply.decode(Listing<Sheet>.self).items.filter { $0.status == "submitted" })
                }
            }
            var result: [String: [Sheet]] = [:]
            for try await (app, items) in group { result[app] = items }
            return result
        }
        let outliers = Set(ranking.outliers.map { "\($0.applicationId)|\($0.expertId)" })
        let width = max(ranking.lines.map { sheets[$0.applicationId]?.count ?? 0 }.max() ?? 0, 1)
        let rows = ranking.lines.map { line -> RankingView.Row in
            var scores = (sheets[line.applicationId] ?? []).sorted { $0.expertId < $1.expertId }.map { sheet in
                RankingView.Score(text: "\(expertNames[sheet.expertId] ?? sheet.expertId) \(sheet.total ?? "")", outlier: outliers.contains("\(line.applicationId)|\(sheet.expertId)"))
            }
            while scores.count < width { scores.append(.init(text: "", outlier: false)) }
            return .init(rank: line.rank, studio: line.studioName, scores: scores, mean: line.mean, trimmed: line.trimmedMean ?? line.normalisedMean ?? "—",
                         final: line.final, proposed: line.proposed, reason: Self.reasonZh(line.reason))
        }
        let names = Dictionary(ranking.lines.map { ($0.applicationId, $0.studioName) }, uniquingKeysWith: { a, _ in a })
        let view = RankingView(
            id: id, title: Self.title(detail.round), aggregate: Self.aggregates.first { $0.0 == detail.round.aggregate }?.1 ?? detail.round.aggregate,
            quota: ranking.quota, minimumScore: ranking.minimumScore, panelSize: detail.round.expertsPerApplication, slots: Array(1...width), rows: rows,
            tieBreaks: ranking.tieBreaks.map { $0.components(separatedBy: " / ").last ?? $0 },
            adjustments: ranking.adjustments.map(\.detailZh),
            outliers: ranking.outliers.map { "\(names[$0.applicationId] ?? $0.applicationId)：\(expertNames[$0.expertId] ?? $0.expertId) 的评分与其他专家平均相差 \(Self.points($0.deviationHundredths)) 分，请复核" })
        return renderer.html("department_round_ranking", title: "评审排名 · \(view.title)", view: view, context: context)
    }

    static func points(_ hundredths: Int) -> String {
        let sign = hundredths < 0 ? "-" : "+"
        let value = abs(hundredths)
        return "\(sign)\(value / 100).\(String(format: "%02d", value % 100))"
    }

    // MARK: The printable 公示 list

    struct NoticePrint {
        struct Entry { var number: Int; var studio: String; var unit: String; var area: String }
        var title: String
        var preamble: String
        var entries: [Entry]
        var period: String
        var contact: String
    }

    @Sendable func printableNotice(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("round")
        let token = context.token(.review)
        async let detailReply = gateway.get(.review, "/rounds/\(PublicPages.pathComponent(id))", token: token)
        async let noticeReply = gateway.get(.review, "/rounds/\(PublicPages.pathComponent(id))/notice", token: token)
        async let appsReply = gateway.all(.review, "/rounds/\(PublicPages.pathComponent(id))/applications", token: token, as: DepartmentPages.ReviewApplicationRow.self)
        let round = try await detailReply.orFail().decode(RoundDetail.self).round
        let notice = try await noticeReply.orFail().decode(DepartmentPages.NoticeBody.self)
        let apps = Dictionary(try await appsReply.map { ($0.applicationId, $0) }, uniquingKeysWith: { a, _ in a })
        let bodies = ReferenceData.defaults
        let entries = notice.applicationIds.enumerated().map { index, app in
            NoticePrint.Entry(number: index + 1, studio: apps[app]?.studioName ?? app, unit: apps[app]?.unitName ?? "",
                              area: apps[app].flatMap { bodies.screeningBody(code: $0.screeningBodyCode)?.nameZh } ?? "")
        }
        let view = NoticePrint(
            title: round.kind == .naming ? "关于\(round.year)年度衢州市高技能人才（劳模）创新工作室拟命名名单的公示" : "关于\(round.year)年度\(round.kind.nameZh)拟推荐名单的公示",
            preamble: "根据《衢州市高技能人才（劳模）创新工作室管理办法（试行）》（衢总工字〔2016〕38号）\(round.kind == .naming ? "第十一条" : round.kind.article.chinese)，经各地各单位推荐、市总工会经济工作部资格审查和专家组评审，拟推荐以下\(entries.count)个工作室，现予公示。",
            entries: entries,
            period: "公示期为\(Dates.chinese(notice.startsOn))至\(Dates.chinese(notice.endsOn))（\(notice.workingDays)个工作日）。",
            contact: "公示期间，对公示对象有异议的，可向市总工会经济工作部实名反映，并提供必要的证明材料。")
        return renderer.html("print_round_notice", title: view.title, view: view, context: context)
    }
}

/// Small form fields for the department's settings pages, drawn by `partials/field` like the application form's.
enum FormField {
    /// A whole number typed into `name`: nil when left empty; a problem beside the field when it is not a number.
    static func whole(_ form: FormValues, _ name: String, _ label: String, issues: inout [DomainIssue]) -> Int? {
        let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard let value = Int(text) else {
            issues.append(DomainIssue(code: "input_integer", field: name, messageZh: "\(label)须为整数。", messageEn: "\(name) is a whole number"))
            return nil
        }
        return value
    }

    static func text(_ name: String, _ label: String, _ value: String, hint: String? = nil, errors: [IssueView]) -> ApplicationFormView.Field {
        .init(name: name, id: "f-\(name)", label: label, value: value, hint: hint, isText: true, isDate: false, isNumber: false, isTextarea: false,
              isSelect: false, options: [], errors: errors, invalid: !errors.isEmpty)
    }

    static func date(_ name: String, _ label: String, _ value: String, errors: [IssueView]) -> ApplicationFormView.Field {
        var field = text(name, label, value, errors: errors)
        field.isText = false
        field.isDate = true
        return field
    }

    static func select(_ name: String, _ label: String, _ options: [(String, String)], selected: String, errors: [IssueView]) -> ApplicationFormView.Field {
        var field = text(name, label, selected, errors: errors)
        field.isText = false
        field.isSelect = true
        field.options = options.map { .init(value: $0.0, label: $0.1, selected: $0.0 == selected) }
        return field
    }
}
