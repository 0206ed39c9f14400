import Foundation
import Hummingbird
import HummingbirdAuth
import ServiceKit
import StudioDomain

/// Sign-in, sign-out and the password change that a first password requires. Sign-ins and failed attempts
/// go into the portal's hash-chained audit log; five failures in a row lock the account for a while.
struct AuthPages {
    let renderer: Renderer
    let database: PortalDatabase
    let configuration: PortalConfiguration

    func add(to router: Router<PortalContext>) {
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("password", use: passwordPage)
        router.post("password", use: changePassword)
    }

    struct LoginView {
        var username: String
        var error: String?
        var next: String
    }

    @Sendable func loginPage(_ request: Request, context: PortalContext) async throws -> Response {
        if let account = context.account, !account.mustChangePassword { return Response.redirect(to: Self.home(for: account)) }
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        return renderer.html("login", title: "登录", view: LoginView(username: "", error: nil, next: next), context: context)
    }

    @Sendable func login(_ request: Request, context: PortalContext) async throws -> Response {
        let username = (context.form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = context.form["password"] ?? ""
        let next = Self.safeNext(context.form["next"])
        let now = Date()
        let account = username.isEmpty ? nil : try await database.account(username: username)
        func refuse(_ message: String) -> Response {
            renderer.html("login", title: "登录", view: LoginView(username: username, error: message, next: next), context: context, status: .unauthorized)
        }
        if let account, let until = account.lockedUntil, until > now {
            _ = try await database.recordFailedSignIn(username: username, account: nil, lockAfter: configuration.lockAfterFailures, lockUntil: until, at: now)
            return refuse("该账户因连续输错密码已被锁定，请于 \(Dates.instant(until)) 后再试，或联系系统运维重置密码。")
        }
        guard let account, !account.disabled, await Accounts.verify(password, hash: account.passwordHash) else {
            // An unknown user costs the same bcrypt work as a known one.
            if account == nil { await Accounts.spendVerification(password) }
            let failures = try await database.recordFailedSignIn(username: username, account: account?.disabled == false ? account : nil,
                                                                 lockAfter: configuration.lockAfterFailures,
                                                                 lockUntil: now.addingTimeInterval(configuration.lockDuration), at: now)
            if failures >= configuration.lockAfterFailures {
                return refuse("密码连续错误\(failures)次，账户已锁定\(Int(configuration.lockDuration / 60))分钟。")
            }
            return refuse("用户名或密码不正确。")
        }
        try await database.recordSignIn(account, at: now)
        // A new session id at sign-in, so a session fixed before it is worth nothing after.
        context.sessions.createSession(PortalSession(accountID: account.id), expiresIn: .seconds(Int64(configuration.sessionLifetime)))
        if account.mustChangePassword { return Response.redirect(to: "/password") }
        return Response.redirect(to: next.isEmpty ? Self.home(for: account) : next)
    }

    @Sendable func logout(_ request: Request, context: PortalContext) async throws -> Response {
        if let account = context.account { try await database.recordSignOut(account, at: Date()) }
        context.sessions.clearSession()
        return Response.redirect(to: "/login")
    }

    struct PasswordView {
        var first: Bool
        var errors: [KeyValue]
    }

    @Sendable func passwordPage(_ request: Request, context: PortalContext) async throws -> Response {
        guard let account = context.account else { return Response.redirect(to: "/login") }
        return renderer.html("password", title: "修改密码", view: PasswordView(first: account.mustChangePassword, errors: []), context: context)
    }

    @Sendable func changePassword(_ request: Request, context: PortalContext) async throws -> Response {
        guard let account = context.account else { return Response.redirect(to: "/login") }
        let current = context.form["current"] ?? ""
        let new = context.form["new"] ?? ""
        let repeated = context.form["repeat"] ?? ""
        var errors: [KeyValue] = []
        if !(await Accounts.verify(current, hash: account.passwordHash)) { errors.append(KeyValue(key: "current", value: "当前密码不正确。")) }
        if new.count < 10 { errors.append(KeyValue(key: "new", value: "新密码至少10个字符。")) }
        if new == current { errors.append(KeyValue(key: "new", value: "新密码不能与当前密码相同。")) }
        if new != repeated { errors.append(KeyValue(key: "repeat", value: "两次输入的新密码不一致。")) }
        guard errors.isEmpty else {
            return renderer.html("password", title: "修改密码", view: PasswordView(first: account.mustChangePassword, errors: errors),
                                 context: context, status: .unprocessableContent)
        }
        let hash = await Accounts.hash(new, cost: configuration.bcryptCost)
        try await database.setPassword(accountID: account.id, hash: hash, mustChange: false, at: Date())
        context.sessions.createSession(PortalSession(accountID: account.id, flash: "密码已修改。"), expiresIn: .seconds(Int64(configuration.sessionLifetime)))
        return Response.redirect(to: Self.home(for: account))
    }

    static func home(for account: Account) -> String {
        switch account.role {
        case .screeningBody: "/county"
        case .operator: "/operator/accounts"
        default: "/home"
        }
    }

    /// Only a path on this site, never another host.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "" }
        return next
    }
}
