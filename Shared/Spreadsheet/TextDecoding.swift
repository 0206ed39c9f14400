import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of an uploaded spreadsheet export: UTF-8 with or without a byte-order mark, or GB18030 with or
/// without its own byte-order mark (`84 31 95 33`, U+FEFF in GB18030) — what Chinese Excel writes when it saves
/// "CSV", and what banks export (GBK, of which GB18030 is a superset) — decoded with the C library's iconv.
public enum TextDecoding {
    public static let gb18030ByteOrderMark: [UInt8] = [0x84, 0x31, 0x95, 0x33]

    public enum Encoding: String, Sendable {
        case utf8 = "utf-8"
        case gb18030
    }

    /// Decodes `bytes` as `declared`, or guesses: UTF-8 when the bytes are valid UTF-8, GB18030 otherwise.
    public static func decode(_ bytes: [UInt8], declared: Encoding? = nil) -> (text: String, encoding: Encoding)? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            body = body.dropFirst(3)
            if declared != .gb18030 { return String(validating: body, as: UTF8.self).map { ($0, .utf8) } }
        }
        // GB18030's own byte-order mark says the encoding, whatever was declared.
        if body.starts(with: gb18030ByteOrderMark), declared != .utf8 {
            return gb18030(Array(body.dropFirst(4))).map { ($0, .gb18030) }
        }
        switch declared {
        case .utf8: return String(validating: body, as: UTF8.self).map { ($0, .utf8) }
        case .gb18030: return gb18030(Array(body)).map { ($0, .gb18030) }
        case nil:
            if let text = String(validating: body, as: UTF8.self) { return (text, .utf8) }
            return gb18030(Array(body)).map { ($0, .gb18030) }
        }
    }

    /// GB18030 → UTF-8 through iconv; nil when the bytes are not valid GB18030.
    public static func gb18030(_ bytes: [UInt8]) -> String? {
        guard let utf8 = convert(bytes, from: "GB18030", to: "UTF-8"), let text = String(validating: utf8, as: UTF8.self) else { return nil }
        return text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
    }

    /// `bytes` in the character set `source` converted by the C library's iconv to `target` (names as iconv
    /// knows them: `UTF-8`, `GB18030`); nil when the bytes are not valid in `source`.
    public static func convert(_ bytes: [UInt8], from source: String, to target: String) -> [UInt8]? {
        guard let converter = iconv_open(target, source), converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        // Between UTF-8 and GB18030 a character takes at most 4 bytes either way, and at least 1.
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 4)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        return produced.map { output[..<$0].map { UInt8(bitPattern: $0) } }
    }
}
