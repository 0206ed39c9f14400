import Crypto
import Foundation

/// A Standard Webhooks secret: `whsec_` followed by the base64 of the key bytes.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    /// The key bytes; a `SymmetricKey` is made from them per use (it is not `Sendable` here).
    let keyBytes: [UInt8]
    public let encoded: String

    public var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(_ encoded: String) throws(WebhookSignatureError) {
        let base64 = encoded.hasPrefix("whsec_") ? String(encoded.dropFirst(6)) : encoded
        guard let bytes = Data(base64Encoded: base64), bytes.count >= 16, bytes.count <= 64 else {
            throw .malformedSecret
        }
        keyBytes = Array(bytes)
        self.encoded = "whsec_" + base64
    }

    /// A new random secret of 32 bytes.
    public static func generate() -> WebhookSecret {
        let key = SymmetricKey(size: .bits256)
        let base64 = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return try! WebhookSecret("whsec_" + base64)  // 32 random bytes always form a valid secret
    }

    public var description: String { "whsec_…" }  // never print a secret

    public static func == (lhs: WebhookSecret, rhs: WebhookSecret) -> Bool { lhs.encoded == rhs.encoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }
}

public enum WebhookSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedSecret
    case missingHeader(String)
    case badTimestamp
    case timestampOutsideTolerance
    case noMatchingSignature

    public var description: String { "\(messageZh) / \(messageEn)" }

    public var messageEn: String {
        switch self {
        case .malformedSecret: "the secret is not whsec_ followed by base64"
        case .missingHeader(let name): "the header \(name) is missing"
        case .badTimestamp: "webhook-timestamp is not a whole number of seconds"
        case .timestampOutsideTolerance: "webhook-timestamp is more than 5 minutes away from now"
        case .noMatchingSignature: "no signature matches a secret accepted for this sender"
        }
    }

    public var messageZh: String {
        switch self {
        case .malformedSecret: "密钥格式错误（应为 whsec_ 加 base64）"
        case .missingHeader(let name): "缺少请求头 \(name)"
        case .badTimestamp: "webhook-timestamp 不是整数秒"
        case .timestampOutsideTolerance: "webhook-timestamp 与当前时间相差超过 5 分钟"
        case .noMatchingSignature: "签名与该发送方的任何密钥都不匹配"
        }
    }
}

/// Standard Webhooks signing (MESSAGING.md §5): `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
public enum WebhookSignature {
    public static let idHeader = "webhook-id"
    public static let timestampHeader = "webhook-timestamp"
    public static let signatureHeader = "webhook-signature"
    public static let tolerance: TimeInterval = 5 * 60

    public static func sign(id: String, timestamp: Int64, body: some Collection<UInt8>, secret: WebhookSecret) -> String {
        var mac = HMAC<SHA256>(key: secret.key)
        mac.update(data: Array("\(id).\(timestamp).".utf8))
        mac.update(data: Array(body))
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }

    /// The three headers to send; one signature per secret, space-separated, during a rotation.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], secrets: [WebhookSecret]) -> [(String, String)] {
        let signatures = secrets.map { sign(id: id, timestamp: timestamp, body: body, secret: $0) }
        return [
            (idHeader, id),
            (timestampHeader, String(timestamp)),
            (signatureHeader, signatures.joined(separator: " ")),
        ]
    }

    /// Checks the headers against any of the receiver's secrets; returns the secret that matched.
    @discardableResult
    public static func verify(
        id: String?, timestamp: String?, signature: String?, body: some Collection<UInt8>,
        secrets: [WebhookSecret], now: Date = Date()
    ) throws(WebhookSignatureError) -> WebhookSecret {
        guard let id, !id.isEmpty else { throw .missingHeader(idHeader) }
        guard let timestamp, !timestamp.isEmpty else { throw .missingHeader(timestampHeader) }
        guard let signature, !signature.isEmpty else { throw .missingHeader(signatureHeader) }
        guard let seconds = Int64(timestamp) else { throw .badTimestamp }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else { throw .timestampOutsideTolerance }
        let offered = signature.split(separator: " ").compactMap { part -> Data? in
            let pieces = part.split(separator: ",", maxSplits: 1)
            guard pieces.count == 2, pieces[0] == "v1" else { return nil }
            return Data(base64Encoded: String(pieces[1]))
        }
        let bodyBytes = Array(body)
        for secret in secrets {
            var mac = HMAC<SHA256>(key: secret.key)
            mac.update(data: Array("\(id).\(seconds).".utf8))
            mac.update(data: bodyBytes)
            let expected = mac.finalize()
            // HMAC's == on the authentication code is constant-time.
            if offered.contains(where: { expected == $0 }) { return secret }
        }
        throw .noMatchingSignature
    }
}
