import Crypto
import Foundation

/// SHA-256 of bytes in lowercase hex: content addresses (attachments) and request fingerprints
/// (Idempotency-Key), for service libraries that do not depend on swift-crypto themselves.
public enum ContentHash {
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }
}
