import GRDB
import Hummingbird
import StudioDomain

/// Reads `Authorization: Bearer …` and puts the caller's identity on the context. A present but
/// unknown or revoked token is refused at once (401); routes decide what an absent one means.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let lookup: TokenLookup

    public init(lookup: TokenLookup) { self.lookup = lookup }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.lowercased().hasPrefix("bearer ") else { throw Problem.unauthorized }
        let token = String(header.dropFirst("bearer ".count)).trimmedOfWhitespace
        guard !token.isEmpty, token.count < 200,
              let identity = try await lookup.identify(token) else {
            throw Problem.unauthorized
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "role"] = "\(identity.role.rawValue)"
        return try await next(request, context)
    }
}
