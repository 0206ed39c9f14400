import Foundation
import StudioDomain

/// Foundation's `JSONDecoder` reports a number that does not fit its field (`1.5` or `1e30` for an `Int`,
/// `99999999999999999999`) as "The given data was not valid JSON" with no coding path, although the JSON is
/// valid. This finds the field: each number token that is not a plain `Int` is, one at a time, replaced by `0`;
/// the one whose replacement makes the error go away is the field the decoder stopped at.
public enum JSONNumberFields {
    /// A number token of a JSON text: its field path (`rubric.criteria[2].scale`), where its bytes are, its text.
    struct Token {
        var path: String
        var range: Range<Int>
        var text: String
    }

    /// Decodes `T` from a client's body: every decoding error becomes the problem naming the field (the decoder's
    /// path-less number error too, found as below), so a `DecodingError` that reaches `ProblemMiddleware` is never the
    /// client's but a stored value's. `data` must already be known to be valid JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, decoder: JSONDecoder) throws -> T {
        do {
            return try decoder.decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            if let issue = issue(decoding: T.self, bytes: Array(data), decoder: decoder) {
                throw Problem.validation([issue])
            }
            throw ProblemMiddleware<AppRequestContext>.problem(for: DecodingError.dataCorrupted(context))
        } catch let error as DecodingError {
            throw ProblemMiddleware<AppRequestContext>.problem(for: error)
        }
    }

    static func issue<T: Decodable>(decoding type: T.Type, bytes: [UInt8], decoder: JSONDecoder) -> DomainIssue? {
        // Only numbers an `Int` cannot hold are suspects; a body has few, and this runs only on the error path.
        for token in numberTokens(bytes).filter({ Int($0.text) == nil }).prefix(64) {
            var patched = bytes
            patched.replaceSubrange(token.range, with: [UInt8(ascii: "0")])
            if stillFailsAtNumber(T.self, patched, decoder) { continue }
            return describe(token)
        }
        return nil
    }

    private static func stillFailsAtNumber<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], _ decoder: JSONDecoder) -> Bool {
        do {
            _ = try decoder.decode(T.self, from: Data(bytes))
            return false
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return true
        } catch {
            return false
        }
    }

    private static func describe(_ token: Token) -> DomainIssue {
        let value = Double(token.text) ?? .nan
        if value.isFinite, value != value.rounded() {
            return DomainIssue(code: "field.not_integer", field: token.path,
                               messageZh: "字段 \(token.path) 须为整数，收到的是小数 \(token.text)",
                               messageEn: "the field \(token.path) must be a whole number, got the fraction \(token.text)")
        }
        return DomainIssue(code: "field.out_of_range", field: token.path,
                           messageZh: "字段 \(token.path) 的数值 \(token.text) 超出整数范围",
                           messageEn: "the field \(token.path) holds \(token.text), outside the range of an integer")
    }

    /// The number tokens of a valid JSON text with their paths, in document order.
    static func numberTokens(_ bytes: [UInt8]) -> [Token] {
        var scanner = Scanner(bytes: bytes)
        scanner.value(path: "")
        return scanner.tokens
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var tokens: [Token] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipWhiteSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(path: String) {
            skipWhiteSpace()
            guard index < bytes.count else { return }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                while true {
                    skipWhiteSpace()
                    guard index < bytes.count, bytes[index] != UInt8(ascii: "}") else { index += 1; return }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    let key = string()
                    skipWhiteSpace()
                    index += 1  // the colon
                    value(path: path.isEmpty ? key : path + "." + key)
                }
            case UInt8(ascii: "["):
                index += 1
                var element = 0
                while true {
                    skipWhiteSpace()
                    guard index < bytes.count, bytes[index] != UInt8(ascii: "]") else { index += 1; return }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    value(path: path + "[\(element)]")
                    element += 1
                }
            case UInt8(ascii: "\""):
                _ = string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                tokens.append(Token(path: path.isEmpty ? "body" : path, range: start..<index,
                                    text: String(decoding: bytes[start..<index], as: UTF8.self)))
            default:  // true, false, null (and one byte at least, so a scan always ends)
                index += 1
                while index < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) { index += 1 }
            }
        }

        /// A string token, decoded well enough for a field name (escapes other than `\uXXXX` resolved).
        mutating func string() -> String {
            index += 1  // the opening quote
            var text: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    text.append(bytes[index + 1])
                    index += 2
                } else {
                    text.append(bytes[index])
                    index += 1
                }
            }
            index += 1  // the closing quote
            return String(decoding: text, as: UTF8.self)
        }
    }
}
