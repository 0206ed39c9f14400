import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The public pages, without signing in (Art 12, 18, 20): the register of named studios, each studio's page,
/// and the public notices with a printable A4 view. They show what assessment's public API gives, which
/// holds no personal data.
struct PublicPages {
    let renderer: Renderer
    let gateway: ServiceGateway

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.get("studios", use: register)
        routes.get("studios/:id", use: studio)
        routes.get("notices", use: notices)
        routes.get("notices/:id", use: notice)
        routes.get("gongshi", use: proposedLists)
        routes.get("gongshi/:round", use: proposedList)
        routes.post("gongshi/:round/objections", use: lodgeObjection)
        return routes
    }

    struct RegisterView {
        struct Row { var id: String; var name: String; var unit: String; var area: String; var level: String; var yearNamed: Int; var status: String }
        var rows: [Row]
        var count: Int
        var query: String
        var pager: Pager
    }

    struct RegisterPage: Decodable { var items: [PublicStudio]; var total: Int }

    /// One page of the register, asked of assessment as one page (it filters, orders and counts).
    @Sendable func register(_ request: Request, context: PortalContext) async throws -> Response {
        let query = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let escaped = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let asked = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
        func fetch(_ page: Int) async throws -> RegisterPage {
            try await gateway.get(.assessment, "/public/studios?limit=\(Pager.size)&offset=\((page - 1) * Pager.size)&q=\(escaped)", token: nil).orFail().decode(RegisterPage.self)
        }
        var result = try await fetch(asked)
        let pages = max(1, (result.total + Pager.size - 1) / Pager.size)
        if asked > pages { result = try await fetch(pages) }
        let pager = Pager.page(min(asked, pages), total: result.total) { "/public/studios?q=\(escaped)&page=\($0)" }
        let rows = result.items.map {
            RegisterView.Row(id: $0.id.rawValue, name: $0.name, unit: $0.unit, area: $0.area, level: $0.level.nameZh, yearNamed: $0.yearNamed, status: $0.status.nameZh)
        }
        return renderer.html("public_register", title: "衢州市高技能人才（劳模）创新工作室名录",
                             view: RegisterView(rows: rows, count: result.total, query: query, pager: pager), context: context)
    }

    struct StudioView {
        struct Event { var what: String; var on: String; var status: String }
        var name: String
        var unit: String
        var area: String
        var level: String
        var yearNamed: Int
        var namedOn: String
        var status: String
        var plaque: String
        var history: [Event]
    }

    @Sendable func studio(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let page = try await gateway.get(.assessment, "/public/studios/\(Self.pathComponent(id))", token: nil).orFail().decode(PublicStudioPage.self)
        let detail = page.studio
        let view = StudioView(name: detail.name, unit: detail.unit, area: detail.area, level: detail.level.nameZh, yearNamed: detail.yearNamed,
                              namedOn: Dates.chinese(page.namedOn), status: detail.status.nameZh, plaque: page.plaqueNumber ?? "—",
                              history: page.history.map { StudioView.Event(what: Self.titleEvent($0.kind), on: Dates.chinese($0.effectiveOn),
                                                                             status: StudioStatus(rawValue: $0.toStatus)?.nameZh ?? $0.toStatus) })
        return renderer.html("public_studio", title: detail.name, view: view, context: context)
    }

    struct NoticesView {
        struct Row { var id: String; var title: String; var publishedOn: String }
        var rows: [Row]
    }

    @Sendable func notices(_ request: Request, context: PortalContext) async throws -> Response {
        let items = try await gateway.all(.assessment, "/public/notices", token: nil, as: PublicNoticeView.self)
        let rows = items.map { NoticesView.Row(id: $0.id.rawValue, title: $0.title, publishedOn: Dates.chinese($0.publishedOn)) }
        return renderer.html("public_notices", title: "公示公告", view: NoticesView(rows: rows), context: context)
    }

    struct NoticeView {
        var id: String
        var title: String
        var paragraphs: [String]
        var publishedOn: String
    }

    @Sendable func notice(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let notice = try await gateway.get(.assessment, "/public/notices/\(Self.pathComponent(id))", token: nil).orFail().decode(PublicNoticeView.self)
        let view = NoticeView(id: notice.id.rawValue, title: notice.title,
                              paragraphs: notice.body.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) },
                              publishedOn: Dates.chinese(notice.publishedOn))
        let printable = request.uri.queryParameters["print"] != nil
        return renderer.html(printable ? "print_notice" : "public_notice", title: notice.title, view: view, context: context)
    }

    // MARK: 评审公示 (the proposed lists on public notice, Art 11, 13, 14)

    struct ProposedListsView {
        struct Row { var roundId: String; var title: String; var period: String; var count: Int; var open: Bool }
        var rows: [Row]
        var pager: Pager
    }

    static func title(_ list: PublicProposedList) -> String { "\(list.year)年度\(list.kind.nameZh)拟推荐名单公示" }

    static func period(_ list: PublicProposedList) -> String {
        "\(Dates.chinese(list.startsOn)) 至 \(Dates.chinese(list.endsOn))（\(list.workingDays)个工作日）"
    }

    /// The published 公示, newest first, as review pages them.
    @Sendable func proposedLists(_ request: Request, context: PortalContext) async throws -> Response {
        let asked = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
        func fetch(_ page: Int) async throws -> PublicProposedListPage {
            try await gateway.get(.review, "/public/notices?limit=\(Self.gongshiPageSize)&offset=\((page - 1) * Self.gongshiPageSize)", token: nil).orFail()
                .decode(PublicProposedListPage.self)
        }
        var result = try await fetch(asked)
        let pages = max(1, (result.total + Self.gongshiPageSize - 1) / Self.gongshiPageSize)
        if asked > pages { result = try await fetch(pages) }
        let page = min(asked, pages)
        let start = (page - 1) * Self.gongshiPageSize
        let pager = Pager(page: page, pages: pages, total: result.total, from: result.total == 0 ? 0 : start + 1, to: min(start + Self.gongshiPageSize, result.total),
                          previous: page > 1 ? "/public/gongshi?page=\(page - 1)" : nil, next: page < pages ? "/public/gongshi?page=\(page + 1)" : nil,
                          several: pages > 1)
        let rows = result.items.map {
            ProposedListsView.Row(roundId: $0.roundId, title: Self.title($0), period: Self.period($0), count: $0.entries.count, open: $0.acceptingObjections)
        }
        return renderer.html("public_gongshi_list", title: "评审公示", view: ProposedListsView(rows: rows, pager: pager), context: context)
    }

    /// Review's page size for its public list (its limit is at most 100).
    static let gongshiPageSize = 20

    struct ProposedListView {
        struct Row { var rank: Int; var studioName: String; var applicantUnit: String; var area: String }
        var roundId: String
        var title: String
        var period: String
        var startsOn: String
        var endsOn: String
        var workingDays: Int
        var open: Bool
        var rows: [Row]
        var fields: [ApplicationFormView.Field]
        var generalErrors: [IssueView]
        var hasErrors: Bool
    }

    /// What the visitor typed, kept when the page comes back with review's refusal beside the fields.
    struct ObjectionDraft {
        var applicationId = ""
        var name = ""
        var contact = ""
        var text = ""
    }

    func proposedListView(_ list: PublicProposedList, draft: ObjectionDraft, issues: [DomainIssue]) -> ProposedListView {
        let known: Set<String> = ["applicationId", "name", "contact", "text"]
        func field(_ name: String, _ label: String, _ value: String, hint: String? = nil, textarea: Bool = false, options: [SelectOption] = []) -> ApplicationFormView.Field {
            let errors = issues.filter { $0.field == name }.map(IssueView.init)
            return ApplicationFormView.Field(name: name, id: "objection-\(name)", label: label, value: value, hint: hint,
                                             isText: !textarea && options.isEmpty, isDate: false, isNumber: false, isTextarea: textarea,
                                             isSelect: !options.isEmpty, options: options, errors: errors, invalid: !errors.isEmpty)
        }
        let options = [SelectOption(value: "", label: "请选择", selected: draft.applicationId.isEmpty)]
            + list.entries.map { SelectOption(value: $0.applicationId, label: "\($0.studioName)（\($0.applicantUnit)）", selected: $0.applicationId == draft.applicationId) }
        let fields = [
            field("applicationId", "异议对象", draft.applicationId, options: options),
            field("name", "姓名或单位名称", draft.name, hint: "仅供经济工作部核实，不予公开（不超过\(PublicObjectionInput.nameLimit)字）"),
            field("contact", "联系方式", draft.contact, hint: "电话或通信地址，仅供核实，不予公开（不超过\(PublicObjectionInput.contactLimit)字）"),
            field("text", "异议内容及理由", draft.text, hint: "请写明事实和依据（不超过\(PublicObjectionInput.textLimit)字）", textarea: true),
        ]
        let general = issues.filter { !known.contains($0.field) }.map(IssueView.init)
        return ProposedListView(roundId: list.roundId, title: Self.title(list), period: Self.period(list),
                                startsOn: Dates.chinese(list.startsOn), endsOn: Dates.chinese(list.endsOn), workingDays: list.workingDays,
                                open: list.acceptingObjections,
                                rows: list.entries.enumerated().map { ProposedListView.Row(rank: $0.offset + 1, studioName: $0.element.studioName,
                                                                                           applicantUnit: $0.element.applicantUnit, area: $0.element.area) },
                                fields: fields, generalErrors: general, hasErrors: !issues.isEmpty)
    }

    func fetchProposedList(_ round: String) async throws -> PublicProposedList {
        try await gateway.get(.review, "/public/rounds/\(Self.pathComponent(round))/notice", token: nil).orFail().decode(PublicProposedList.self)
    }

    /// One round's 公示: the list, its period and, while it runs, the objection form. The form is the one a
    /// visitor meets without signing in (as the sign-in page's): its session carries the CSRF token.
    @Sendable func proposedList(_ request: Request, context: PortalContext) async throws -> Response {
        let list = try await fetchProposedList(try context.parameters.require("round"))
        if list.acceptingObjections, context.sessions.session == nil {
            context.sessions.createSession(PortalSession(), expiresIn: .seconds(Self.visitorSessionSeconds))
        }
        return renderer.html("public_gongshi", title: Self.title(list), view: proposedListView(list, draft: ObjectionDraft(), issues: []), context: context)
    }

    /// A visitor's session lasts long enough to write an objection.
    static let visitorSessionSeconds: Int64 = 2 * 3600

    /// The objection goes to review without a token; review checks the period and the fields, and its
    /// refusal comes back beside the fields with what was typed.
    @Sendable func lodgeObjection(_ request: Request, context: PortalContext) async throws -> Response {
        let round = try context.parameters.require("round")
        let draft = ObjectionDraft(applicationId: context.form["applicationId"] ?? "", name: context.form["name"] ?? "",
                                   contact: context.form["contact"] ?? "", text: context.form["text"] ?? "")
        let input = PublicObjectionInput(applicationId: draft.applicationId, name: draft.name, contact: draft.contact, text: draft.text)
        let reply = try await gateway.call(.review, "POST", "/public/rounds/\(Self.pathComponent(round))/objections", token: nil, json: input)
        guard let issues = try reply.refusal() else {
            let receipt = try reply.decode(PublicObjectionReceipt.self)
            return Redirect.to("/public/gongshi/\(Self.pathComponent(round))",
                               flash: "异议已收到（编号 \(receipt.objectionId)，收到日期 \(Dates.chinese(receipt.receivedOn))）。经济工作部将核实处理，您的姓名和联系方式不予公开。",
                               context: context)
        }
        let list = try await fetchProposedList(round)
        return renderer.html("public_gongshi", title: Self.title(list), view: proposedListView(list, draft: draft, issues: issues), context: context,
                             status: .unprocessableContent)
    }

    static func titleEvent(_ kind: String) -> String {
        switch kind {
        case "registered": "命名并授牌"
        case "renewed": "周期考核合格，保留称号"
        case "assessmentFailed": "周期考核不合格"
        case "demonstrationAccepted": "通过示范性创新工作室验收"
        case "changed": "单位名称或隶属关系变更"
        case "revoked": "撤销命名"
        default: kind
        }
    }

    /// An identifier from the URL, escaped for the service's path.
    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? ""
    }
}

extension ServiceGateway {
    /// Every item of a paged list, page after page (500 at a time), for pages that need the whole list (a county's
    /// dashboard counts its recommendations against the quota).
    func all<Item: Decodable & Sendable>(_ service: PlatformService, _ path: String, token: String?, as type: Item.Type) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        let separator = path.contains("?") ? "&" : "?"
        repeat {
            let page = try await get(service, path + separator + "limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                .orFail().decode(Listing<Item>.self)
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return items
    }
}
