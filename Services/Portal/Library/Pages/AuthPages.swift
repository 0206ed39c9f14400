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
        router.get("login/code", use: codePage)
        router.post("login/code", use: checkCode)
        router.get("security", use: securityPage)
        router.post("security/totp/start", use: startTOTP)
        router.post("security/totp/confirm", use: confirmTOTP)
        router.post("security/totp/disable", use: disableTOTP)
    }

    struct LoginView {
        var username: String
        var error: String?
        var next: String
    }

    @Sendable func loginPage(_ request: Request, context: PortalContext) async throws -> Response {
        if let account = context.account, !account.mustChangePassword { return Response.redirect(to: Self.home(for: account)) }
        // The sign-in form is the one form a visitor meets before signing in: its session carries the CSRF token.
        if context.sessions.session == nil {
            context.sessions.createSession(PortalSession(), expiresIn: .seconds(Int64(configuration.sessionLifetime)))
        }
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
        if account.totpSecret != nil {
            // The password was right; the second factor comes next, in a session that is not signed in yet.
            context.sessions.createSession(PortalSession(pendingAccountID: account.id), expiresIn: .seconds(300))
            return Response.redirect(to: "/login/code")
        }
        return try await signIn(account, next: next, context: context, at: now)
    }

    func signIn(_ account: Account, next: String, context: PortalContext, at now: Date) async throws -> Response {
        try await database.recordSignIn(account, at: now)
        // A new session id at sign-in, so a session fixed before it is worth nothing after.
        context.sessions.createSession(PortalSession(accountID: account.id), expiresIn: .seconds(Int64(configuration.sessionLifetime)))
        if account.mustChangePassword { return Response.redirect(to: "/password") }
        return Response.redirect(to: next.isEmpty ? Self.home(for: account) : next)
    }

    struct CodeView { var error: String? }

    @Sendable func codePage(_ request: Request, context: PortalContext) async throws -> Response {
        guard context.sessions.session?.pendingAccountID != nil else { return Response.redirect(to: "/login") }
        return renderer.html("login_code", title: "动态口令", view: CodeView(error: nil), context: context)
    }

    /// The second step of a sign-in with TOTP: a wrong code counts as a failed sign-in (and so towards the lock).
    @Sendable func checkCode(_ request: Request, context: PortalContext) async throws -> Response {
        guard let session = context.sessions.session, let id = session.pendingAccountID,
              let account = try await database.account(id: id), let secret = account.totpSecret else { return Response.redirect(to: "/login") }
        let now = Date()
        if let until = account.lockedUntil, until > now {
            context.sessions.clearSession()
            return renderer.html("login", title: "登录", view: LoginView(username: account.username, error: "该账户已被锁定，请于 \(Dates.instant(until)) 后再试。", next: ""),
                                 context: context, status: .unauthorized)
        }
        let code = context.form["code"] ?? ""
        guard let step = SecondFactor.step(of: code, secret: secret, now: now),
              try await database.useTOTPStep(accountID: account.id, step: step) else {
            let failures = try await database.recordFailedSignIn(username: account.username, account: account, lockAfter: configuration.lockAfterFailures,
                                                                 lockUntil: now.addingTimeInterval(configuration.lockDuration), at: now)
            if failures >= configuration.lockAfterFailures { context.sessions.clearSession() }
            return renderer.html("login_code", title: "动态口令", view: CodeView(error: failures >= configuration.lockAfterFailures
                ? "连续错误\(failures)次，账户已锁定\(Int(configuration.lockDuration / 60))分钟。" : "动态口令不正确或已使用过，请输入验证器上当前的6位数字。"),
                                 context: context, status: .unauthorized)
        }
        return try await signIn(account, next: "", context: context, at: now)
    }

    struct SecurityView {
        var offered: Bool
        var enabled: Bool
        var enrolling: Bool
        var base32: String
        var url: String
        var error: String?
    }

    @Sendable func securityPage(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try context.requireAccount()
        return renderer.html("security", title: "账户安全", view: SecurityView(offered: SecondFactor.roles.contains(account.role), enabled: account.totpSecret != nil,
                                                                        enrolling: false, base32: "", url: "", error: nil), context: context)
    }

    @Sendable func startTOTP(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try context.requireAccount()
        guard SecondFactor.roles.contains(account.role) else { throw PortalError.forbidden }
        let secret = SecondFactor.newSecret()
        guard var session = context.sessions.session else { return Response.redirect(to: "/login") }
        session.pendingTOTPSecret = secret
        _ = context.sessions.updateSession(session)
        return enrolmentPage(account: account, secret: secret, error: nil, context: context)
    }

    func enrolmentPage(account: Account, secret: String, error: String?, context: PortalContext) -> Response {
        let enrolment = SecondFactor.enrolment(secret: secret, username: account.username)
        return renderer.html("security", title: "账户安全", view: SecurityView(offered: true, enabled: false, enrolling: true, base32: enrolment.base32,
                                                                        url: enrolment.url, error: error), context: context,
                             status: error == nil ? .ok : .unprocessableContent)
    }

    @Sendable func confirmTOTP(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try context.requireAccount()
        guard SecondFactor.roles.contains(account.role), let secret = context.sessions.session?.pendingTOTPSecret else { return Response.redirect(to: "/security") }
        let now = Date()
        guard let step = SecondFactor.step(of: context.form["code"] ?? "", secret: secret, now: now) else {
            return enrolmentPage(account: account, secret: secret, error: "口令不正确：请输入验证器上显示的当前6位数字。", context: context)
        }
        try await database.setTOTP(accountID: account.id, secret: secret, at: now)
        _ = try await database.useTOTPStep(accountID: account.id, step: step)
        if var session = context.sessions.session {
            session.pendingTOTPSecret = nil
            _ = context.sessions.updateSession(session)
        }
        return Redirect.to("/security", flash: "已启用动态口令：此后登录须输入验证器上的6位数字。", context: context)
    }

    @Sendable func disableTOTP(_ request: Request, context: PortalContext) async throws -> Response {
        let account = try context.requireAccount()
        guard let secret = account.totpSecret else { return Response.redirect(to: "/security") }
        let now = Date()
        guard let step = SecondFactor.step(of: context.form["code"] ?? "", secret: secret, now: now),
              try await database.useTOTPStep(accountID: account.id, step: step) else {
            return renderer.html("security", title: "账户安全", view: SecurityView(offered: true, enabled: true, enrolling: false, base32: "", url: "",
                                                                            error: "口令不正确，动态口令仍然启用。"), context: context, status: .unprocessableContent)
        }
        try await database.setTOTP(accountID: account.id, secret: nil, at: now)
        return Redirect.to("/security", flash: "已停用动态口令。", context: context)
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
        case .department: "/department"
        case .expert: "/expert"
        case .federation: "/federation"
        case .operator: "/operator/accounts"
        case .finance, .auditOffice: "/funds"
        }
    }

    /// Only a path on this site, never another host.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "" }
        return next
    }
}
