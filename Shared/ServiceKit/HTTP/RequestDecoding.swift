import Foundation
import Hummingbird
import StudioDomain

extension Request {
    /// Decodes the JSON body with the platform's dialect. Unlike Hummingbird's `decode`, a decoding
    /// error keeps its field path, so `ProblemMiddleware` can tell the client which field is wrong.
    public func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T {
        guard let value = try await decodeJSONIfPresent(type, context: context) else {
            throw Problem(.badRequest, code: "body.missing", field: "body", zh: "缺少 JSON 请求体", en: "a JSON body is required")
        }
        return value
    }

    /// As `decodeJSON`, for a body that may be left out: nil when it is empty.
    public func decodeJSONIfPresent<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T? {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        let data = Data(buffer.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw Problem(.badRequest, code: "body.invalid_json", field: "body", zh: "请求体不是有效的 JSON（UTF-8）", en: "the body is not valid JSON (UTF-8)")
        }
        return try JSONNumberFields.decode(T.self, from: data, decoder: DomainJSON.decoder())
    }
}
