import Foundation
import Hummingbird
import Logging
import Mustache
import ServiceKit
import StudioDomain

/// Renders pages from the templates in `Resources/templates` (loaded once at start-up): every page extends
/// `layout` (`{{<layout}}…{{/layout}}`), which draws the header, the navigation for the account's role, the
/// flash message and the footer. `{{value}}` escapes; no template uses triple braces.
public struct Renderer: Sendable {
    let library: MustacheLibrary

    public init(resourcesPath: String) async throws {
        library = try await MustacheLibrary(directory: (resourcesPath as NSString).appendingPathComponent("templates"))
    }

    /// The bundled resources folder (templates and the stylesheet).
    public static var bundledResources: String {
        (Bundle.module.url(forResource: "Resources", withExtension: nil) ?? Bundle.module.bundleURL.appendingPathComponent("Resources")).path
    }

    func html(_ template: String, title: String, view: Any, context: PortalContext, status: HTTPResponse.Status = .ok) -> Response {
        let chrome = Chrome(title: title, context: context)
        let root: [String: Any] = ["chrome": chrome, "v": view]
        guard let text = library.render(root, withTemplate: template) else {
            context.logger.error("unknown template", metadata: ["template": "\(template)"])
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "页面模板缺失 / missing template")))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// What the layout draws around every page.
struct Chrome {
    struct NavItem { var href: String; var label: String }
    var title: String
    var signedIn: Bool
    var accountName: String
    var roleName: String
    var nav: [NavItem]
    var flash: String?
    var flashIsError: Bool
    var csrf: String
    /// The badge: the account's open to-dos (nil when signed out).
    var todoCount: Int?

    init(title: String, context: PortalContext) {
        self.title = title
        signedIn = context.account != nil
        accountName = context.account?.displayName ?? ""
        roleName = context.account?.role.nameZh ?? ""
        nav = Self.navigation(for: context.account)
        let message = context.takeFlash()
        flashIsError = message?.hasPrefix(PortalContext.errorMark) == true
        flash = message.map { $0.hasPrefix(PortalContext.errorMark) ? String($0.dropFirst()) : $0 }
        csrf = context.csrf
        todoCount = context.account == nil ? nil : context.todoCount ?? 0
    }

    static func navigation(for account: Account?) -> [NavItem] {
        var items = [NavItem(href: "/public/studios", label: "工作室名录"), NavItem(href: "/public/notices", label: "公示公告"),
                     NavItem(href: "/public/gongshi", label: "评审公示")]
        switch account?.role {
        case .screeningBody?:
            items.insert(NavItem(href: "/county", label: "工作台"), at: 0)
        case .department?:
            items.insert(contentsOf: [NavItem(href: "/department", label: "评审批次"), NavItem(href: "/department/experts", label: "专家库")], at: 0)
        case .expert?:
            items.insert(NavItem(href: "/expert", label: "评审任务"), at: 0)
        case .federation?:
            items.insert(NavItem(href: "/federation", label: "待决定事项"), at: 0)
        case .operator?:
            items.insert(NavItem(href: "/operator/accounts", label: "账户管理"), at: 0)
            items.insert(NavItem(href: "/operator", label: "运维控制台"), at: 0)
        default:
            break
        }
        // 经费管理 (FinancePages) for the three offices that handle money.
        if let role = account?.role, [.department, .finance, .auditOffice].contains(role) {
            items.insert(NavItem(href: "/funds", label: "经费管理"), at: role == .department ? 2 : 0)
        }
        // 周期管理 (CyclePages) for the department and the federation.
        if let role = account?.role, role == .department || role == .federation {
            items.insert(NavItem(href: "/cycle", label: "周期管理"), at: role == .department ? 3 : 1)
        }
        // 统计报表 (ReportPages) for the department.
        if account?.role == .department { items.insert(NavItem(href: "/reports", label: "统计报表"), at: 4) }
        return items
    }
}
