import Foundation
import GRDB
import Hummingbird
import HummingbirdAuth
import Logging
import Messaging
import ServiceLifecycle
import ServiceKit
import StudioDomain

/// The built portal: its application and the parts tests reach for.
public struct BuiltPortal: Sendable {
    public let application: Application<RouterResponder<PortalContext>>
    public let database: PortalDatabase
    public let accounts: Accounts
}

/// Builds the portal the same way for the executable and the tests.
public func buildPortal(_ configuration: PortalConfiguration, logger: Logger? = nil) async throws -> BuiltPortal {
    var configuredLogger = logger ?? Logger(label: "portal")
    configuredLogger[metadataKey: "service"] = "portal"
    let logger = configuredLogger
    let database = try PortalDatabase(path: configuration.databasePath)
    let gateway = ServiceGateway(endpoints: configuration.services)
    let accounts = Accounts(database: database, gateway: gateway, operatorToken: configuration.operatorToken, bcryptCost: configuration.bcryptCost)
    let resources = configuration.resourcesPath ?? Renderer.bundledResources
    let renderer = try await Renderer(resourcesPath: resources)
    let sessions = SQLiteSessionDriver(writer: database.writer)
    let lifetime = Duration.seconds(Int64(configuration.sessionLifetime))

    let metrics = PortalMetrics()
    var inboxHandlers = InboxHandlers()
    Todos.register(&inboxHandlers)
    let inbox = Inbox(writer: database.writer, handlers: inboxHandlers)

    let router = Router(context: PortalContext.self)
    router.add(middleware: PortalRequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: PageHeadersMiddleware())
    router.add(middleware: SecureCookieMiddleware())
    router.add(middleware: SessionMiddleware(storage: sessions, configuration: .init(
        sessionCookieParameters: .init(name: "qz_session", path: "/", secure: false, sameSite: .lax),
        keyPrefix: "s.", defaultSessionExpiration: lifetime)))
    router.add(middleware: AccountMiddleware(database: database))
    router.add(middleware: TodoBadgeMiddleware(database: database))
    // Inside the account's middleware, so an error page still shows who is signed in.
    router.add(middleware: ErrorPageMiddleware(renderer: renderer))
    router.add(middleware: FormMiddleware())

    SystemPages(database: database, resourcesPath: resources).add(to: router)
    PortalSystemRoutes(database: database, metrics: metrics, document: try PortalOpenAPI.document()).add(to: router)
    PortalEvents(inbox: inbox, metrics: metrics).add(to: router)
    TodoPages(renderer: renderer, database: database).add(to: router)
    router.get("/") { _, context -> Response in
        guard let account = context.account else { return Response.redirect(to: "/public/studios") }
        return Response.redirect(to: AuthPages.home(for: account))
    }
    router.get("home") { _, context -> Response in
        let account = try context.requireAccount()
        return renderer.html("home", title: "首页", view: ["role": account.role.nameZh], context: context)
    }
    AuthPages(renderer: renderer, database: database, configuration: configuration).add(to: router)
    router.addRoutes(PublicPages(renderer: renderer, gateway: gateway).routes, atPath: "public")
    router.addRoutes(CountyPages(renderer: renderer, gateway: gateway).routes, atPath: "county")
    router.addRoutes(DepartmentPages(renderer: renderer, gateway: gateway).routes, atPath: "department")
    router.addRoutes(ExpertPages(renderer: renderer, gateway: gateway).routes, atPath: "expert")
    router.addRoutes(FederationPages(renderer: renderer, gateway: gateway).routes, atPath: "federation")
    router.addRoutes(FinancePages(renderer: renderer, gateway: gateway, database: database).routes, atPath: "funds")
    router.addRoutes(ReportPages(renderer: renderer, gateway: gateway).routes, atPath: "reports")
    router.addRoutes(CyclePages(renderer: renderer, gateway: gateway).routes, atPath: "cycle")
    router.addRoutes(InspectionPages(renderer: renderer, gateway: gateway, database: database).routes, atPath: "funds/inspections")
    router.addRoutes(OperatorPages(renderer: renderer, accounts: accounts).routes, atPath: "operator")

    let application = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "portal"),
        services: [sessions, PortalInboxMaintenance(writer: database.writer, retention: .seconds(7 * 86400), logger: logger)],
        onServerRunning: { channel in logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"]) },
        logger: logger)
    return BuiltPortal(application: application, database: database, accounts: accounts)
}

/// `/health`, `/ready` and the stylesheet.
struct SystemPages {
    let database: PortalDatabase
    let resourcesPath: String

    func add(to router: Router<PortalContext>) {
        router.get("health") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))) }
        router.get("ready") { _, _ in
            _ = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready"}"#)))
        }
        let stylesheet = (try? Data(contentsOf: URL(fileURLWithPath: (resourcesPath as NSString).appendingPathComponent("static/portal.css")))) ?? Data()
        router.get("static/portal.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(data: stylesheet)))
        }
    }
}

/// Every failure as a page: sign-in needed (redirect), 403, 404, a refused form without CSRF token, a service
/// that is down (503, "申报服务暂不可用 / intake is unavailable"). Nothing reaches the browser as a bare 500.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let renderer: Renderer

    struct ErrorView {
        var heading: String
        var message: String
        var english: String
        var issues: [IssueView]
    }

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PortalError {
            return page(for: error, context: context)
        } catch let error as ServiceUnavailable {
            context.logger.warning("service unavailable", metadata: ["service": "\(error.service.rawValue)", "reason": "\(error.reason)"])
            return page(for: .unavailable(error.service), context: context)
        } catch let error as HTTPError where error.status == .notFound {
            return page(for: .notFound, context: context)
        } catch let error as HTTPError {
            return renderer.html("error", title: "请求有误", view: ErrorView(heading: "请求有误", message: "请求无法处理（\(error.status.code)）。",
                                                                         english: error.body ?? "\(error.status)", issues: []),
                                 context: context, status: error.status)
        } catch {
            context.logger.error("page failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return renderer.html("error", title: "出错了", view: ErrorView(heading: "出错了", message: "页面暂时无法显示，请稍后重试。", english: "the page could not be shown", issues: []),
                                 context: context, status: .internalServerError)
        }
    }

    func page(for error: PortalError, context: PortalContext) -> Response {
        switch error {
        case .signInRequired:
            return Response.redirect(to: "/login")
        case .forbidden:
            return renderer.html("error", title: "无权访问", view: ErrorView(heading: "无权访问", message: "您的账户无权查看此页面或执行此操作。", english: "your account may not do this", issues: []),
                                 context: context, status: .forbidden)
        case .notFound:
            return renderer.html("error", title: "未找到", view: ErrorView(heading: "未找到", message: "没有这个页面，或您无权查看。", english: "not found", issues: []),
                                 context: context, status: .notFound)
        case .badForm(let message):
            return renderer.html("error", title: "表单有误", view: ErrorView(heading: "表单有误", message: message, english: "the form could not be read", issues: []),
                                 context: context, status: .badRequest)
        case .csrf:
            return renderer.html("error", title: "表单已失效", view: ErrorView(heading: "表单已失效", message: "表单已过期或来源不明，未做任何更改。请返回上一页刷新后重试。",
                                                                          english: "the form's security token is missing or wrong; nothing was changed", issues: []),
                                 context: context, status: .forbidden)
        case .unavailable(let service):
            return renderer.html("error", title: "\(service.nameZh)暂不可用", view: ErrorView(heading: "\(service.nameZh)暂不可用",
                                                                                    message: "\(service.nameZh)暂时无法访问，本次操作未执行。请稍后重试。",
                                                                                    english: "\(service.rawValue) is unavailable; nothing was done", issues: []),
                                 context: context, status: .serviceUnavailable)
        case .refused(let status, let issues):
            return renderer.html("error", title: "操作未完成", view: ErrorView(heading: "操作未完成", message: "服务拒绝了该操作（\(status)）。", english: "the service refused (\(status))",
                                                                          issues: issues.map(IssueView.init)),
                                 context: context, status: HTTPResponse.Status(code: status))
        }
    }
}
