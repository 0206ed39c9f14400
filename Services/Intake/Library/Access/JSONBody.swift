import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The request body as bytes, for handlers that fingerprint it (Idempotency-Key) before decoding it.
enum JSONBody {
    static func bytes(_ request: Request, context: AppRequestContext) async throws -> [UInt8] {
        Array(try await request.body.collect(upTo: context.maxUploadSize).readableBytesView)
    }

    /// Decodes like `Request.decodeJSON`: an empty body is a 400 (`body.missing`); decoding errors keep their field path
    /// for the problem document.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard let value = try decodeIfPresent(type, from: bytes) else {
            throw Problem(.badRequest, code: "body.missing", field: "body", zh: "缺少 JSON 请求体", en: "a JSON body is required")
        }
        return value
    }

    /// `decode`, where the body may be left out: nil for an empty body.
    static func decodeIfPresent<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T? {
        if bytes.isEmpty { return nil }
        let data = Data(bytes)
        guard PlainJSON.isValid(bytes) || (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw Problem(.badRequest, code: "body.invalid_json", field: "body", zh: "请求体不是有效的 JSON（UTF-8）", en: "the body is not valid JSON (UTF-8)")
        }
        return try JSONNumberFields.decode(T.self, from: data, decoder: ApplicationStore.decoder)
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try ApplicationStore.encoder.encode(value)
    }
}
