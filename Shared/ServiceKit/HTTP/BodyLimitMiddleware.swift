import Hummingbird

/// Refuses a body over the limit with 413 before any handler reads it, and buffers it otherwise,
/// so no handler sees a half-read body. Larger limits can be given to path prefixes (attachments).
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let defaultLimit: Int
    let overrides: [(prefix: String, limit: Int)]

    public init(defaultLimit: Int, overrides: [(prefix: String, limit: Int)] = []) {
        self.defaultLimit = defaultLimit
        self.overrides = overrides
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let limit = overrides.first { path.hasPrefix($0.prefix) }?.limit ?? defaultLimit
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
        }
        return try await next(request, context)
    }
}
