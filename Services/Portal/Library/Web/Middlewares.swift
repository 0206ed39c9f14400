import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import ServiceKit
import StudioDomain

/// Parses every POST's form once (URL-encoded or multipart) and refuses it, before any handler runs, unless it
/// carries the session's CSRF token in `_csrf`. Handlers read `context.form`.
struct FormMiddleware: RouterMiddleware {
    typealias Context = PortalContext

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        // `POST /events` is the webhook receiver: signed by a service, not a browser's form (TodoPages.swift).
        guard request.method == .post, request.uri.path != "/events" else { return try await next(request, context) }
        var request = request
        var context = context
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(contentType), let form = FormValues.multipart(bytes, boundary: boundary) else {
                throw PortalError.badForm("上传的表单格式不正确")
            }
            context.form = form
        } else {
            context.form = FormValues.urlEncoded(bytes)
        }
        guard let expected = context.sessions.session?.csrf, !expected.isEmpty,
              let sent = context.form["_csrf"], Self.constantTimeEqual(sent, expected) else {
            context.logger.notice("form refused: missing or wrong CSRF token", metadata: ["path": "\(request.uri.path)"])
            throw PortalError.csrf
        }
        return try await next(request, context)
    }

    static func boundary(_ contentType: String) -> String? {
        for part in contentType.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("boundary=") {
                let value = trimmed.dropFirst("boundary=".count)
                let unquoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? value.dropFirst().dropLast() : value
                return unquoted.isEmpty ? nil : String(unquoted)
            }
        }
        return nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Loads the signed-in account and its service tokens into the context. Visitors who only read public pages get
/// no session (and no row in portal.sqlite); the sign-in page starts one for its form's CSRF token.
struct AccountMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let database: PortalDatabase

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        var context = context
        if let id = context.sessions.session?.accountID {
            if let account = try await database.account(id: id), !account.disabled {
                context.account = account
                context.tokens = try await database.tokens(accountID: id)
            } else {
                context.sessions.clearSession()
            }
        }
        return try await next(request, context)
    }
}

/// A group of pages for some roles: signed-out visitors go to the sign-in page, an account that must change
/// its first password goes to that page, and any other role gets 403. The services still decide every action.
extension RouteCollection where Context == PortalContext {
    /// A desk's routes: only a signed-in account of one of `roles` reaches them (the services check again, with
    /// the account's own token).
    static func desk(for roles: Set<Role>) -> RouteCollection<PortalContext> {
        let routes = RouteCollection(context: PortalContext.self)
        routes.add(middleware: AccessMiddleware(roles: roles))
        return routes
    }
}

struct AccessMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let roles: Set<Role>

    func handle(_ request: Request, context: PortalContext, next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        guard let account = context.account else {
            let target = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"
            return Response.redirect(to: "/login?next=\(target)")
        }
        if account.mustChangePassword { return Response.redirect(to: "/password") }
        guard roles.contains(account.role) else { throw PortalError.forbidden }
        return try await next(request, context)
    }
}

/// Behind nginx (TLS terminated there, the portal on 127.0.0.1) the cookies are marked `Secure` whenever the
/// browser's request came over HTTPS.
struct SecureCookieMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" else { return response }
        let cookies = response.headers[values: .setCookie]
        guard !cookies.isEmpty else { return response }
        response.headers[values: .setCookie] = cookies.map { $0.lowercased().contains("; secure") ? $0 : $0 + "; Secure" }
        return response
    }
}

/// Security headers on every page.
struct PageHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
