import Foundation
import Hummingbird
import StudioDomain

extension Request {
    /// Decodes the JSON body with the platform's dialect. Unlike Hummingbird's `decode`, a decoding
    /// error keeps its field path, so `ProblemMiddleware` can tell the client which field is wrong.
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw Problem(.badRequest, code: "body.missing", field: "body", zh: "缺少 JSON 请求体", en: "a JSON body is required")
        }
        let data = Data(buffer.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw Problem(.badRequest, code: "body.invalid_json", field: "body", zh: "请求体不是有效的 JSON（UTF-8）", en: "the body is not valid JSON (UTF-8)")
        }
        return try DomainJSON.decoder().decode(T.self, from: data)
    }
}
