import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The rest of the naming round from the department's desk (Art 9, 11): the expert pool (专家库), and on a
/// round's page its next step (assignment, scoring, closing, the 公示), the assignment table and the ranking.
/// Each button is one call to review, which decides whether the step may happen now.
struct PanelPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    func add(to routes: RouteCollection<PortalContext>) {
        routes.get("experts", use: experts)
        routes.post("experts", use: addExpert)
        routes.post("experts/import", use: importExperts)
        routes.get("experts/import-template.csv", use: expertTemplate)
        routes.get("experts/:expert", use: editExpert)
        routes.post("experts/:expert", use: saveExpert)
        routes.post("rounds/:round/step", use: step)
        routes.post("rounds/:round/objections", use: object)
        routes.post("rounds/:round/objections/:objection", use: resolve)
    }

    /// 公示 objections (Art 11's notice): the department records one received during the period, then resolves it;
    /// an upheld one takes the application off the list (review's rule).
    @Sendable func object(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        struct Input: Encodable { var applicationId: String; var text: String }
        let reply = try await gateway.call(.review, "POST", "/rounds/\(PublicPages.pathComponent(round))/objections", token: context.token(.review),
                                           json: Input(applicationId: context.form["applicationId"] ?? "", text: context.form["text"] ?? ""))
        return try finish(reply, round: round, done: "异议已记录。", context: context)
    }

    @Sendable func resolve(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        let objection = try context.parameters.require("objection")
        guard Int64(objection) != nil else { throw PortalError.notFound }
        struct Input: Encodable { var upheld: Bool; var resolution: String }
        let upheld = context.form["upheld"] == "true"
        let reply = try await gateway.call(.review, "POST", "/rounds/\(PublicPages.pathComponent(round))/objections/\(objection)/resolution",
                                           token: context.token(.review), json: Input(upheld: upheld, resolution: context.form["resolution"] ?? ""))
        return try finish(reply, round: round, done: upheld ? "异议成立，该申报已移出公示名单。" : "异议不成立，已记录处理意见。", context: context)
    }

    /// Back to the round, with the step's outcome or review's refusal as the message.
    func finish(_ reply: ServiceReply, round: String, done: String, context: PortalContext) throws -> Response {
        if let refused = try reply.refusal() {
            context.setFlash("未完成：" + refused.map { $0.messageZh }.joined(separator: "；"), isError: true)
            return Response.redirect(to: "/department/rounds/\(round)")
        }
        return Redirect.to("/department/rounds/\(round)", flash: done, context: context)
    }

    struct ExpertRow: Decodable { var id: String; var name: String; var unitName: String; var screeningBodyCode: String?; var specialities: [String]; var maxLoad: Int; var relationships: [Relationship] }
    struct Relationship: Codable { var kind: String; var unitName: String?; var personName: String? }

    struct ExpertsView {
        struct Row { var id: String; var name: String; var unit: String; var area: String; var specialities: String; var maxLoad: Int; var relationships: String }
        var rows: [Row]
        var bodies: [SelectOption]
        var kinds: [SelectOption]
        var id: String
        var name: String
        var unitName: String
        var specialities: String
        var maxLoad: String
        var relatedPerson: String
        var errors: [IssueView]
        var importErrors: [IssueView]
    }

    static let relationshipKinds: [(String, String)] = [("", "无"), ("masterApprentice", "师徒关系"), ("supplier", "供应商/客户关系"),
                                                        ("formerEmployer", "原工作单位"), ("relative", "亲属关系")]

    func expertsPage(_ context: PortalContext, values: FormValues = FormValues(), errors: [DomainIssue] = [], importErrors: [DomainIssue] = [],
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let experts = try await gateway.all(.review, "/experts", token: context.token(.review), as: ExpertRow.self)
        let bodies = ReferenceData.defaults
        let kinds = Dictionary(uniqueKeysWithValues: Self.relationshipKinds)
        let rows = experts.map { expert in
            ExpertsView.Row(id: expert.id, name: expert.name, unit: expert.unitName, area: expert.screeningBodyCode.flatMap { bodies.screeningBody(code: $0)?.nameZh } ?? "",
                            specialities: expert.specialities.joined(separator: "、"), maxLoad: expert.maxLoad,
                            relationships: expert.relationships.map { "\(kinds[$0.kind] ?? $0.kind)：\($0.personName ?? $0.unitName ?? "")" }.joined(separator: "；"))
        }
        let view = ExpertsView(rows: rows,
                               bodies: [.init(value: "", label: "不限", selected: false)] + bodies.screeningBodies.map { .init(value: $0.code, label: $0.nameZh, selected: $0.code == values["screeningBodyCode"]) },
                               kinds: Self.relationshipKinds.map { .init(value: $0.0, label: $0.1, selected: $0.0 == values["relationship"]) },
                               id: values["id"] ?? "", name: values["name"] ?? "", unitName: values["unitName"] ?? "", specialities: values["specialities"] ?? "",
                               maxLoad: values["maxLoad"] ?? "10", relatedPerson: values["relatedPerson"] ?? "", errors: errors.map(IssueView.init),
                               importErrors: importErrors.map(IssueView.init))
        return renderer.html("department_experts", title: "专家库", view: view, context: context, status: status)
    }

    @Sendable func experts(_ request: Request, context: PortalContext) async throws -> Response { try await expertsPage(context) }

    struct NewExpert: Encodable {
        var id: String
        var name: String
        var unitName: String
        var screeningBodyCode: String?
        var specialities: [String]
        var maxLoad: Int
        var relationships: [Relationship]
    }

    @Sendable func addExpert(_ request: Request, context: PortalContext) async throws -> Response {
        let form = context.form
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let maxLoad = Int(text("maxLoad")) else {
            return try await expertsPage(context, values: form, errors: [DomainIssue(code: "input_integer", field: "maxLoad", messageZh: "最多评审份数须为整数。", messageEn: "maxLoad is a whole number")],
                                         status: .unprocessableContent)
        }
        var relationships: [Relationship] = []
        if !text("relationship").isEmpty && !text("relatedPerson").isEmpty {
            relationships.append(Relationship(kind: text("relationship"), unitName: nil, personName: text("relatedPerson")))
        }
        let specialities = text("specialities").split(whereSeparator: { "、，,;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let expert = NewExpert(id: text("id"), name: text("name"), unitName: text("unitName"), screeningBodyCode: text("screeningBodyCode").nilIfEmpty,
                               specialities: specialities, maxLoad: maxLoad, relationships: relationships)
        return try await gateway.post(.review, "/experts", json: expert, context: context,
                                      orShow: { try await expertsPage(context, values: form, errors: $0, status: .unprocessableContent) },
                                      then: "/department/experts", flash: "已添加专家“\(expert.name)”。")
    }

    /// 专家库 from the department's sheet (CSV or .xlsx): review reads and checks it, all or nothing.
    @Sendable func importExperts(_ request: Request, context: PortalContext) async throws -> Response {
        guard let file = context.form.file(named: "file"), !file.bytes.isEmpty else {
            return try await expertsPage(context, importErrors: [DomainIssue(code: "input_file", field: "file", messageZh: "请选择专家名单文件（CSV 或 .xlsx）。", messageEn: "choose a sheet")],
                                         status: .unprocessableContent)
        }
        let reply = try await gateway.send(.review, "POST", "/experts/import", token: context.token(.review), body: file.bytes,
                                           headers: [("Content-Type", "application/octet-stream")])
        if let refused = try reply.refusal([400, 409, 413, 422]) {
            return try await expertsPage(context, importErrors: refused, status: .unprocessableContent)
        }
        struct Imported: Decodable { var imported: Int }
        let count = (try? reply.decode(Imported.self).imported) ?? 0
        return Redirect.to("/department/experts", flash: "已从“\(file.fileName)”导入 \(count) 名专家。", context: context)
    }

    @Sendable func expertTemplate(_ request: Request, context: PortalContext) async throws -> Response {
        let reply = try await gateway.get(.review, "/experts/import-template.csv", token: context.token(.review)).orFail()
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: reply.contentDisposition ?? "attachment; filename=experts-template.csv"],
                        body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    /// An expert's whole record as review keeps it, so an edit sends back what the form does not show unchanged.
    struct ExpertRecord: Codable {
        struct Relation: Codable { var kind: String; var unitCreditCode: String?; var unitName: String?; var personName: String?; var note: String? }
        var id: String
        var name: String
        var unitName: String
        var unitCreditCode: String?
        var screeningBodyCode: String?
        var specialities: [String]
        var title: String?
        var maxLoad: Int
        var relationships: [Relation]
        var active: Bool?
    }

    struct EditView {
        struct Relation { var index: Int; var kinds: [SelectOption]; var unitName: String; var personName: String; var unitCreditCode: String; var note: String }
        var id: String
        var fields: [ApplicationFormView.Field]
        var relations: [Relation]
        var relationCount: Int
        var errors: [IssueView]
    }

    func editPage(_ id: String, context: PortalContext, values: FormValues? = nil, errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let expert = try await gateway.fetch(.review, "/experts/\(PublicPages.pathComponent(id))", as: ExpertRecord.self, context: context)
        var issues = FieldIssues(errors)
        func take(_ name: String) -> [IssueView] { issues.take(name) }
        func value(_ name: String, _ current: String?) -> String { values?[name] ?? current ?? "" }
        let bodies = [("", "不限")] + ReferenceData.defaults.screeningBodies.map { ($0.code, $0.nameZh) }
        let fields = [
            FormField.text("name", "姓名", value("name", expert.name), errors: take("name")),
            FormField.text("unitName", "工作单位", value("unitName", expert.unitName), errors: take("unitName")),
            FormField.text("unitCreditCode", "单位统一社会信用代码", value("unitCreditCode", expert.unitCreditCode), hint: "用于同一单位回避，可不填", errors: take("unitCreditCode")),
            FormField.select("screeningBodyCode", "所在地区/系统", bodies, selected: value("screeningBodyCode", expert.screeningBodyCode), errors: take("screeningBodyCode")),
            FormField.text("specialities", "专业领域（用顿号分隔）", value("specialities", expert.specialities.joined(separator: "、")), errors: take("specialities")),
            FormField.text("title", "职业技能等级或专业技术职称", value("title", expert.title), errors: take("title")),
            FormField.text("maxLoad", "最多评审份数", value("maxLoad", String(expert.maxLoad)), errors: take("maxLoad")),
            FormField.select("active", "状态", [("true", "在库"), ("false", "停用（不再分配）")], selected: value("active", (expert.active ?? true) ? "true" : "false"), errors: take("active")),
        ]
        let shown = max(expert.relationships.count + 1, Int(values?["relationCount"] ?? "") ?? 0)
        let relations = (0..<shown).map { index -> EditView.Relation in
            let current = index < expert.relationships.count ? expert.relationships[index] : nil
            func v(_ name: String, _ fallback: String?) -> String { values?["r\(index).\(name)"] ?? fallback ?? "" }
            let kind = v("kind", current?.kind)
            return .init(index: index, kinds: Self.relationshipKinds.map { .init(value: $0.0, label: $0.1, selected: $0.0 == kind) },
                         unitName: v("unitName", current?.unitName), personName: v("personName", current?.personName),
                         unitCreditCode: v("unitCreditCode", current?.unitCreditCode), note: v("note", current?.note))
        }
        let view = EditView(id: expert.id, fields: fields, relations: relations, relationCount: relations.count,
                            errors: take("relationships") + issues.rest)
        return renderer.html("department_expert", title: "专家 · \(expert.name)", view: view, context: context, status: status)
    }

    @Sendable func editExpert(_ request: Request, context: PortalContext) async throws -> Response {
        try await editPage(try context.parameters.require("expert"), context: context)
    }

    @Sendable func saveExpert(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("expert")
        let form = context.form
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let maxLoad = Int(text("maxLoad")) else {
            return try await editPage(id, context: context, values: form, errors: [DomainIssue(code: "input_integer", field: "maxLoad", messageZh: "最多评审份数须为整数。", messageEn: "maxLoad is a whole number")],
                                      status: .unprocessableContent)
        }
        var relations: [ExpertRecord.Relation] = []
        for index in 0..<min(Int(text("relationCount")) ?? 0, 200) {
            let kind = text("r\(index).kind")
            let parts = ["unitName", "personName", "unitCreditCode", "note"].map { text("r\(index).\($0)") }
            if kind.isEmpty { continue }  // 无: the row is not a relationship
            relations.append(.init(kind: kind, unitCreditCode: parts[2].nilIfEmpty, unitName: parts[0].nilIfEmpty, personName: parts[1].nilIfEmpty, note: parts[3].nilIfEmpty))
        }
        let specialities = text("specialities").split(whereSeparator: { "、，,;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let record = ExpertRecord(id: id, name: text("name"), unitName: text("unitName"), unitCreditCode: text("unitCreditCode").nilIfEmpty,
                                  screeningBodyCode: text("screeningBodyCode").nilIfEmpty, specialities: specialities, title: text("title").nilIfEmpty,
                                  maxLoad: maxLoad, relationships: relations, active: text("active") != "false")
        return try await gateway.post(.review, "/experts/\(PublicPages.pathComponent(id))", method: "PUT", json: record, context: context,
                                      orShow: { try await editPage(id, context: context, values: form, errors: $0, status: .unprocessableContent) },
                                      then: "/department/experts", flash: "已保存专家“\(record.name)”。")
    }

    /// The round's next step, by the button's `do`.
    @Sendable func step(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        let path = "/rounds/\(PublicPages.pathComponent(round))"
        let (call, done): (String, String) = switch context.form["do"] ?? "" {
        case "assign": ("\(path)/assignment", "已完成专家分配。")
        case "scoring": ("\(path)/scoring", "已开始专家评分。")
        case "close": ("\(path)/close", "评分已结束，排名已生成。")
        case "notice": ("\(path)/notice", "拟推荐名单已公示。")
        default: throw PortalError.badForm("未知的操作")
        }
        struct Empty: Encodable {}
        return try finish(try await gateway.call(.review, "POST", call, token: context.token(.review), json: Empty()), round: round, done: done, context: context)
    }
}

/// The expert's desk (专家, Art 11): their assignments, and for each the application and the score sheet with
/// the rubric's criteria, saved as a draft, then submitted. Review shows an expert only what is assigned to them.
struct ExpertPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.expert])
        routes.get("", use: assignments)
        routes.get("applications/:id", use: sheet)
        routes.post("applications/:id", use: save)
        routes.get("applications/:id/attachments/:sha", use: download)
        routes.post("applications/:id/recusal", use: recuse)
        return routes
    }

    struct Sheet: Decodable { var scores: [String: Int]; var comment: String?; var status: String; var total: String? }

    struct AssignmentsView {
        struct Row { var id: String; var studio: String; var unit: String; var speciality: String; var status: String; var deadline: String }
        var rows: [Row]
    }

    func myAssignments(_ context: PortalContext) async throws -> [MyAssignment] {
        try await gateway.all(.review, "/me/assignments", token: context.token(.review), as: MyAssignment.self)
    }

    @Sendable func assignments(_ request: Request, context: PortalContext) async throws -> Response {
        let rows = try await myAssignments(context).map {
            AssignmentsView.Row(id: $0.applicationId.rawValue, studio: $0.studioName, unit: $0.unitName, speciality: $0.speciality,
                                status: $0.sheetStatus == "submitted" ? "已提交" : ($0.sheetStatus == "draft" ? "草稿" : "未评分"),
                                deadline: Dates.chinese($0.scoringDeadline))
        }
        return renderer.html("expert_assignments", title: "评审任务", view: AssignmentsView(rows: rows), context: context)
    }

    struct SheetView {
        struct Line { var key: String; var name: String; var article: String?; var maxScore: Int; var weight: Int; var guidance: String?; var value: String; var errors: [IssueView] }
        var id: String
        var studio: String
        var unit: String
        var projects: String
        var sections: [ApplicationFormFields.DisplaySection]
        var attachments: [AttachmentRow]
        var recusalReason: String
        var recusalErrors: [IssueView]
        var recusalInvalid: Bool
        var lines: [Line]
        var comment: String
        var submitted: Bool
        var total: String?
        var errors: [IssueView]
    }

    func sheetPage(_ id: String, context: PortalContext, values: FormValues? = nil, errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let assignment = try await myAssignments(context).first(where: { $0.applicationId.rawValue == id }) else { throw PortalError.notFound }
        async let sheetReply = gateway.get(.review, "/applications/\(PublicPages.pathComponent(id))/score-sheets/mine", token: context.token(.review))
        async let applicationReply = gateway.get(.review, "/applications/\(PublicPages.pathComponent(id))", token: context.token(.review))
        let sheet = try await sheetReply.orFail().decode(Sheet.self)
        struct Reading: Decodable { var content: ApplicationContent }
        let content = try await applicationReply.orFail().decode(Reading.self).content
        var issues = FieldIssues(errors)
        let recusalErrors = issues.take("reason")
        let lines = assignment.rubric.criteria.map { criterion -> SheetView.Line in
            SheetView.Line(key: criterion.key, name: criterion.nameZh, article: criterion.article.map(Bilingual.chinese),
                           maxScore: criterion.maxScore, weight: criterion.weight, guidance: criterion.guidanceZh,
                           value: values?["score.\(criterion.key)"] ?? sheet.scores[criterion.key].map(String.init) ?? "", errors: issues.take("scores.\(criterion.key)"))
        }
        let view = SheetView(id: id, studio: assignment.studioName, unit: assignment.unitName, projects: assignment.projectTitles.joined(separator: "；"),
                             sections: ExpertReading.sections(content),
                             attachments: (content.details?.attachments ?? []).map { AttachmentRow(sha256: $0.sha256, fileName: $0.fileName, mediaType: $0.mediaType, size: $0.size) },
                             recusalReason: values?["reason"] ?? "", recusalErrors: recusalErrors, recusalInvalid: !recusalErrors.isEmpty,
                             lines: lines, comment: values?["comment"] ?? sheet.comment ?? "", submitted: sheet.status == "submitted", total: sheet.total,
                             errors: issues.rest)
        return renderer.html("expert_sheet", title: "评分表 · \(assignment.studioName)", view: view, context: context, status: status)
    }

    @Sendable func sheet(_ request: Request, context: PortalContext) async throws -> Response {
        try await sheetPage(try context.parameters.require("id"), context: context)
    }

    struct SheetInput: Encodable { var scores: [String: Int]; var comment: String? }

    @Sendable func save(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        var scores: [String: Int] = [:]
        var inputErrors: [DomainIssue] = []
        for (name, value) in context.form.fields where name.hasPrefix("score.") {
            let key = String(name.dropFirst("score.".count))
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            guard let points = Int(trimmed) else {
                inputErrors.append(DomainIssue(code: "input_integer", field: "scores.\(key)", messageZh: "请输入整数分值。", messageEn: "enter whole points"))
                continue
            }
            scores[key] = points
        }
        guard inputErrors.isEmpty else { return try await sheetPage(id, context: context, values: context.form, errors: inputErrors, status: .unprocessableContent) }
        let path = "/applications/\(PublicPages.pathComponent(id))/score-sheets/mine"
        let token = context.token(.review)
        let saved = try await gateway.call(.review, "PUT", path, token: token, json: SheetInput(scores: scores, comment: context.form["comment"]))
        if let refused = try saved.refusal() {
            return try await sheetPage(id, context: context, values: context.form, errors: refused, status: .unprocessableContent)
        }
        guard context.form["action"] == "submit" else { return Redirect.to("/expert/applications/\(id)", flash: "评分草稿已保存。", context: context) }
        let submitted = try await gateway.send(.review, "POST", path + "/submit", token: token, body: [], headers: [])
        if let refused = try submitted.refusal() {
            return try await sheetPage(id, context: context, values: context.form, errors: refused, status: .unprocessableContent)
        }
        return Redirect.to("/expert", flash: "评分表已提交。", context: context)
    }

    /// An attachment of an application on the expert's panel: intake decides, from what review told it (panel.changed).
    @Sendable func download(_ request: Request, context: PortalContext) async throws -> Response {
        try await AttachmentDownload.pass(try context.parameters.require("id"), try context.parameters.require("sha"), gateway: gateway, context: context)
    }

    /// 主动回避: the expert declares a conflict of interest and leaves the panel; the department reassigns.
    @Sendable func recuse(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        struct Input: Encodable { var reason: String }
        let reply = try await gateway.call(.review, "POST", "/applications/\(PublicPages.pathComponent(id))/recusal", token: context.token(.review),
                                           json: Input(reason: context.form["reason"] ?? ""))
        if let refused = try reply.refusal() {
            return try await sheetPage(id, context: context, values: context.form, errors: refused.map { issue in
                var issue = issue
                if issue.field != "reason" { issue.field = "reason" }
                return issue
            }, status: .unprocessableContent)
        }
        return Redirect.to("/expert", flash: "已申请回避，该申报已从您的评审任务中移除，经济工作部将重新安排专家。", context: context)
    }
}

/// The federation's desk (市总工会, Art 11): the lists on 公示 that await its decision, and the decision.
struct FederationPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.federation])
        routes.get("", use: awaiting)
        routes.post("rounds/:round/decision", use: decide)
        routes.get("rounds/:round/decision.html", use: printable)
        return routes
    }

    struct NamedStudio: Decodable {
        struct Plaque: Decodable { var number: String; var issuedOn: LocalDate }
        struct Body: Decodable { var code: String; var nameZh: String? }
        var applicationId: String?
        var studioName: String
        var unitName: String
        var screeningBody: Body
        var namedOn: LocalDate
        var plaque: Plaque?
    }

    struct DecisionPrint {
        struct Entry { var number: Int; var studio: String; var unit: String; var area: String; var plaque: String }
        struct Certificate { var studio: String; var unit: String; var plaque: String; var year: Int; var date: String }
        var title: String
        var preamble: String
        var entries: [Entry]
        var certificates: [Certificate]
        var date: String
    }

    /// 命名决定 (A4): the federation's decision with the named studios and their plaque numbers, then one certificate
    /// page per studio. The names come from review (who was named in this round), the plaques from assessment.
    @Sendable func printable(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        async let roundReply = gateway.get(.review, "/rounds/\(PublicPages.pathComponent(round))", token: context.token(.review))
        async let chosenReply = gateway.all(.review, "/rounds/\(PublicPages.pathComponent(round))/applications", token: context.token(.review),
                                            as: DepartmentPages.ReviewApplicationRow.self)
        async let studiosReply = gateway.all(.assessment, "/studios", token: context.token(.assessment), as: NamedStudio.self)
        struct Shown: Decodable { var round: DepartmentPages.ReviewRoundRow }
        let shown = try await roundReply.orFail().decode(Shown.self).round
        guard shown.status == "decided" else { throw PortalError.notFound }
        let chosen = try await chosenReply
            .filter { ["named", "awarded", "selected"].contains($0.status) }
        let named = Set(chosen.map(\.applicationId))
        var studios = try await studiosReply
            .filter { $0.applicationId.map(named.contains) == true }
            .sorted { ($0.plaque?.number ?? "", $0.studioName) < ($1.plaque?.number ?? "", $1.studioName) }
        if shown.kind != .naming {
            // Project grants and demonstration: the studios were named before; their plaques are not this decision's.
            studios = chosen.map { NamedStudio(applicationId: $0.applicationId, studioName: $0.studioName, unitName: $0.unitName,
                                               screeningBody: .init(code: $0.screeningBodyCode, nameZh: ReferenceData.defaults.screeningBody(code: $0.screeningBodyCode)?.nameZh),
                                               namedOn: $0.submittedOn, plaque: nil) }
        }
        let decided = shown.kind == .naming ? studios.first?.namedOn : nil
        let view = DecisionPrint(
            title: "关于命名\(shown.year)年度衢州市高技能人才（劳模）创新工作室的决定",
            preamble: shown.kind == .naming
                ? "根据《衢州市高技能人才（劳模）创新工作室管理办法（试行）》（衢总工字〔2016〕38号）第十一条、第十二条，经各地各单位推荐、市总工会经济工作部资格审查、专家组评审并公示，市总工会决定，命名以下\(studios.count)个工作室为“衢州市高技能人才（劳模）创新工作室”，授予牌匾，并给予一次性补助经费1万元。"
                : "根据《衢州市高技能人才（劳模）创新工作室管理办法（试行）》（衢总工字〔2016〕38号）\(shown.kind.article.chinese)，经申报、资格审查、专家组评审并公示，市总工会决定，以下\(studios.count)个工作室入选\(shown.year)年度\(shown.kind.nameZh)。",
            entries: studios.enumerated().map { .init(number: $0.offset + 1, studio: $0.element.studioName, unit: $0.element.unitName,
                                                      area: $0.element.screeningBody.nameZh ?? $0.element.screeningBody.code, plaque: $0.element.plaque?.number ?? "—") },
            certificates: shown.kind != .naming ? [] : studios.map { .init(studio: $0.studioName, unit: $0.unitName, plaque: $0.plaque?.number ?? "", year: shown.year, date: Dates.chinese($0.namedOn)) },
            date: decided.map { Dates.chinese($0) } ?? "")
        return renderer.html("print_decision", title: view.title, view: view, context: context)
    }

    struct Notice: Decodable {
        struct Objection: Decodable { var applicationId: String; var text: String; var upheld: Bool?; var resolution: String? }
        var applicationIds: [String]; var startsOn: LocalDate; var endsOn: LocalDate; var workingDays: Int; var objections: [Objection]
    }
    struct RankingLine: Decodable { var applicationId: String; var studioName: String; var final: String; var rank: Int }
    struct Ranking: Decodable { var lines: [RankingLine] }

    struct AwaitingView {
        struct Entry { var id: String; var rank: Int; var studio: String; var score: String; var objections: [String]; var objected: Bool }
        struct Round {
            var id: String; var title: String; var period: String; var entries: [Entry]; var hasObjected: Bool; var errors: [IssueView]
            /// 批准命名 (Art 11), or the approval of a project-grant (Art 13) or demonstration (Art 14) selection.
            var kind: String = "naming"
            var approve: String = "批准命名"
            static func approveLabel(_ kind: String) -> String {
                switch kind {
                case "projectGrant": "批准课题经费补助"
                case "demonstration": "批准入选示范性创新工作室"
                default: "批准命名"
                }
            }
        }
        var rounds: [Round]
        var decided: String?
    }

    @Sendable func awaiting(_ request: Request, context: PortalContext) async throws -> Response {
        try await awaitingPage(context, decided: request.uri.queryParameters["decided"].map { String($0) })
    }

    func awaitingPage(_ context: PortalContext, decided: String?, errorRound: String? = nil, errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = context.token(.review)
        let rounds = try await gateway.all(.review, "/rounds", token: token, as: DepartmentPages.ReviewRoundRow.self).filter { $0.status == "notice" }
        var shown: [AwaitingView.Round] = []
        for round in rounds {
            let path = "/rounds/\(PublicPages.pathComponent(round.id))"
            async let noticeReply = gateway.get(.review, path + "/notice", token: token)
            async let rankingReply = gateway.get(.review, path + "/ranking", token: token)
            let notice = try await noticeReply.orFail().decode(Notice.self)
            let lines = try await rankingReply.orFail().decode(Ranking.self).lines
            // An objection the department upheld has taken the entry off already; the rest are the federation's to weigh.
            let upheld = Set(notice.objections.filter { $0.upheld == true }.map(\.applicationId))
            let entries = notice.applicationIds.filter { !upheld.contains($0) }.compactMap { id in lines.first { $0.applicationId == id } }
                .map { line -> AwaitingView.Entry in
                    let said = notice.objections.filter { $0.applicationId == line.applicationId }
                        .map { "异议：\($0.text.trimmingCharacters(in: CharacterSet(charactersIn: "。； ")))；经济工作部意见：\($0.upheld == false ? "不成立" : "待处理")\($0.resolution.map { "，\($0)" } ?? "")" }
                    return AwaitingView.Entry(id: line.applicationId, rank: line.rank, studio: line.studioName, score: line.final, objections: said, objected: !said.isEmpty)
                }
            shown.append(.init(id: round.id, title: "\(round.year)年度\(round.kind.nameZh)",
                               period: "\(Dates.chinese(notice.startsOn)) 至 \(Dates.chinese(notice.endsOn))（\(notice.workingDays)个工作日）", entries: entries,
                               hasObjected: entries.contains(where: \.objected), errors: round.id == errorRound ? errors.map(IssueView.init) : [],
                               kind: round.kind.rawValue, approve: AwaitingView.Round.approveLabel(round.kind.rawValue)))
        }
        return renderer.html("federation", title: "待决定事项", view: AwaitingView(rounds: shown, decided: decided.map(PublicPages.pathComponent)), context: context, status: status)
    }

    @Sendable func decide(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        struct Input: Encodable { var excludeApplicationIds: [String]?; var reason: String? }
        let left = context.form.fields.filter { $0.key.hasPrefix("exclude.") && $0.value == "true" }.map { String($0.key.dropFirst("exclude.".count)) }.sorted()
        let input = left.isEmpty ? Input() : Input(excludeApplicationIds: left, reason: context.form["reason"] ?? "")
        let flash = switch context.form["kind"] ?? "naming" {
        case "projectGrant": "课题经费补助决定已作出，补助经费待审批拨付（第十三条）。"
        case "demonstration": "示范性创新工作室入选决定已作出，待考核验收（第十四条）。"
        default: "命名决定已作出，名单将在工作室名录中公布。"
        }
        return try await gateway.post(.review, "/rounds/\(PublicPages.pathComponent(round))/decision", json: input, context: context,
                                      orShow: { try await awaitingPage(context, decided: nil, errorRound: round, errors: $0, status: .unprocessableContent) },
                                      then: "/federation?decided=\(PublicPages.pathComponent(round))", flash: flash)
    }
}
