import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// `/ops/tokens`: the service's bearer tokens, issued and revoked by the operator.
struct TokensController: OperationsResource {
    let environment: ServiceEnvironment

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: listTokens)
            .post(use: issueToken)
            .delete(":id", use: revokeToken)
    }

    struct IssueToken: Decodable {
        var role: Role
        var subject: String?
        var label: String?
    }

    struct IssuedToken: ResponseEncodable {
        var token: String
        var info: TokenView
    }

    @Sendable func listTokens(_ request: Request, context: AppRequestContext) async throws -> Listing<TokenView> {
        try context.require(.operator)
        return Listing(items: try await database.read { db in try Tokens.list(in: db) })
    }

    @Sendable func issueToken(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<IssuedToken> {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(IssueToken.self, context: context)
        if input.role.needsSubject, (input.subject ?? "").isEmpty {
            throw Problem.validation([DomainIssue(code: "token.subject", field: "subject", messageZh: "角色 \(input.role.nameZh) 须指明对象（初审单位代码或专家编号）", messageEn: "the role \(input.role.rawValue) needs a subject (screening body code or expert id)")])
        }
        let now = nowMillis
        let issued = try await database.write { db in
            let issued = try Tokens.issue(role: input.role, subject: input.subject, label: input.label, nowMillis: now, in: db)
            // The token's id, role and subject, never the token.
            try Self.record(identity, "ops.token.issued", subject: "token:\(issued.view.id)",
                           ["role": input.role.rawValue, "subject": input.subject ?? "-", "label": input.label ?? ""], at: now, in: db)
            return issued
        }
        return EditedResponse(status: .created, response: IssuedToken(token: issued.token, info: issued.view))
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        guard id != identity.tokenID else {
            throw Problem(.conflict, code: "token.self_revoke", field: "id", zh: "不能吊销当前正在使用的令牌", en: "a token cannot revoke itself")
        }
        let now = nowMillis
        guard try await database.write({ db in
            guard try Tokens.revoke(id: id, nowMillis: now, in: db) else { return false }
            try Self.record(identity, "ops.token.revoked", subject: "token:\(id)", [String: String](), at: now, in: db)
            return true
        }) else {
            throw Problem.notFound("token", zh: "访问令牌", id: id)
        }
        return Response(status: .noContent)
    }
}
