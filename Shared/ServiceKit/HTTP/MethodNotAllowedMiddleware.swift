import Hummingbird
import Synchronization

/// The routes of a service as path templates with their methods, filled once the routes are added.
public final class RouteMethods: Sendable {
    private let templates = Mutex<[(segments: [Substring], method: String)]>([])

    public init() {}

    /// `routes` as `METHOD /path/:param`, as `BuiltService.routes` lists them.
    public func set(_ routes: [String]) {
        let parsed = routes.compactMap { route -> (segments: [Substring], method: String)? in
            let parts = route.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (parts[1].split(separator: "/"), String(parts[0]).uppercased())
        }
        templates.withLock { $0 = parsed }
    }

    /// `{id}` (as Hummingbird prints a capture), `:id` (as routes are written), or a `*` wildcard.
    static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix(":") || segment == "*" || (segment.hasPrefix("{") && segment.hasSuffix("}"))
    }

    /// The methods some route serves at `path`, sorted; empty when no route matches the path at all. Where a
    /// constant segment and a parameter both match (`/experts/import` beside `/experts/:expert`), only the
    /// routes with the constant count, segment by segment, as the router's trie chooses them.
    public func allowed(at path: String) -> [String] {
        let have = path.split(separator: "/")
        return templates.withLock { templates in
            var candidates = templates.filter { template in
                template.segments.count == have.count
                    && zip(template.segments, have).allSatisfy { Self.isParameter($0) || $0 == $1 }
            }
            for (index, segment) in have.enumerated() {
                let constant = candidates.filter { $0.segments[index] == segment }
                if !constant.isEmpty { candidates = constant }
            }
            return Set(candidates.map(\.method)).sorted()
        }
    }
}

/// A known path asked with a method it does not serve gets 405 with `Allow` (RFC 9110 §15.5.6), not the
/// router's 404. Only requests the router found no endpoint for are looked at.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    public init(routes: RouteMethods) { self.routes = routes }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.allowed(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            let problem = Problem(.methodNotAllowed, code: "route.method_not_allowed", field: "method",
                                  zh: "该接口不支持 \(request.method.rawValue) 方法，可用：\(allowed.joined(separator: ", "))",
                                  en: "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))")
            var response = try problem.response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }
}
