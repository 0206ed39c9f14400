import Foundation
import GRDB
import Hummingbird

/// Reads `Authorization: Bearer …` and puts the caller's identity on the context. A present but
/// unknown or revoked token is refused at once (401); routes decide what an absent one means.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let lookup: TokenLookup

    public init(lookup: TokenLookup) { self.lookup = lookup }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.lowercased().hasPrefix("bearer ") else { throw Problem.unauthorized }
        let token = Self.trimmed(String(header.dropFirst("bearer ".count)))
        guard !token.isEmpty, token.count < 200,
              let identity = try await lookup.identify(token) else {
            throw Problem.unauthorized
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "role"] = "\(identity.role.rawValue)"
        return try await next(request, context)
    }

    /// `trimmingCharacters(in: .whitespaces)`, without the trip through NSString when there is nothing to trim.
    static func trimmed(_ text: String) -> String {
        if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
           !whitespaces.contains(first), !whitespaces.contains(last) {
            return text
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    private static let whitespaces = CharacterSet.whitespaces
}
