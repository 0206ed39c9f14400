import Foundation
import Hummingbird
import StudioDomain

/// The request context of every service: Hummingbird's core plus the authenticated caller.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
    }

    /// Bodies are limited and buffered by `BodyLimitMiddleware` before decoding.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
    public var requestDecoder: JSONDecoder { DomainJSON.decoder() }
    public var responseEncoder: JSONEncoder { DomainJSON.encoder() }

    /// The caller, who must hold one of `roles`: 401 without a token, 403 with another role.
    @discardableResult
    public func require(_ roles: Role...) throws -> Identity {
        guard let identity else { throw Problem.unauthorized }
        guard roles.contains(identity.role) else { throw Problem.forbidden(roles: roles) }
        return identity
    }
}
