import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The operator's account page: every portal account, and a form that creates one (its tokens issued on the
/// four services, its first password shown once).
struct OperatorPages {
    let renderer: Renderer
    let accounts: Accounts

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.add(middleware: AccessMiddleware(roles: [.operator]))
        routes.get("accounts", use: list)
        routes.post("accounts", use: create)
        return routes
    }

    struct AccountsView {
        struct Row { var username: String; var name: String; var role: String; var subject: String; var state: String }
        struct RoleOption { var value: String; var label: String; var selected: Bool }
        var rows: [Row]
        var roles: [RoleOption]
        var errors: [KeyValue]
        var username: String
        var name: String
        var subject: String
        var created: KeyValue?
    }

    func page(_ context: PortalContext, errors: [KeyValue] = [], created: KeyValue? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let all = try await accounts.database.accounts()
        let now = Date()
        let rows = all.map { account in
            AccountsView.Row(username: account.username, name: account.displayName, role: account.role.nameZh, subject: account.subject ?? "",
                             state: account.disabled ? "已停用" : (account.lockedUntil.map { $0 > now } == true ? "已锁定" : (account.mustChangePassword ? "待首次登录" : "正常")))
        }
        let chosen = created == nil ? context.form["role"] : nil
        let view = AccountsView(rows: rows, roles: Role.allCases.map { .init(value: $0.rawValue, label: $0.nameZh, selected: $0.rawValue == chosen) },
                                errors: errors, username: created == nil ? context.form["username"] ?? "" : "",
                                name: created == nil ? context.form["name"] ?? "" : "", subject: created == nil ? context.form["subject"] ?? "" : "",
                                created: created)
        return renderer.html("operator_accounts", title: "账户管理", view: view, context: context, status: status)
    }

    @Sendable func list(_ request: Request, context: PortalContext) async throws -> Response { try await page(context) }

    @Sendable func create(_ request: Request, context: PortalContext) async throws -> Response {
        guard let role = Role(rawValue: context.form["role"] ?? "") else {
            return try await page(context, errors: [KeyValue(key: "role", value: "请选择角色。")], status: .unprocessableContent)
        }
        do {
            let created = try await accounts.add(username: context.form["username"], role: role, subject: context.form["subject"],
                                                 displayName: context.form["name"] ?? "")
            return try await page(context, created: KeyValue(key: created.account.username, value: created.oneTimePassword))
        } catch let failure as Accounts.Failure {
            switch failure {
            case .invalid(let field, let zh, _):
                return try await page(context, errors: [KeyValue(key: field, value: zh)], status: .unprocessableContent)
            case .unavailable(let service, _):
                throw PortalError.unavailable(service)
            case .noOperatorToken, .serviceRefused:
                return try await page(context, errors: [KeyValue(key: "", value: failure.description)], status: .unprocessableContent)
            }
        }
    }
}
