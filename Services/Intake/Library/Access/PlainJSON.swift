/// A quick check that a body is plain, strict JSON, so the `JSONSerialization` pass that tells invalid JSON (400)
/// from a decoding error (422) can be skipped for the usual body (parsing the whole body into Foundation objects
/// only to throw them away was a visible share of a submission's CPU).
///
/// It accepts a strict subset of what `JSONSerialization` accepts, and says false whenever unsure, so the answer
/// never changes: RFC 8259 grammar only (no trailing commas), nesting at most 64 deep, strings of well-formed UTF-8
/// without `\u` escapes, numbers of at most 15 digits before and 15 after the point and no exponent (always
/// representable), JSON white space only. Anything else goes to `JSONSerialization` as before.
enum PlainJSON {
    static let maximumDepth = 64

    static func isValid(_ bytes: [UInt8]) -> Bool {
        // Well-formed UTF-8 as a whole (the scanner below only looks at ASCII structure).
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            scanner.skipWhiteSpace()
            guard scanner.value(depth: 0) else { return false }
            scanner.skipWhiteSpace()
            return scanner.index == buffer.count
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhiteSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) -> Bool {
            guard let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "{"): return depth < PlainJSON.maximumDepth && object(depth: depth + 1)
            case UInt8(ascii: "["): return depth < PlainJSON.maximumDepth && array(depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func object(depth: Int) -> Bool {
            index += 1  // {
            skipWhiteSpace()
            if current == UInt8(ascii: "}") { index += 1; return true }
            while true {
                guard current == UInt8(ascii: "\""), string() else { return false }
                skipWhiteSpace()
                guard current == UInt8(ascii: ":") else { return false }
                index += 1
                skipWhiteSpace()
                guard value(depth: depth) else { return false }
                skipWhiteSpace()
                switch current {
                case UInt8(ascii: ","): index += 1; skipWhiteSpace()
                case UInt8(ascii: "}"): index += 1; return true
                default: return false
                }
            }
        }

        mutating func array(depth: Int) -> Bool {
            index += 1  // [
            skipWhiteSpace()
            if current == UInt8(ascii: "]") { index += 1; return true }
            while true {
                guard value(depth: depth) else { return false }
                skipWhiteSpace()
                switch current {
                case UInt8(ascii: ","): index += 1; skipWhiteSpace()
                case UInt8(ascii: "]"): index += 1; return true
                default: return false
                }
            }
        }

        mutating func string() -> Bool {
            index += 1  // "
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return true
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { return false }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    default:
                        return false  // \u (surrogates) and invalid escapes: left to JSONSerialization
                    }
                case 0x00...0x1F:
                    return false
                default:
                    index += 1
                }
            }
            return false
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func number() -> Bool {
            if current == UInt8(ascii: "-") { index += 1 }
            guard digits(allowLeadingZero: false) else { return false }
            if current == UInt8(ascii: ".") {
                index += 1
                guard digits(allowLeadingZero: true) else { return false }
            }
            // Exponents (and so huge or tiny numbers) are left to JSONSerialization.
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") { return false }
            return true
        }

        /// 1 to 15 digits; without `allowLeadingZero`, `0` alone or a number not starting with `0`.
        mutating func digits(allowLeadingZero: Bool) -> Bool {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            let count = index - start
            guard count >= 1, count <= 15 else { return false }
            if !allowLeadingZero, count > 1, bytes[start] == UInt8(ascii: "0") { return false }
            return true
        }
    }
}
