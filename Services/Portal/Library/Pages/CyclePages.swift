import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// 周期管理 (Art 17–20) over assessment's API, for the department and the federation: the assessments due and
/// overdue, the end-of-cycle assessment with its five scores and site visit (department); change reports (Art 19)
/// and revocation cases (Art 20) to the federation's decision, with the 通报 a revocation publishes. Assessment
/// decides every rule (the window, the pass mark, who may decide); its refusals are shown beside the fields.
struct CyclePages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.department, .federation])
        routes.get("", use: overview)
        routes.get("studios/:id/assess", use: assessForm)
        routes.post("studios/:id/assess", use: assess)
        routes.post("revocation-cases", use: openCase)
        routes.post("revocation-cases/:id/decision", use: decideCase)
        routes.post("change-reports/:id/decision", use: decideChange)
        routes.post("change-reports", use: reportChange)
        routes.post("demonstration-acceptances/:id/result", use: recordAcceptance)
        return routes
    }

    // MARK: Assessment's documents

    struct Studio: Decodable {
        var id: String
        var studioName: String
        var unitName: String
        var status: String
        var cycle: StudioCycle
        var standing: Standing?
        struct Standing: Decodable { var assessmentWindowOpensOn: LocalDate; var overdue: Bool; var daysToCycleEnd: Int }
    }

    struct Case: Decodable {
        var id: String
        var studioId: String
        var origin: String
        var amount: Money?
        var description: String
        var foundOn: LocalDate
        var rectificationDeadline: LocalDate?
        var status: String
        var decisionReasons: String?
        var decidedOn: LocalDate?
        var noticeId: String?
    }

    /// 考核验收 (Art 14): a studio selected for demonstration status, accepted or not by the department's assessment.
    struct Acceptance: Decodable {
        var id: String; var studioId: String; var year: Int; var status: String; var totalScore: Int?; var reasons: String?; var assessedOn: LocalDate?
    }

    // MARK: Views

    struct DueRow { var id: String; var name: String; var unit: String; var cycle: String; var ends: String; var overdue: Bool; var state: String }
    struct CaseRow {
        var id: String; var studioId: String; var origin: String; var amount: String; var description: String; var found: String; var deadline: String
        var status: String; var open: Bool; var decision: String; var noticeId: String?
    }
    struct AcceptanceRow { var id: String; var studio: String; var year: Int; var status: String; var pending: Bool; var result: String }
    struct ChangeRow { var id: String; var studioId: String; var change: String; var reported: String; var note: String; var status: String; var open: Bool; var decision: String }

    struct OverviewView {
        var due: [DueRow]
        var noDue: Bool
        var cases: [CaseRow]
        var noCases: Bool
        var changes: [ChangeRow]
        var noChanges: Bool
        var acceptances: [AcceptanceRow]
        var noAcceptances: Bool
        var criteria: [KeyValue]
        /// The register's studios in good standing, for the department's change report and case forms.
        var studios: [KeyValue]
        var isDepartment: Bool
        var isFederation: Bool
        var issues: [IssueView]
        var today: String
    }

    func overviewPage(_ context: PortalContext, issues: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let account = try context.requireAccount()
        let token = context.token(.assessment)
        // Every page of each list (they page at 50), so nothing on the desk is cut off.
        async let dueReply = gateway.all(.assessment, "/assessments/due", token: token, as: Studio.self)
        async let casesReply = gateway.all(.assessment, "/revocation-cases", token: token, as: Case.self)
        async let changesReply = gateway.all(.assessment, "/change-reports", token: token, as: ChangeReportView.self)
        async let registerReply = gateway.all(.assessment, "/studios", token: token, as: Studio.self)
        async let acceptancesReply = gateway.all(.assessment, "/demonstration-acceptances", token: token, as: Acceptance.self)
        let due = try await dueReply
        let cases = try await casesReply
        let changes = try await changesReply
        // The register's names, so a case or a report shows its studio by name rather than by id.
        let names = Dictionary((try await registerReply).map { ($0.id, $0.studioName) }, uniquingKeysWith: { first, _ in first })
        let acceptances = try await acceptancesReply
        let statusZh = ["open": "待决定", "revoked": "已撤销命名", "dismissed": "不予撤销", "adjusted": "已调整", "declined": "不予调整", "pending": "待决定"]
        let view = OverviewView(
            due: due.map {
                DueRow(id: $0.id, name: $0.studioName, unit: $0.unitName, cycle: "第\($0.cycle.number)周期 \($0.cycle.start)起",
                       ends: $0.cycle.end.adding(days: -1).description, overdue: $0.standing?.overdue == true,
                       state: $0.standing?.overdue == true ? "已逾期" : "还剩 \($0.standing?.daysToCycleEnd ?? 0) 天")
            },
            noDue: due.isEmpty,
            cases: cases.map {
                CaseRow(id: $0.id, studioId: names[$0.studioId] ?? $0.studioId, origin: $0.origin == "inspection" ? "经费检查" : "经济工作部", amount: $0.amount.map(FinancePages.yuan) ?? "",
                        description: $0.description, found: $0.foundOn.description, deadline: $0.rectificationDeadline?.description ?? "",
                        status: statusZh[$0.status] ?? $0.status, open: $0.status == "open",
                        decision: [$0.decidedOn?.description, $0.decisionReasons].compactMap { $0 }.joined(separator: " "), noticeId: $0.noticeId)
            },
            noCases: cases.isEmpty,
            changes: changes.map {
                let parts = [$0.newUnitName.map { "单位名称：\($0)" }, $0.newScreeningBodyCode.map { "隶属关系：\($0)" }].compactMap { $0 }
                return ChangeRow(id: $0.id, studioId: names[$0.studioId.rawValue] ?? $0.studioId.rawValue, change: "\($0.previousUnitName) → " + parts.joined(separator: "；"),
                                 reported: $0.reportedOn.description, note: $0.note ?? "", status: statusZh[$0.status] ?? $0.status,
                                 open: $0.status == "pending" || $0.status == "open",
                                 decision: [$0.effectiveOn.map { "自 \($0) 起" }, $0.decisionNote].compactMap { $0 }.joined(separator: " "))
            },
            noChanges: changes.isEmpty,
            acceptances: acceptances.map {
                AcceptanceRow(id: $0.id, studio: names[$0.studioId] ?? $0.studioId, year: $0.year,
                              status: ["pending": "待验收", "accepted": "验收合格", "failed": "验收不合格"][$0.status] ?? $0.status, pending: $0.status == "pending",
                              result: [$0.assessedOn?.description, $0.totalScore.map { "总分 \($0)" }, $0.reasons].compactMap { $0 }.joined(separator: " "))
            },
            noAcceptances: acceptances.isEmpty,
            criteria: Self.criteria.map { KeyValue(key: $0.key, value: $0.name) },
            studios: names.sorted { $0.value < $1.value }.map { KeyValue(key: $0.key, value: $0.value) },
            isDepartment: account.role == .department, isFederation: account.role == .federation,
            issues: issues.map(IssueView.init), today: Dates.today().description)
        return renderer.html("cycle", title: "周期管理", view: view, context: context, status: status)
    }

    @Sendable func overview(_ request: Request, context: PortalContext) async throws -> Response { try await overviewPage(context) }

    /// The overview again with a form's refusal (each of its forms posts back to it).
    func overviewAgain(_ context: PortalContext) -> ([DomainIssue]) async throws -> Response {
        { try await overviewPage(context, issues: $0, status: .unprocessableContent) }
    }

    // MARK: The end-of-cycle assessment (Art 17, 18)

    static let criteria: [(key: String, name: String)] = [("facilities", "硬件设施"), ("workRules", "工作制度"), ("projects", "项目实施"),
                                                          ("team", "人员结构"), ("results", "创新成果")]

    struct Criterion { var key: String; var name: String; var value: String; var errors: [IssueView] }

    /// The five scores as typed (`score.<key>`), each a whole number, or the issue beside the one that is not; the
    /// end-of-cycle assessment (Art 17) and the demonstration acceptance (Art 14) are scored on the same criteria.
    static func scores(_ form: FormValues) -> (scores: [String: Int], issues: [DomainIssue]) {
        var scores: [String: Int] = [:]
        var issues: [DomainIssue] = []
        for criterion in criteria {
            if let value = Int((form["score.\(criterion.key)"] ?? "").trimmingCharacters(in: .whitespaces)) { scores[criterion.key] = value } else {
                issues.append(DomainIssue(code: "score.format", field: "scores.\(criterion.key)", messageZh: "请填写\(criterion.name)的得分（整数）", messageEn: "\(criterion.key) must be a whole number"))
            }
        }
        return (scores, issues)
    }

    struct AssessView {
        var id: String
        var name: String
        var cycleNumber: Int
        var cycle: String
        var criteria: [Criterion]
        var assessedOn: String
        var visitedOn: String
        var visitors: String
        var plaque: Bool
        var pass: Bool
        var fail: Bool
        var reasons: String
        var publicText: String
        var errors: [String: [IssueView]]
        var formErrors: [IssueView]
    }

    func assessPage(_ id: String, context: PortalContext, issues: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        struct Detail: Decodable { var studio: Studio }
        let studio = try await gateway.fetch(.assessment, "/studios/\(PublicPages.pathComponent(id))", as: Detail.self, context: context).studio
        let form = context.form
        let known: Set<String> = ["cycleNumber", "assessedOn", "result", "reasons", "publicText", "siteVisit.visitedOn", "siteVisit.visitors", "siteVisit.plaqueDisplayed"]
        let (errors, formErrors) = FieldIssues.sorted(issues) { $0.hasPrefix("scores") || known.contains($0) ? $0 : nil }
        let today = Dates.today().description
        let view = AssessView(
            id: studio.id, name: studio.studioName, cycleNumber: studio.cycle.number,
            cycle: "第\(studio.cycle.number)周期（\(studio.cycle.start) 至 \(studio.cycle.end.adding(days: -1))）",
            criteria: Self.criteria.map { criterion in
                Criterion(key: criterion.key, name: criterion.name, value: form["score.\(criterion.key)"] ?? "",
                          errors: (errors["scores.\(criterion.key)"] ?? []) + (criterion.key == "facilities" ? errors["scores"] ?? [] : []))
            },
            assessedOn: form["assessedOn"] ?? today, visitedOn: form["visitedOn"] ?? today, visitors: form["visitors"] ?? "",
            plaque: form.fields.isEmpty ? true : form["plaqueDisplayed"] == "on", pass: form["result"] != "fail", fail: form["result"] == "fail",
            reasons: form["reasons"] ?? "", publicText: form["publicText"] ?? "",
            errors: errors.filter { !$0.key.hasPrefix("scores") }.reduce(into: [:]) { $0[$1.key.replacingOccurrences(of: "siteVisit.", with: "")] = $1.value },
            formErrors: formErrors)
        return renderer.html("cycle_assess", title: "周期考核 · \(studio.studioName)", view: view, context: context, status: status)
    }

    @Sendable func assessForm(_ request: Request, context: PortalContext) async throws -> Response {
        try await assessPage(try context.parameters.require("id"), context: context)
    }

    @Sendable func assess(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = context.form
        let (scores, scoreIssues) = Self.scores(form)
        var issues = scoreIssues
        let assessedOn = LocalDate(form["assessedOn"] ?? ""), visitedOn = LocalDate(form["visitedOn"] ?? "")
        if assessedOn == nil { issues.append(DomainIssue(code: "date.format", field: "assessedOn", messageZh: "请填写考核日期", messageEn: "assessedOn is required")) }
        if visitedOn == nil { issues.append(DomainIssue(code: "date.format", field: "siteVisit.visitedOn", messageZh: "请填写实地查看日期", messageEn: "visitedOn is required")) }
        guard issues.isEmpty, let assessedOn, let visitedOn else { return try await assessPage(id, context: context, issues: issues, status: .unprocessableContent) }
        struct SiteVisit: Encodable { var visitedOn: LocalDate; var visitors: [String]; var plaqueDisplayed: Bool }
        struct Body: Encodable {
            var cycleNumber: Int; var assessedOn: LocalDate; var scores: [String: Int]; var siteVisit: SiteVisit; var result: String
            var reasons: String?; var publicText: String?
        }
        let visitors = (form["visitors"] ?? "").split(whereSeparator: { "，,、\n".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let body = Body(cycleNumber: Int(form["cycleNumber"] ?? "") ?? 0, assessedOn: assessedOn, scores: scores,
                        siteVisit: SiteVisit(visitedOn: visitedOn, visitors: visitors, plaqueDisplayed: form["plaqueDisplayed"] == "on"),
                        result: form["result"] ?? "", reasons: form.optional("reasons"), publicText: form.optional("publicText"))
        let outcome = body.result == "fail" ? "考核不合格，命名已撤销并发布通报（第十七条）" : "考核合格，保留称号并进入下一周期（第十七条）"
        return try await gateway.post(.assessment, "/studios/\(PublicPages.pathComponent(id))/assessments", json: body, context: context,
                                      orShow: { try await assessPage(id, context: context, issues: $0, status: .unprocessableContent) },
                                      then: "/cycle", flash: "已记录周期考核：\(outcome)。")
    }

    // MARK: Revocation cases (Art 20) and change reports (Art 19)

    @Sendable func openCase(_ request: Request, context: PortalContext) async throws -> Response {
        let form = context.form
        struct Body: Encodable { var studioId: String; var description: String; var foundOn: String }
        let body = Body(studioId: form["studioId"] ?? "", description: form["description"] ?? "", foundOn: form["foundOn"] ?? "")
        return try await gateway.post(.assessment, "/revocation-cases", json: body, context: context, orShow: overviewAgain(context),
                                      then: "/cycle", flash: "已立案，待市总工会决定（第二十条）。")
    }

    @Sendable func decideCase(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = context.form
        struct Body: Encodable { var decision: String; var reason: String?; var reasons: String; var publicText: String? }
        let publicText = form["publicText"].flatMap { $0.isEmpty ? nil : $0 }
        let body = Body(decision: form["decision"] ?? "", reason: form["decision"] == "revoke" ? "plagiarismOrFraud" : nil, reasons: form["reasons"] ?? "", publicText: publicText)
        return try await gateway.post(.assessment, "/revocation-cases/\(PublicPages.pathComponent(id))/decision", json: body, context: context, orShow: overviewAgain(context),
                                      then: "/cycle", flash: body.decision == "revoke" ? "已撤销命名并发布通报（第二十条）。" : "已决定不予撤销。")
    }

    @Sendable func recordAcceptance(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = context.form
        let (scores, scoreIssues) = Self.scores(form)
        var issues = scoreIssues
        guard let assessedOn = LocalDate(form["assessedOn"] ?? "") else {
            issues.append(DomainIssue(code: "date.format", field: "assessedOn", messageZh: "请填写验收日期", messageEn: "assessedOn is required"))
            return try await overviewPage(context, issues: issues, status: .unprocessableContent)
        }
        guard issues.isEmpty else { return try await overviewPage(context, issues: issues, status: .unprocessableContent) }
        struct Body: Encodable { var assessedOn: LocalDate; var scores: [String: Int]; var result: String; var reasons: String? }
        let body = Body(assessedOn: assessedOn, scores: scores, result: form["result"] ?? "", reasons: form["reasons"].flatMap { $0.isEmpty ? nil : $0 })
        return try await gateway.post(.assessment, "/demonstration-acceptances/\(PublicPages.pathComponent(id))/result", json: body, context: context, orShow: overviewAgain(context),
                                      then: "/cycle", flash: body.result == "pass" ? "验收合格，示范性创新工作室补助待拨付（第十四条）。" : "已记录验收不合格。")
    }

    /// The department reports a unit's new name or affiliation (Art 19); the federation decides it.
    @Sendable func reportChange(_ request: Request, context: PortalContext) async throws -> Response {
        let form = context.form
        struct Body: Encodable { var newUnitName: String?; var newScreeningBodyCode: String?; var reportedOn: String; var note: String? }
        let studio = form["studioId"] ?? ""
        guard !studio.isEmpty else {
            return try await overviewPage(context, issues: [DomainIssue(code: "change.studio", field: "studioId", messageZh: "请选择工作室", messageEn: "choose a studio")],
                                          status: .unprocessableContent)
        }
        let body = Body(newUnitName: form.optional("newUnitName"), newScreeningBodyCode: form.optional("newScreeningBodyCode"), reportedOn: form["reportedOn"] ?? "",
                        note: form.optional("note"))
        return try await gateway.post(.assessment, "/studios/\(PublicPages.pathComponent(studio))/change-reports", json: body, context: context, orShow: overviewAgain(context),
                                      then: "/cycle", flash: "已报告变更，待市总工会决定（第十九条）。")
    }

    @Sendable func decideChange(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = context.form
        struct Body: Encodable { var decision: String; var effectiveOn: String?; var note: String? }
        let body = Body(decision: form["decision"] ?? "", effectiveOn: form["effectiveOn"].flatMap { $0.isEmpty ? nil : $0 },
                        note: form["note"].flatMap { $0.isEmpty ? nil : $0 })
        return try await gateway.post(.assessment, "/change-reports/\(PublicPages.pathComponent(id))/decision", json: body, context: context, orShow: overviewAgain(context),
                                      then: "/cycle", flash: body.decision == "adjust" ? "已调整工作室信息（第十九条）。" : "已决定不予调整。")
    }
}
