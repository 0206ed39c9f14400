import Crypto
import Foundation

/// SHA-256 of bytes in lowercase hex: content addresses (attachments) and request fingerprints
/// (Idempotency-Key), for service libraries that do not depend on swift-crypto themselves.
public enum ContentHash {
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// Lowercase hex of a digest, two digits per byte (a table lookup: this runs on every request, twice).
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits: StaticString = "0123456789abcdef"
        var out: [UInt8] = []
        out.reserveCapacity(64)
        digits.withUTF8Buffer { table in
            for byte in digest {
                out.append(table[Int(byte >> 4)])
                out.append(table[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
