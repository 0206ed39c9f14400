import Foundation

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the 31-character set
/// `0-9 A-H J-N P-R T U W-Y` (no I, O, S, V, Z); positions 3–8 are the administrative division code (digits);
/// position 18 is a check character over the first 17.
///
/// The text is normalised (trimmed, upper-cased) before checking. JSON: the code as a string, checked on decoding.
public struct UnifiedSocialCreditCode: Codable, Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(CreditCodeFailure) {
        let normalised = Self.normalise(text)
        if let failure = Self.validate(normalised) { throw failure }
        value = normalised
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid unified social credit code: \(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// The 31 characters in value order: the check character of a code is `alphabet[value]`.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public static func normalise(_ text: String) -> String {
        text.trimmedOfWhitespace.uppercased()
    }

    /// Why `text` (already normalised) is not a valid code, or nil when it is.
    public static func validate(_ text: String) -> CreditCodeFailure? {
        let characters = Array(text)
        guard characters.count == 18 else { return .wrongLength(characters.count) }
        for (index, character) in characters.enumerated() where !alphabet.contains(character) {
            return .invalidCharacter(position: index + 1, character: character)
        }
        guard characters[2..<8].allSatisfy(\.isASCIIDigit) else { return .invalidDivisionCode }
        let expected = checkCharacter(for: String(characters[0..<17]))!
        guard characters[17] == expected else { return .checkCharacterMismatch(expected: expected, found: characters[17]) }
        return nil
    }

    /// The check character for the first 17 characters (nil if they are not 17 characters of the set):
    /// 31 − (Σ value × weight mod 31), with 31 written as `0`.
    public static func checkCharacter(for first17: String) -> Character? {
        let characters = Array(first17)
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (character, weight) in zip(characters, weights) {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            sum += value * weight
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// `first17` completed with its check character, for demo data and tests.
    public static func completing(_ first17: String) -> String? {
        checkCharacter(for: first17).map { first17 + String($0) }
    }
}

/// Why a unified social credit code was refused.
public enum CreditCodeFailure: Error, Hashable, Sendable {
    case wrongLength(Int)
    /// A character outside the 31-character set, at 1-based `position`.
    case invalidCharacter(position: Int, character: Character)
    /// Positions 3–8 are not six digits.
    case invalidDivisionCode
    case checkCharacterMismatch(expected: Character, found: Character)

    public var issueCode: String {
        switch self {
        case .wrongLength: "credit_code_length"
        case .invalidCharacter: "credit_code_character"
        case .invalidDivisionCode: "credit_code_division"
        case .checkCharacterMismatch: "credit_code_check"
        }
    }

    public func issue(field: String) -> DomainIssue {
        let (zh, en): (String, String) = switch self {
        case .wrongLength(let count):
            ("统一社会信用代码应为18位，当前为\(count)位。", "A unified social credit code has 18 characters, not \(count).")
        case .invalidCharacter(let position, let character):
            ("统一社会信用代码第\(position)位“\(character)”不是有效字符（不使用I、O、S、V、Z）。",
             "Character \(position) “\(character)” is not allowed in a unified social credit code (I, O, S, V, Z are never used).")
        case .invalidDivisionCode:
            ("统一社会信用代码第3至8位应为登记管理机关行政区划码（6位数字）。",
             "Characters 3–8 of a unified social credit code are the six-digit administrative division code.")
        case .checkCharacterMismatch:
            ("统一社会信用代码校验码不正确，请核对。", "The check character of the unified social credit code is wrong; please check the code.")
        }
        return DomainIssue(code: issueCode, field: field, messageZh: zh, messageEn: en)
    }
}
