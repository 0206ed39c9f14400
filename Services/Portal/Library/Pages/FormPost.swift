import Foundation
import Hummingbird
import StudioDomain

/// The two ways every desk talks to a service with the account's own token: read one document (`fetch`), and
/// the form post (`post`): POST, then redirect (303) with a one-time message, or the form's page again with the
/// service's problems beside its fields. The service stays the judge; these only carry its answer to the page.
extension ServiceGateway {
    /// One document of `service`, decoded; a failure is its page (404 stays 404, 401/403 the forbidden page).
    func fetch<Document: Decodable>(_ service: PlatformService, _ path: String, as type: Document.Type, context: PortalContext) async throws -> Document {
        try await get(service, path, token: context.token(service)).orFail().decode(Document.self)
    }

    /// The form post: `json` to `path`; a refusal the form can show (`refusable`) is handed to `page`, which draws the
    /// form again (with 422 as a rule); any other failure throws its page; a success goes on to `location` with `flash`.
    func post(_ service: PlatformService, _ path: String, method: String = "POST", json: some Encodable, headers: [(String, String)] = [],
              refusable: Set<Int> = [400, 409, 422], context: PortalContext, orShow page: ([DomainIssue]) async throws -> Response,
              then location: String, flash: String) async throws -> Response {
        try await post(service, path, method: method, json: json, headers: headers, refusable: refusable, context: context, orShow: page) { _ in (location, flash) }
    }

    /// The form post whose redirect and message depend on what the service answered (the grant it approved, the
    /// count it replayed).
    func post(_ service: PlatformService, _ path: String, method: String = "POST", json: some Encodable, headers: [(String, String)] = [],
              refusable: Set<Int> = [400, 409, 422], context: PortalContext, orShow page: ([DomainIssue]) async throws -> Response,
              then done: (ServiceReply) throws -> (location: String, flash: String)) async throws -> Response {
        let reply = try await call(service, method, path, token: context.token(service), json: json, headers: headers)
        if let refused = try reply.refusal(refusable) { return try await page(refused) }
        let (location, flash) = try done(reply)
        return Redirect.to(location, flash: flash, context: context)
    }
}
