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
        struct Option { var value: String; var label: String; var selected: Bool }
        var rows: [Row]
        var bodies: [Option]
        var kinds: [Option]
        var id: String
        var name: String
        var unitName: String
        var specialities: String
        var maxLoad: String
        var relatedPerson: String
        var errors: [IssueView]
    }

    static let relationshipKinds: [(String, String)] = [("", "无"), ("masterApprentice", "师徒关系"), ("supplier", "供应商/客户关系"),
                                                        ("formerEmployer", "原工作单位"), ("relative", "亲属关系")]

    func expertsPage(_ context: PortalContext, values: FormValues = FormValues(), errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
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
                               maxLoad: values["maxLoad"] ?? "10", relatedPerson: values["relatedPerson"] ?? "", errors: errors.map(IssueView.init))
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
        let reply = try await gateway.call(.review, "POST", "/experts", token: context.token(.review), json: expert)
        if let refused = try reply.refusal() {
            return try await expertsPage(context, values: form, errors: refused, status: .unprocessableContent)
        }
        return Redirect.to("/department/experts", flash: "已添加专家“\(expert.name)”。", context: context)
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
        let routes = RouteCollection(context: PortalContext.self)
        routes.add(middleware: AccessMiddleware(roles: [.expert]))
        routes.get("", use: assignments)
        routes.get("applications/:id", use: sheet)
        routes.post("applications/:id", use: save)
        return routes
    }

    struct Criterion: Decodable { var key: String; var nameZh: String; var article: String?; var maxScore: Int; var weight: Int }
    struct Rubric: Decodable { var criteria: [Criterion] }
    struct Assignment: Decodable {
        var applicationId: String
        var studioName: String
        var unitName: String
        var speciality: String
        var projectTitles: [String]
        var sheetStatus: String?
        var scoringDeadline: LocalDate?
        var rubric: Rubric
    }
    struct Sheet: Decodable { var scores: [String: Int]; var comment: String?; var status: String; var total: String? }

    struct AssignmentsView {
        struct Row { var id: String; var studio: String; var unit: String; var speciality: String; var status: String; var deadline: String }
        var rows: [Row]
    }

    func myAssignments(_ context: PortalContext) async throws -> [Assignment] {
        try await gateway.get(.review, "/me/assignments", token: context.token(.review)).orFail().decode(Listing<Assignment>.self).items
    }

    @Sendable func assignments(_ request: Request, context: PortalContext) async throws -> Response {
        let rows = try await myAssignments(context).map {
            AssignmentsView.Row(id: $0.applicationId, studio: $0.studioName, unit: $0.unitName, speciality: $0.speciality,
                                status: $0.sheetStatus == "submitted" ? "已提交" : ($0.sheetStatus == "draft" ? "草稿" : "未评分"),
                                deadline: Dates.chinese($0.scoringDeadline))
        }
        return renderer.html("expert_assignments", title: "评审任务", view: AssignmentsView(rows: rows), context: context)
    }

    struct SheetView {
        struct Line { var key: String; var name: String; var article: String?; var maxScore: Int; var weight: Int; var value: String; var errors: [IssueView] }
        var id: String
        var studio: String
        var unit: String
        var projects: String
        var lines: [Line]
        var comment: String
        var submitted: Bool
        var total: String?
        var errors: [IssueView]
    }

    func sheetPage(_ id: String, context: PortalContext, values: FormValues? = nil, errors: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let assignment = try await myAssignments(context).first(where: { $0.applicationId == id }) else { throw PortalError.notFound }
        let sheet = try await gateway.get(.review, "/applications/\(PublicPages.pathComponent(id))/score-sheets/mine", token: context.token(.review)).orFail().decode(Sheet.self)
        var remaining = errors
        let lines = assignment.rubric.criteria.map { criterion -> SheetView.Line in
            let mine = remaining.filter { $0.field == "scores.\(criterion.key)" }
            remaining.removeAll { $0.field == "scores.\(criterion.key)" }
            return SheetView.Line(key: criterion.key, name: criterion.nameZh, article: criterion.article.map { $0.components(separatedBy: " / ").first ?? $0 },
                                  maxScore: criterion.maxScore, weight: criterion.weight,
                                  value: values?["score.\(criterion.key)"] ?? sheet.scores[criterion.key].map(String.init) ?? "", errors: mine.map(IssueView.init))
        }
        let view = SheetView(id: id, studio: assignment.studioName, unit: assignment.unitName, projects: assignment.projectTitles.joined(separator: "；"),
                             lines: lines, comment: values?["comment"] ?? sheet.comment ?? "", submitted: sheet.status == "submitted", total: sheet.total,
                             errors: remaining.map(IssueView.init))
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
}

/// The federation's desk (市总工会, Art 11): the lists on 公示 that await its decision, and the decision.
struct FederationPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.add(middleware: AccessMiddleware(roles: [.federation]))
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

    struct Notice: Decodable { var applicationIds: [String]; var startsOn: LocalDate; var endsOn: LocalDate; var workingDays: Int }
    struct RankingLine: Decodable { var applicationId: String; var studioName: String; var final: String; var rank: Int }
    struct Ranking: Decodable { var lines: [RankingLine] }

    struct AwaitingView {
        struct Entry { var rank: Int; var studio: String; var score: String }
        struct Round { var id: String; var title: String; var period: String; var entries: [Entry] }
        var rounds: [Round]
        var decided: String?
    }

    @Sendable func awaiting(_ request: Request, context: PortalContext) async throws -> Response {
        let token = context.token(.review)
        let rounds = try await gateway.get(.review, "/rounds", token: token).orFail().decode(Listing<DepartmentPages.ReviewRoundRow>.self).items.filter { $0.status == "notice" }
        var shown: [AwaitingView.Round] = []
        for round in rounds {
            let path = "/rounds/\(PublicPages.pathComponent(round.id))"
            async let noticeReply = gateway.get(.review, path + "/notice", token: token)
            async let rankingReply = gateway.get(.review, path + "/ranking", token: token)
            let notice = try await noticeReply.orFail().decode(Notice.self)
            let lines = try await rankingReply.orFail().decode(Ranking.self).lines
            let entries = notice.applicationIds.compactMap { id in lines.first { $0.applicationId == id } }
                .map { AwaitingView.Entry(rank: $0.rank, studio: $0.studioName, score: $0.final) }
            shown.append(.init(id: round.id, title: "\(round.year)年度\(round.kind.nameZh)",
                               period: "\(Dates.chinese(notice.startsOn)) 至 \(Dates.chinese(notice.endsOn))（\(notice.workingDays)个工作日）", entries: entries))
        }
        let decided = request.uri.queryParameters["decided"].map { String($0) }
        return renderer.html("federation", title: "待决定事项", view: AwaitingView(rounds: shown, decided: decided.map(PublicPages.pathComponent)), context: context)
    }

    @Sendable func decide(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        struct Empty: Encodable {}
        let reply = try await gateway.call(.review, "POST", "/rounds/\(PublicPages.pathComponent(round))/decision", token: context.token(.review), json: Empty())
        if let refused = try reply.refusal() {
            context.setFlash("未能决定：" + refused.map { $0.messageZh }.joined(separator: "；"), isError: true)
            return Response.redirect(to: "/federation")
        }
        return Redirect.to("/federation?decided=\(PublicPages.pathComponent(round))", flash: "命名决定已作出，名单将在工作室名录中公布。", context: context)
    }
}
