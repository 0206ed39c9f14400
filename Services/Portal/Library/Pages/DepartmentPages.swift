import Foundation
import Hummingbird
import IntakeService
import ServiceKit
import StudioDomain

/// The department's desk (经济工作部, Art 8, 11): the review rounds with where their applications stand, each
/// round's applications, and the qualification review (资格审查) of one application with its form and its
/// attachments side by side. Review decides; intake tells the county.
struct DepartmentPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: [.department])
        routes.get("", use: rounds)
        routes.get("rounds/:round", use: round)
        routes.get("applications/:id", use: application)
        routes.post("applications/:id/qualification", use: qualify)
        routes.get("applications/:id/attachments/:sha", use: download)
        PanelPages(renderer: renderer, gateway: gateway).add(to: routes)
        RoundDeskPages(renderer: renderer, gateway: gateway).add(to: routes)
        return routes
    }

    /// Review's views, as its API gives them.
    struct ReviewRoundRow: Decodable { var id: String; var kind: ApplicationKind; var year: Int; var status: String; var quota: Int }
    struct ReviewApplicationRow: Decodable {
        var applicationId: String
        var status: String
        var version: Int
        var studioName: String
        var unitName: String
        var screeningBodyCode: String
        var submittedOn: LocalDate
        var recommendationOrder: Int?
    }
    struct ReviewApplication: Decodable {
        struct Decision: Decodable { var outcome: String; var reasons: [DomainIssue]; var applicationVersion: Int; var decidedBy: String; var decidedAt: Date }
        var applicationId: String
        var roundId: String
        var status: String
        var version: Int
        var qualification: [Decision]?
    }

    static func roundStatusZh(_ status: String) -> String {
        switch status {
        case "open": "受理与资格审查"
        case "scoring": "专家评分"
        case "closed": "评分结束"
        case "notice": "公示中"
        case "decided": "已决定"
        default: status
        }
    }

    /// The stages of a round's pipeline, in order, with the statuses counted in each.
    static let stages: [(label: String, statuses: Set<String>)] = [
        ("已受理", ["submitted"]), ("资格审查通过", ["qualificationPassed"]), ("退回补正", ["returnedForAmendment"]),
        ("未通过", ["qualificationFailed"]), ("专家评审中", ["underExpertReview"]), ("公示中", ["onPublicNotice"]),
        ("已决定", ["named", "notNamed", "awarded", "notAwarded", "selected", "notSelected"]),
    ]

    struct RoundsView {
        struct Stage { var label: String; var count: Int }
        struct Row { var id: String; var title: String; var status: String; var quota: Int; var total: Int; var stages: [Stage] }
        var rows: [Row]
    }

    @Sendable func rounds(_ request: Request, context: PortalContext) async throws -> Response {
        let token = context.token(.review)
        let rounds = try await gateway.all(.review, "/rounds", token: token, as: ReviewRoundRow.self)
        // Each round's applications, fetched together.
        let counts = try await withThrowingTaskGroup(of: (String, [ReviewApplicationRow]).self) { group in
            for round in rounds {
                group.addTask {
                    let apps = try await gateway.all(.review, "/rounds/\(PublicPages.pathComponent(round.id))/applications", token: token,
                                                     as: ReviewApplicationRow.self)
                    return (round.id, apps)
                }
            }
            var result: [String: [ReviewApplicationRow]] = [:]
            for try await (id, apps) in group { result[id] = apps }
            return result
        }
        let rows = rounds.sorted { ($0.year, $0.kind.rawValue) > ($1.year, $1.kind.rawValue) }.map { round in
            let apps = counts[round.id] ?? []
            return RoundsView.Row(id: round.id, title: "\(round.year)年度\(round.kind.nameZh)", status: Self.roundStatusZh(round.status), quota: round.quota,
                                  total: apps.count, stages: Self.stages.map { stage in .init(label: stage.label, count: apps.filter { stage.statuses.contains($0.status) }.count) })
        }
        return renderer.html("department_rounds", title: "评审批次", view: RoundsView(rows: rows), context: context)
    }

    struct RoundView {
        struct Step { var action: String; var label: String }
        struct AssignmentRow { var studio: String; var experts: String }
        struct RankingRow { var rank: Int; var studio: String; var sheets: Int; var mean: String; var final: String; var proposed: Bool; var reason: String? }
        struct Row { var id: String; var studio: String; var unit: String; var body: String; var order: String; var submittedOn: String; var version: Int; var status: String; var statusClass: String; var awaiting: Bool }
        var id: String
        var title: String
        var status: String
        var rows: [Row]
        var awaiting: Int
        var steps: [Step]
        var assignment: [AssignmentRow]
        var loads: String
        var ranking: [RankingRow]
        var hasRanking: Bool
        var notice: String?
        var onNotice: Bool
        var listed: [Listed]
        var objections: [Objection]
        struct Listed { var id: String; var studio: String }
        struct Objection { var roundId: String; var id: Int64; var studio: String; var text: String; var receivedOn: String; var open: Bool; var outcome: String; var from: String }
    }

    struct AssignmentBody: Decodable {
        struct Row: Decodable { var applicationId: String; var experts: [Expert] }
        struct Expert: Decodable { var expertId: String }
        var assignments: [Row]
        var loads: [String: Int]
    }
    struct RankingBody: Decodable {
        struct Line: Decodable { var rank: Int; var applicationId: String; var studioName: String; var sheets: Int; var mean: String; var final: String; var proposed: Bool; var reason: String? }
        var lines: [Line]
    }
    struct NoticeBody: Decodable {
        struct Objection: Decodable {
            var id: Int64; var applicationId: String; var text: String; var receivedOn: LocalDate; var upheld: Bool?; var resolution: String?
            var source: String?; var objectorName: String?; var objectorContact: String?
        }
        var startsOn: LocalDate; var endsOn: LocalDate; var workingDays: Int; var applicationIds: [String]; var objections: [Objection]
    }

    /// What the department may do next with a round in `status`; review refuses a step whose time has not come.
    static func steps(_ status: String) -> [RoundView.Step] {
        switch status {
        case "open": [.init(action: "assign", label: "运行专家分配"), .init(action: "scoring", label: "开始评分")]
        case "scoring": [.init(action: "close", label: "结束评分")]
        case "closed": [.init(action: "notice", label: "发布公示")]
        default: []
        }
    }

    @Sendable func round(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("round")
        let token = context.token(.review)
        async let roundReply = gateway.get(.review, "/rounds/\(PublicPages.pathComponent(id))", token: token)
        async let appsReply = gateway.all(.review, "/rounds/\(PublicPages.pathComponent(id))/applications", token: token, as: ReviewApplicationRow.self)
        struct Shown: Decodable { var round: ReviewRoundRow }
        let roundBody = try await roundReply.orFail()
        let round = try (try? roundBody.decode(Shown.self).round) ?? roundBody.decode(ReviewRoundRow.self)
        let apps = try await appsReply
        let bodies = ReferenceData.defaults
        let rows = apps.sorted { ($0.screeningBodyCode, $0.recommendationOrder ?? 99, $0.studioName) < ($1.screeningBodyCode, $1.recommendationOrder ?? 99, $1.studioName) }.map {
            RoundView.Row(id: $0.applicationId, studio: $0.studioName, unit: $0.unitName, body: bodies.screeningBody(code: $0.screeningBodyCode)?.nameZh ?? $0.screeningBodyCode,
                          order: $0.recommendationOrder.map(String.init) ?? "", submittedOn: Dates.chinese($0.submittedOn), version: $0.version,
                          status: ApplicationStatus(rawValue: $0.status)?.nameZh ?? $0.status, statusClass: ApplicationStatusStyle.cssClass($0.status),
                          awaiting: $0.status == "submitted")
        }
        let names = Dictionary(apps.map { ($0.applicationId, $0.studioName) }, uniquingKeysWith: { first, _ in first })
        let path = "/rounds/\(PublicPages.pathComponent(id))"
        // What exists at this stage: the assignment once run, the ranking once scoring closed, the notice once published.
        async let assignmentReply = gateway.get(.review, path + "/assignment", token: token)
        async let rankingReply = gateway.get(.review, path + "/ranking", token: token)
        async let noticeReply = gateway.get(.review, path + "/notice", token: token)
        let assignment = try? await assignmentReply.orFail().decode(AssignmentBody.self)
        let ranking = ["closed", "notice", "decided"].contains(round.status) ? try? await rankingReply.orFail().decode(RankingBody.self) : nil
        let notice = try? await noticeReply.orFail().decode(NoticeBody.self)
        let view = RoundView(
            id: id, title: "\(round.year)年度\(round.kind.nameZh)", status: Self.roundStatusZh(round.status), rows: rows, awaiting: rows.filter(\.awaiting).count,
            steps: Self.steps(round.status),
            assignment: (assignment?.assignments ?? []).map { .init(studio: names[$0.applicationId] ?? $0.applicationId, experts: $0.experts.map(\.expertId).joined(separator: "、")) },
            loads: (assignment?.loads ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)：\($0.value)份" }.joined(separator: "；"),
            ranking: (ranking?.lines ?? []).map { .init(rank: $0.rank, studio: $0.studioName, sheets: $0.sheets, mean: $0.mean, final: $0.final, proposed: $0.proposed, reason: $0.reason) },
            hasRanking: ranking != nil,
            notice: notice.map { "公示期 \(Dates.chinese($0.startsOn)) 至 \(Dates.chinese($0.endsOn))（\($0.workingDays)个工作日），拟推荐 \($0.applicationIds.count) 家。" },
            onNotice: round.status == "notice",
            listed: (notice?.applicationIds ?? []).map { .init(id: $0, studio: names[$0] ?? $0) },
            objections: (notice?.objections ?? []).map { objection in
                .init(roundId: id, id: objection.id, studio: names[objection.applicationId] ?? objection.applicationId, text: objection.text,
                      receivedOn: Dates.chinese(objection.receivedOn), open: objection.upheld == nil,
                      outcome: objection.upheld.map { ($0 ? "成立：" : "不成立：") + (objection.resolution ?? "") } ?? "待处理",
                      from: objection.source == "public"
                        ? "公示页面：\([objection.objectorName, objection.objectorContact].compactMap { $0 }.joined(separator: "，"))"
                        : "经济工作部登记")
            })
        return renderer.html("department_round", title: view.title, view: view, context: context)
    }

    struct ApplicationPage {
        struct Decision { var outcome: String; var version: Int; var by: String; var at: String; var reasons: [IssueView] }
        var id: String
        var roundId: String
        var studio: String
        var body: String
        var status: String
        var statusClass: String
        var version: Int
        var sections: [ApplicationFormFields.DisplaySection]
        var attachments: [AttachmentRow]
        var decisions: [Decision]
        var canDecide: Bool
        var outcomes: [SelectOption]
        var fields: [SelectOption]
        var articles: [SelectOption]
        var words: String
        var errors: [IssueView]
        /// Review's problems with the reason, shown under the reason's box.
        var reasonErrors: [IssueView]
        var reasonInvalid: Bool
    }

    /// The fields a reason may name, and the articles it may cite (Art 5, 6, 7, 10, 11).
    static let reasonFields: [(String, String)] = [("", "整份申报")] + ApplicationFormFields.sections(kind: .naming, studios: [])
        .flatMap { section in [(section.rowKey ?? section.key, section.title)] + section.fields.map { ($0.name, "\(section.title) · \($0.label)") } }
    static let reasonArticles: [(String, String)] = [("", "不引用条款"), (Article(5, item: 1).reference, "第五条第（一）项 场地、经费、设施"),
        (Article(5, item: 2).reference, "第五条第（二）项 工作制度"), (Article(5, item: 3).reference, "第五条第（三）项 创新项目"),
        (Article(5, item: 4).reference, "第五条第（四）项 负责人与团队"), (Article(6).reference, "第六条 申报单位"), (Article(7).reference, "第七条 创建满6个月"),
        (Article(10).reference, "第十条 初审推荐"), (Article(11).reference, "第十一条 资格和项目审查")]

    func applicationPage(_ id: String, context: PortalContext, values: FormValues = FormValues(), errors: [DomainIssue] = [],
                         status: HTTPResponse.Status = .ok) async throws -> Response {
        async let intakeReply = gateway.get(.intake, "/applications/\(PublicPages.pathComponent(id))", token: context.token(.intake))
        async let reviewReply = gateway.get(.review, "/applications/\(PublicPages.pathComponent(id))", token: context.token(.review))
        let app = try await intakeReply.orFail().decode(ApplicationView.self)
        let review = try await reviewReply.orFail().decode(ReviewApplication.self)
        let outcome = values["outcome"] ?? ""
        let view = ApplicationPage(
            id: app.id.rawValue, roundId: review.roundId, studio: app.form.studio?.name ?? "", body: ReferenceData.defaults.screeningBody(code: app.screeningBodyCode)?.nameZh ?? app.screeningBodyCode,
            status: ApplicationStatus(rawValue: review.status)?.nameZh ?? review.status, statusClass: ApplicationStatusStyle.cssClass(review.status), version: review.version,
            sections: ApplicationFormFields.display(app.form, kind: app.kind),
            attachments: app.attachments.map { AttachmentRow(sha256: $0.sha256, fileName: $0.fileName, mediaType: $0.mediaType, size: $0.size) },
            decisions: (review.qualification ?? []).map { .init(outcome: Self.outcomeZh($0.outcome), version: $0.applicationVersion, by: $0.decidedBy, at: Dates.instant($0.decidedAt),
                                                                reasons: $0.reasons.map(IssueView.init)) },
            canDecide: review.status == "submitted" || review.status == "qualificationPassed",
            outcomes: [("pass", "通过"), ("return", "退回补正"), ("fail", "不通过")].map { .init(value: $0.0, label: $0.1, selected: $0.0 == outcome) },
            fields: Self.reasonFields.map { .init(value: $0.0, label: $0.1, selected: $0.0 == values["field"]) },
            articles: Self.reasonArticles.map { .init(value: $0.0, label: $0.1, selected: $0.0 == values["article"]) },
            words: values["words"] ?? "", errors: errors.filter { !$0.field.hasPrefix("reasons") }.map(IssueView.init),
            reasonErrors: errors.filter { $0.field.hasPrefix("reasons") }.map(IssueView.init),
            reasonInvalid: errors.contains { $0.field.hasPrefix("reasons") })
        return renderer.html("department_application", title: "资格审查 · \(view.studio)", view: view, context: context, status: status)
    }

    static func outcomeZh(_ outcome: String) -> String {
        switch outcome {
        case "pass": "通过"
        case "return": "退回补正"
        case "fail": "不通过"
        default: outcome
        }
    }

    @Sendable func application(_ request: Request, context: PortalContext) async throws -> Response {
        try await applicationPage(try context.parameters.require("id"), context: context)
    }

    struct Decision: Encodable {
        var outcome: String
        var reasons: [DomainIssue]
    }

    @Sendable func qualify(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let outcome = context.form["outcome"] ?? ""
        let words = (context.form["words"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var reasons: [DomainIssue] = []
        if !words.isEmpty {
            let field = context.form["field"] ?? ""
            let article = (context.form["article"] ?? "").isEmpty ? nil : context.form["article"]
            reasons.append(DomainIssue(code: "department_\(outcome.isEmpty ? "note" : outcome)", field: field, article: article, messageZh: words,
                                       messageEn: "Reason recorded by the department in Chinese (see message_zh)."))
        }
        return try await gateway.post(.review, "/applications/\(PublicPages.pathComponent(id))/qualification", json: Decision(outcome: outcome, reasons: reasons),
                                      context: context,
                                      orShow: { try await applicationPage(id, context: context, values: context.form, errors: $0, status: .unprocessableContent) }) { reply in
            let roundId = (try? reply.decode(ReviewApplication.self).roundId) ?? ""
            return ("/department/rounds/\(roundId)", "资格审查结果已记录：\(Self.outcomeZh(outcome))。")
        }
    }

    @Sendable func download(_ request: Request, context: PortalContext) async throws -> Response {
        try await AttachmentDownload.pass(try context.parameters.require("id"), try context.parameters.require("sha"), gateway: gateway, context: context)
    }
}
