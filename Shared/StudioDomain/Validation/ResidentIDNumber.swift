import Foundation

/// A resident identity card number (居民身份证号码, GB 11643-1999): 6-digit address code, 8-digit birth date
/// `YYYYMMDD`, 3-digit sequence code, and a check character `0-9` or `X` over the first 17 digits.
///
/// Personal data: `description` is masked, and events never carry the number (the receivers need none).
public struct ResidentIDNumber: Codable, Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// Checks `text` (trimmed; a lowercase `x` is accepted). With `asOf`, a birth date after that day is refused.
    public init(_ text: String, asOf today: LocalDate? = nil) throws(ResidentIDFailure) {
        let normalised = Self.normalise(text)
        if let failure = Self.validate(normalised, asOf: today) { throw failure }
        value = normalised
    }

    /// `110105********002X`: the address code and the last four characters.
    public var masked: String { String(value.prefix(6)) + String(repeating: "*", count: 8) + String(value.suffix(4)) }

    public var description: String { masked }

    /// The birth date encoded in positions 7–14.
    public var birthDate: LocalDate { Self.birthDate(in: Array(value))! }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid resident ID number: \(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = Array("10X98765432")

    public static func normalise(_ text: String) -> String {
        text.trimmedOfWhitespace.uppercased()
    }

    /// Why `text` (already normalised) is not a valid number, or nil when it is.
    public static func validate(_ text: String, asOf today: LocalDate? = nil) -> ResidentIDFailure? {
        let characters = Array(text)
        guard characters.count == 18 else { return .wrongLength(characters.count) }
        for (index, character) in characters.enumerated() {
            let allowed = character.isASCIIDigit || (index == 17 && character == "X")
            if !allowed { return .invalidCharacter(position: index + 1, character: character) }
        }
        guard let birth = birthDate(in: characters) else { return .invalidBirthDate(String(characters[6..<14])) }
        if let today, birth > today { return .birthDateInFuture }
        let expected = checkCharacter(for: String(characters[0..<17]))!
        guard characters[17] == expected else { return .checkCharacterMismatch(expected: expected, found: characters[17]) }
        return nil
    }

    /// The check character for 17 digits (nil otherwise): `"10X98765432"[Σ digit × weight mod 11]`.
    public static func checkCharacter(for first17: String) -> Character? {
        let characters = Array(first17)
        guard characters.count == 17, characters.allSatisfy(\.isASCIIDigit) else { return nil }
        let sum = zip(characters, weights).reduce(0) { $0 + Int($1.0.asciiValue! - 48) * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// `first17` completed with its check character, for demo data and tests.
    public static func completing(_ first17: String) -> String? {
        checkCharacter(for: first17).map { first17 + String($0) }
    }

    /// Birth dates from 1800 on (the standard's own example is born in 1880); nil if positions 7–14 are not a real date.
    private static func birthDate(in characters: [Character]) -> LocalDate? {
        guard let year = Int(String(characters[6..<10])), year >= 1800,
              let month = Int(String(characters[10..<12])), let day = Int(String(characters[12..<14])) else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }
}

/// Why a resident ID number was refused.
public enum ResidentIDFailure: Error, Hashable, Sendable {
    case wrongLength(Int)
    /// A non-digit (or an `X` anywhere but last) at 1-based `position`.
    case invalidCharacter(position: Int, character: Character)
    /// Positions 7–14 are not a real date from 1800 on.
    case invalidBirthDate(String)
    case birthDateInFuture
    case checkCharacterMismatch(expected: Character, found: Character)

    public var issueCode: String {
        switch self {
        case .wrongLength: "id_number_length"
        case .invalidCharacter: "id_number_character"
        case .invalidBirthDate: "id_number_birth_date"
        case .birthDateInFuture: "id_number_birth_date_future"
        case .checkCharacterMismatch: "id_number_check"
        }
    }

    /// Bilingual issue; it never repeats the number itself.
    public func issue(field: String) -> DomainIssue {
        let (zh, en): (String, String) = switch self {
        case .wrongLength(let count):
            ("居民身份证号码应为18位，当前为\(count)位。", "A resident ID number has 18 characters, not \(count).")
        case .invalidCharacter(let position, _):
            ("居民身份证号码第\(position)位不是有效字符（仅最后一位可为X）。",
             "Character \(position) of the resident ID number is not allowed (only the last may be X).")
        case .invalidBirthDate:
            ("居民身份证号码中的出生日期无效。", "The birth date in the resident ID number is not a valid date.")
        case .birthDateInFuture:
            ("居民身份证号码中的出生日期晚于今天。", "The birth date in the resident ID number is in the future.")
        case .checkCharacterMismatch:
            ("居民身份证号码校验码不正确，请核对。", "The check character of the resident ID number is wrong; please check the number.")
        }
        return DomainIssue(code: issueCode, field: field, messageZh: zh, messageEn: en)
    }
}
