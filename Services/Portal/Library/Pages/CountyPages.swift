import Foundation
import Hummingbird
import IntakeService
import ServiceKit
import StudioDomain

/// The screening body's whole job (县区总工会 / 市直系统工委, Art 10): its dashboard, the application form,
/// attachments, the CSV import and each application's page. Every call goes to intake with the account's own
/// token, so intake decides what this body may see and do; another body's application is a 404 here too.
struct CountyPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.screeningBody])
        routes.get("", use: dashboard)
        routes.get("rounds/:round/new", use: newForm)
        routes.post("rounds/:round/new", use: create)
        routes.get("rounds/:round/import", use: importPage)
        routes.post("rounds/:round/import", use: importFile)
        routes.get("import-template.csv", use: template)
        routes.get("applications/:id", use: show)
        routes.get("applications/:id/edit", use: editForm)
        routes.post("applications/:id/edit", use: update)
        routes.post("applications/:id/withdraw", use: withdraw)
        routes.post("applications/:id/attachments", use: upload)
        routes.post("applications/:id/attachments/:sha/remove", use: removeAttachment)
        routes.get("applications/:id/attachments/:sha", use: download)
        routes.get("applications/:id/print", use: printable)
        return routes
    }

    // MARK: Dashboard

    struct DashboardView {
        struct RoundRow {
            var id: String
            var kind: String
            var year: Int
            var opensOn: String
            var deadline: String
            var isOpen: Bool
            var closingSoon: Bool
            var quota: String
            var used: Int
            var isNaming: Bool
        }
        struct AppRow {
            var id: String
            var studio: String
            var unit: String
            var kind: String
            var status: String
            var statusClass: String
            var version: Int
            var submittedOn: String
            var order: String
        }
        struct Count { var status: String; var count: Int }
        var bodyName: String
        var rounds: [RoundRow]
        var applications: [AppRow]
        var counts: [Count]
        var attention: [String]
        var hasAttention: Bool
        var pager: Pager
    }

    @Sendable func dashboard(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try context.requireAccount()
        let token = context.token(.intake)
        async let roundsReply = gateway.all(.intake, "/rounds", token: token, as: RoundView.self)
        async let appsReply = gateway.all(.intake, "/applications", token: token, as: ApplicationSummaryView.self)
        let rounds = try await roundsReply
        let apps = try await appsReply
        let body = account.subject ?? ""
        var attention: [String] = []
        // Open or not is intake's word, on intake's business day.
        let roundRows = rounds.sorted { ($0.round.year, $0.round.deadline) > ($1.round.year, $1.round.deadline) }.map { view -> DashboardView.RoundRow in
            let round = view.round
            let used = apps.filter { $0.roundId == round.id && $0.status != "draft" && $0.status != "withdrawn" }.count
            let open = view.acceptingSubmissions
            let daysLeft = view.today.days(until: round.deadline)
            let soon = open && daysLeft <= 3
            if soon {
                attention.append("\(round.year)年度\(round.kind.nameZh)批次将于\(Dates.chinese(round.deadline))截止（还剩\(daysLeft)天）。")
            }
            return DashboardView.RoundRow(id: round.id.rawValue, kind: round.kind.nameZh, year: round.year, opensOn: Dates.chinese(round.opensOn),
                                          deadline: Dates.chinese(round.deadline), isOpen: open, closingSoon: soon,
                                          quota: round.quota(for: body).map(String.init) ?? "不限", used: used, isNaming: round.kind == .naming)
        }
        for app in apps where app.status == ApplicationStatus.returnedForAmendment.rawValue {
            attention.append("“\(app.studioName ?? "未命名")”被退回修改，请修改后重新提交。")
        }
        let (onPage, pager) = Pager.slice(apps, request: request) { "/county?page=\($0)" }
        let appRows = onPage.map { app in
            DashboardView.AppRow(id: app.id.rawValue, studio: app.studioName ?? "（未填写）", unit: app.unitName ?? "", kind: app.kind.nameZh,
                                 status: app.statusZh, statusClass: ApplicationStatusStyle.cssClass(app.status), version: app.version,
                                 submittedOn: Dates.chinese(app.submittedOn), order: app.recommendationOrder.map(String.init) ?? "")
        }
        var counts: [String: Int] = [:]
        for app in apps { counts[app.statusZh, default: 0] += 1 }
        let view = DashboardView(bodyName: account.displayName, rounds: roundRows, applications: appRows,
                                 counts: counts.sorted { $0.key < $1.key }.map { DashboardView.Count(status: $0.key, count: $0.value) },
                                 attention: attention, hasAttention: !attention.isEmpty, pager: pager)
        return renderer.html("county_dashboard", title: "工作台", view: view, context: context)
    }

    // MARK: The form

    struct FormPageView {
        var heading: String
        var roundLine: String
        var form: ApplicationFormView
        var saved: Bool
    }

    func round(_ id: String, context: PortalContext) async throws -> IntakeRound {
        try await gateway.fetch(.intake, "/rounds/\(PublicPages.pathComponent(id))", as: RoundView.self, context: context).round
    }

    /// The body's named studios, for project-grant (Art 13) and demonstration (Art 14) applications.
    func studios(context: PortalContext) async throws -> [(id: String, name: String)] {
        return try await gateway.all(.intake, "/studios", token: context.token(.intake), as: ReplicatedStudio.self).filter { $0.status.holdsTitle }.map { ($0.studioId.rawValue, $0.studioName) }
    }

    func formPage(heading: String, round: IntakeRound, action: String, values: FormValues, issues: [DomainIssue], context: PortalContext,
                  saved: Bool = false, amending: Bool = false, status: HTTPResponse.Status = .ok) async throws -> Response {
        let studios = round.kind == .naming ? [] : try await studios(context: context)
        let form = ApplicationFormView(action: action, kind: round.kind, studios: studios, values: values, issues: issues, amending: amending)
        let view = FormPageView(heading: heading, roundLine: "\(round.year)年度\(round.kind.nameZh) · 受理期 \(Dates.chinese(round.opensOn)) 至 \(Dates.chinese(round.deadline))",
                                form: form, saved: saved)
        return renderer.html("county_form", title: heading, view: view, context: context, status: status)
    }

    @Sendable func newForm(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try await round(try context.parameters.require("round"), context: context)
        return try await formPage(heading: "填写申报表", round: round, action: "/county/rounds/\(round.id.rawValue)/new", values: FormValues(), issues: [], context: context)
    }

    struct CreateBody: Encodable {
        var roundId: RoundID
        var submit: Bool
        var form: ApplicationForm
    }

    @Sendable func create(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try await round(try context.parameters.require("round"), context: context)
        let action = "/county/rounds/\(round.id.rawValue)/new"
        let submit = context.form["action"] == "submit"
        func again(_ issues: [DomainIssue]) async throws -> Response {
            try await formPage(heading: "填写申报表", round: round, action: action, values: context.form, issues: issues, context: context, status: .unprocessableContent)
        }
        let form: ApplicationForm
        do {
            form = try ApplicationFormFields.form(from: context.form)
        } catch let problem as ApplicationFormFields.InputProblem {
            return try await again(problem.issues)
        }
        let key = context.form["_idempotency"] ?? UUID().uuidString
        return try await gateway.post(.intake, "/applications", json: CreateBody(roundId: round.id, submit: submit, form: form), headers: [("Idempotency-Key", key)],
                                      context: context, orShow: again) { reply in
            ("/county/applications/\(try reply.decode(ApplicationView.self).id.rawValue)", submit ? "申报已提交。" : "草稿已保存。")
        }
    }

    func application(_ id: String, context: PortalContext) async throws -> ApplicationView {
        try await gateway.fetch(.intake, "/applications/\(PublicPages.pathComponent(id))", as: ApplicationView.self, context: context)
    }

    @Sendable func editForm(_ request: Request, context: PortalContext) async throws -> Response {
        let app = try await application(try context.parameters.require("id"), context: context)
        let round = try await round(app.roundId.rawValue, context: context)
        return try await formPage(heading: app.status == "draft" ? "编辑草稿" : "修改申报表", round: round,
                                  action: "/county/applications/\(app.id.rawValue)/edit", values: ApplicationFormFields.values(of: app.form),
                                  issues: app.status == ApplicationStatus.returnedForAmendment.rawValue ? app.statusReasons : [], context: context,
                                  amending: app.status != "draft")
    }

    @Sendable func update(_ request: Request, context: PortalContext) async throws -> Response {
        let app = try await application(try context.parameters.require("id"), context: context)
        let round = try await round(app.roundId.rawValue, context: context)
        let action = "/county/applications/\(app.id.rawValue)/edit"
        let heading = app.status == "draft" ? "编辑草稿" : "修改申报表"
        func again(_ issues: [DomainIssue], saved: Bool = false) async throws -> Response {
            try await formPage(heading: heading, round: round, action: action, values: context.form, issues: issues, context: context,
                               saved: saved, amending: !saved && app.status != "draft", status: .unprocessableContent)
        }
        let form: ApplicationForm
        do {
            form = try ApplicationFormFields.form(from: context.form)
        } catch let problem as ApplicationFormFields.InputProblem {
            return try await again(problem.issues)
        }
        let token = context.token(.intake)
        let saved = try await gateway.call(.intake, "PUT", "/applications/\(app.id.rawValue)", token: token, json: form)
        if let refused = try saved.refusal() { return try await again(refused) }
        let wasDraft = app.status == "draft"
        guard wasDraft && context.form["action"] == "submit" else {
            return Redirect.to("/county/applications/\(app.id.rawValue)", flash: wasDraft ? "草稿已保存。" : "修改已提交（新版本）。", context: context)
        }
        let submitted = try await gateway.call(.intake, "POST", "/applications/\(app.id.rawValue)/submit", token: token, json: nil as String?)
        if let refused = try submitted.refusal() { return try await again(refused, saved: true) }
        return Redirect.to("/county/applications/\(app.id.rawValue)", flash: "申报已提交。", context: context)
    }

    // MARK: One application

    struct ApplicationPageView {
        struct HistoryEntry { var status: String; var source: String; var at: String; var reasons: [IssueView] }
        struct Version { var version: Int; var recordedOn: String }
        var id: String
        var studio: String
        var unit: String
        var kind: String
        var status: String
        var statusClass: String
        var version: Int
        var submittedOn: String?
        var reasons: [IssueView]
        var hasReasons: Bool
        var attachments: [AttachmentRow]
        var history: [HistoryEntry]
        var versions: [Version]
        var canEdit: Bool
        var canWithdraw: Bool
        var canAttach: Bool
        var editLabel: String
        var uploadErrors: [IssueView]
        var details: [KeyValue]
    }

    func applicationPage(_ app: ApplicationView, context: PortalContext, uploadErrors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let versions = try await gateway.all(.intake, "/applications/\(app.id.rawValue)/versions", token: context.token(.intake), as: ApplicationVersionView.self)
        let open = app.status == "draft" || ApplicationStatus(rawValue: app.status)?.isAmendable == true
        let view = ApplicationPageView(
            id: app.id.rawValue, studio: app.form.studio?.name ?? "（未填写）", unit: app.form.applicantUnit?.name ?? "", kind: app.kind.nameZh,
            status: app.statusZh, statusClass: ApplicationStatusStyle.cssClass(app.status), version: app.version, submittedOn: app.submittedOn.map { Dates.chinese($0) },
            reasons: app.statusReasons.map(IssueView.init), hasReasons: !app.statusReasons.isEmpty,
            attachments: app.attachments.map { AttachmentRow(sha256: $0.sha256, fileName: $0.fileName, mediaType: $0.mediaType, size: $0.size, addedAt: $0.addedAt) },
            history: app.statusHistory.map { .init(status: $0.statusZh, source: $0.source == "review" ? "评审" : "申报", at: Dates.instant($0.at), reasons: $0.reasons.map(IssueView.init)) },
            versions: versions.map { .init(version: $0.version, recordedOn: Dates.chinese($0.recordedOn)) },
            canEdit: open, canWithdraw: app.status != "withdrawn" && app.status != "draft" && open || app.status == "draft",
            canAttach: open, editLabel: app.status == "draft" ? "编辑草稿" : "修改申报表",
            uploadErrors: uploadErrors.map(IssueView.init),
            details: [KeyValue(key: "申报单位", value: app.form.applicantUnit?.name ?? ""), KeyValue(key: "负责人", value: app.form.leader?.name ?? ""),
                      KeyValue(key: "团队人数（含负责人）", value: String(1 + (app.form.team?.members?.count ?? 0))),
                      KeyValue(key: "创新项目", value: (app.form.projects ?? []).compactMap(\.title).joined(separator: "；")),
                      KeyValue(key: "推荐顺序", value: app.form.screening?.recommendationOrder.map(String.init) ?? "")])
        return renderer.html("county_application", title: view.studio, view: view, context: context, status: status)
    }

    @Sendable func show(_ request: Request, context: PortalContext) async throws -> Response {
        try await applicationPage(try await application(try context.parameters.require("id"), context: context), context: context)
    }

    @Sendable func withdraw(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        struct Withdrawal: Encodable { var reason: String? }
        let reason = context.form["reason"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await gateway.post(.intake, "/applications/\(PublicPages.pathComponent(id))/withdraw", json: Withdrawal(reason: reason?.isEmpty == false ? reason : nil),
                                      refusable: [409, 422], context: context,
                                      orShow: { try await applicationPage(try await application(id, context: context), context: context, uploadErrors: $0, status: .unprocessableContent) },
                                      then: "/county/applications/\(id)", flash: "申报已撤回。")
    }

    // MARK: Attachments

    @Sendable func upload(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let file = context.form.file(named: "file") else {
            let issue = DomainIssue(code: "input_file", field: "file", messageZh: "请选择要上传的文件（PDF、JPEG 或 PNG）。", messageEn: "choose a file to upload")
            return try await applicationPage(try await application(id, context: context), context: context, uploadErrors: [issue], status: .unprocessableContent)
        }
        let title = context.form["title"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let name = Self.attachmentName(title: title, fileName: file.fileName)
        let query = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? ""
        let reply = try await gateway.send(.intake, "POST", "/applications/\(PublicPages.pathComponent(id))/attachments?name=\(query)", token: context.token(.intake),
                                           body: file.bytes, headers: [("Content-Type", "application/octet-stream")])
        if let refused = try reply.refusal([409, 413, 415, 422]) {
            return try await applicationPage(try await application(id, context: context), context: context, uploadErrors: refused, status: .unprocessableContent)
        }
        return Redirect.to("/county/applications/\(id)", flash: "附件“\(name)”已上传。", context: context)
    }

    /// The name the body gave the scan, keeping the file's extension; the file's own name otherwise.
    static func attachmentName(title: String, fileName: String) -> String {
        let base = (fileName as NSString).lastPathComponent
        guard !title.isEmpty else { return base }
        let ext = (base as NSString).pathExtension
        return ext.isEmpty || title.lowercased().hasSuffix("." + ext.lowercased()) ? title : "\(title).\(ext)"
    }

    @Sendable func removeAttachment(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let sha = try context.parameters.require("sha")
        let reply = try await gateway.send(.intake, "DELETE", "/applications/\(PublicPages.pathComponent(id))/attachments/\(PublicPages.pathComponent(sha))",
                                           token: context.token(.intake), body: [], headers: [])
        if let refused = try reply.refusal([409]) {
            return try await applicationPage(try await application(id, context: context), context: context, uploadErrors: refused, status: .conflict)
        }
        return Redirect.to("/county/applications/\(id)", flash: "附件已删除。", context: context)
    }

    @Sendable func download(_ request: Request, context: PortalContext) async throws -> Response {
        try await AttachmentDownload.pass(try context.parameters.require("id"), try context.parameters.require("sha"), gateway: gateway, context: context)
    }

    // MARK: Import

    struct ImportView {
        struct Rejected { var row: Int; var column: String; var reason: String; var article: String? }
        struct Imported { var row: Int; var id: String; var studio: String }
        var roundId: String
        var roundLine: String
        var errors: [IssueView]
        var rejected: [Rejected]
        var hasRejected: Bool
        var imported: [Imported]
        var hasImported: Bool
        var importedCount: Int
        var hasResult: Bool
        var rows: Int
        var done: Bool
    }

    @Sendable func importPage(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try await round(try context.parameters.require("round"), context: context)
        return renderer.html("county_import", title: "批量导入", view: Self.importView(round), context: context)
    }

    static func importView(_ round: IntakeRound) -> ImportView {
        ImportView(roundId: round.id.rawValue, roundLine: "\(round.year)年度\(round.kind.nameZh) · 截止 \(Dates.chinese(round.deadline))",
                   errors: [], rejected: [], hasRejected: false, imported: [], hasImported: false, importedCount: 0, hasResult: false, rows: 0, done: false)
    }

    @Sendable func importFile(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try await round(try context.parameters.require("round"), context: context)
        var view = Self.importView(round)
        guard let file = context.form.file(named: "file") else {
            view.errors = [IssueView(DomainIssue(code: "input_file", field: "file", messageZh: "请选择 CSV 文件。", messageEn: "choose a CSV file"))]
            return renderer.html("county_import", title: "批量导入", view: view, context: context, status: .unprocessableContent)
        }
        let goodRowsOnly = context.form["goodRowsOnly"] == "true"
        let reply = try await gateway.send(.intake, "POST", "/rounds/\(round.id.rawValue)/import\(goodRowsOnly ? "?goodRowsOnly=true" : "")",
                                           token: context.token(.intake), body: file.bytes, headers: [("Content-Type", "text/csv"), ("Idempotency-Key", UUID().uuidString)])
        struct Rejection: Decodable { var report: ImportReport }
        let report: ImportReport?
        if reply.isSuccess {
            report = try reply.decode(ImportReport.self)
        } else if reply.status == 422, let rejection = try? reply.decode(Rejection.self) {
            report = rejection.report
        } else {
            view.errors = (try reply.refusal() ?? []).map(IssueView.init)
            return renderer.html("county_import", title: "批量导入", view: view, context: context, status: .unprocessableContent)
        }
        if let report {
            view.rows = report.rows
            view.hasResult = true
            view.done = reply.isSuccess
            view.rejected = report.errors.map { .init(row: $0.row, column: $0.column ?? "—", reason: $0.messageZh, article: $0.article.map(Bilingual.chinese)) }
            view.hasRejected = !view.rejected.isEmpty
            view.imported = report.imported.map { .init(row: $0.row, id: $0.applicationId.rawValue, studio: $0.studioName) }
            view.hasImported = !view.imported.isEmpty
            view.importedCount = view.imported.count
        }
        return renderer.html("county_import", title: "批量导入", view: view, context: context, status: reply.isSuccess ? .ok : .unprocessableContent)
    }

    @Sendable func template(_ request: Request, context: PortalContext) async throws -> Response {
        let reply = try await gateway.get(.intake, "/import-template.csv", token: context.token(.intake)).orFail()
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: reply.contentDisposition ?? "attachment; filename=template.csv"],
                        body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    // MARK: Printable 申报表

    struct PrintView {
        var title: String
        var roundLine: String
        var sections: [ApplicationFormFields.DisplaySection]
        var bodyName: String
        var today: String
    }

    @Sendable func printable(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try context.requireAccount()
        let app = try await application(try context.parameters.require("id"), context: context)
        let round = try await round(app.roundId.rawValue, context: context)
        let sections = ApplicationFormFields.display(app.form, kind: app.kind)
        let view = PrintView(title: "衢州市高技能人才（劳模）创新工作室申报表（\(app.kind.nameZh)）", roundLine: "\(round.year)年度 · 申报编号 \(app.id.rawValue) · 第\(app.version)版",
                             sections: sections, bodyName: account.displayName, today: Dates.chinese(Dates.today()))
        return renderer.html("print_application", title: view.title, view: view, context: context)
    }

}
