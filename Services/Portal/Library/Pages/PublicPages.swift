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
        let items = try await gateway.get(.assessment, "/public/notices", token: nil).orFail().decode(Listing<PublicNoticeView>.self).items
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

/// `{"items": [...], "nextCursor": ...}`, the services' list wrapper (a page of at most `limit` items).
struct Listing<Item: Decodable>: Decodable {
    var items: [Item]
    var nextCursor: String?
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
