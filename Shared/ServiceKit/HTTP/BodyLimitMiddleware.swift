import Hummingbird
import NIOCore

/// A larger (or smaller) body limit for the paths matching `pattern`, where a `*` segment matches any one
/// segment: `/applications/*/attachments`.
public struct BodyLimitOverride: Sendable {
    public var pattern: String
    public var limit: Int

    public init(_ pattern: String, limit: Int) {
        self.pattern = pattern
        self.limit = limit
    }

    public func matches(_ path: String) -> Bool {
        let want = pattern.split(separator: "/")
        let have = path.split(separator: "/")
        guard want.count == have.count else { return false }
        return zip(want, have).allSatisfy { $0 == "*" || $0 == $1 }
    }
}

/// Refuses a body over the limit with 413 before any handler reads it, and buffers it otherwise,
/// so no handler sees a half-read body. Modules can give some paths other limits (attachments).
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let defaultLimit: Int
    let overrides: [BodyLimitOverride]

    public init(defaultLimit: Int, overrides: [BodyLimitOverride] = []) {
        self.defaultLimit = defaultLimit
        self.overrides = overrides
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let limit = overrides.first { $0.matches(path) }?.limit ?? defaultLimit
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem(.contentTooLarge, code: "request.too_large", field: "body",
                          zh: "请求体过大：\(length) 字节，上限 \(limit) 字节", en: "the body is \(length) bytes; the limit is \(limit)")
        }
        var request = request
        do {
            let buffer = try await request.body.collect(upTo: limit)
            request.body = .init(buffer: buffer)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(.contentTooLarge, code: "request.too_large", field: "body",
                          zh: "请求体过大，上限 \(limit) 字节", en: "the body is over the limit of \(limit) bytes")
        } catch is NIOTooManyBytesError {
            // A chunked body (no Content-Length) that runs past the limit while it is read
            throw Problem(.contentTooLarge, code: "request.too_large", field: "body",
                          zh: "请求体过大，上限 \(limit) 字节", en: "the body is over the limit of \(limit) bytes")
        }
        return try await next(request, context)
    }
}
