import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// `/ops/inbound-secrets`: the secrets this service checks incoming webhooks with.
struct InboundSecretsController: OperationsResource {
    let environment: ServiceEnvironment

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: listInboundSecrets)
            .post(use: addInboundSecret)
            .delete(":id", use: removeInboundSecret)
    }

    struct InboundSecretView: ResponseCodable {
        var id: Int64
        var source: String
        /// Only the first characters: enough to tell secrets apart, not to use one.
        var secretPrefix: String
        var createdAt: Date
        var expiresAt: Date?
    }

    struct AddInboundSecret: Decodable {
        var source: String
        var secret: String
        var expiresAt: Date?
    }

    @Sendable func listInboundSecrets(_ request: Request, context: AppRequestContext) async throws -> Listing<InboundSecretView> {
        try context.require(.operator)
        return Listing(items: try await database.read { db in try InboundSecrets.all(in: db) }.map {
            InboundSecretView(id: $0.id, source: $0.source, secretPrefix: String($0.secret.encoded.prefix(10)) + "…",
                              createdAt: Millis.date($0.createdAt), expiresAt: $0.expiresAt.map(Millis.date))
        })
    }

    @Sendable func addInboundSecret(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<InboundSecretView> {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(AddInboundSecret.self, context: context)
        guard !input.source.isEmpty, input.source.count <= 50 else {
            throw Problem.validation([DomainIssue(code: "inbound_secret.source", field: "source", messageZh: "来源服务名须为 1 到 50 个字符", messageEn: "source must be 1 to 50 characters")])
        }
        let now = nowMillis
        let secret = try await mapSubscriptionErrors {
            try await database.write { db in
                let secret = try InboundSecrets.add(source: input.source, secret: input.secret, expiresAt: input.expiresAt.map(Millis.from), nowMillis: now, in: db)
                try Self.record(identity, "ops.inbound_secret.added", subject: "inbound-secret:\(secret.id)",
                               ["source": secret.source, "expiresAt": secret.expiresAt.map { RFC3339.string(from: Millis.date($0)) } ?? "-"], at: now, in: db)
                return secret
            }
        }
        return EditedResponse(status: .created, response: InboundSecretView(
            id: secret.id, source: secret.source, secretPrefix: String(secret.secret.encoded.prefix(10)) + "…",
            createdAt: Millis.date(secret.createdAt), expiresAt: secret.expiresAt.map(Millis.date)))
    }

    @Sendable func removeInboundSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id", as: Int64.self)
        let now = nowMillis
        guard try await database.write({ db in
            guard try InboundSecrets.remove(id: id, in: db) else { return false }
            try Self.record(identity, "ops.inbound_secret.removed", subject: "inbound-secret:\(id)", [String: String](), at: now, in: db)
            return true
        }) else {
            throw Problem.notFound("inbound secret", zh: "入站密钥", id: String(id))
        }
        return Response(status: .noContent)
    }
}
