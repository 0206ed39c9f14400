import Foundation

/// An amount of renminbi in integer fen (分; 1 yuan = 100 fen). The rules state amounts in yuan; the platform
/// never holds money in floating point. JSON: a plain integer of fen (`1000000` is 10,000.00 yuan).
public struct Money: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }

    public init(yuan: Int) { self.fen = Int64(yuan) * 100 }

    public static let zero = Money(fen: 0)

    public init(from decoder: any Decoder) throws {
        fen = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fen)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen + rhs.fen) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen - rhs.fen) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.fen += rhs.fen }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.fen -= rhs.fen }
    public static func * (lhs: Money, rhs: Int) -> Money { Money(fen: lhs.fen * Int64(rhs)) }

    public var isNegative: Bool { fen < 0 }

    /// `10000.00`, `-0.05`: yuan with exactly two decimals, no grouping, no currency sign.
    public var yuanString: String {
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return (fen < 0 ? "-" : "") + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    public var description: String { "¥" + yuanString }

    /// Parses a yuan amount exactly, digit by digit: `12`, `12.3`, `12.34`, and `-12.34` when
    /// `allowingNegative`. Rejects more than two decimals, grouping commas, exponents, currency signs, a bare
    /// `.5` or `12.`, and amounts beyond `Int64` fen.
    public static func parse(yuan text: String, allowingNegative: Bool = false) throws(MoneyParseError) -> Money {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { throw .empty }
        var negative = false
        if rest.first == "-" {
            guard allowingNegative else { throw .negative }
            negative = true
            rest = rest.dropFirst()
        }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit)
        else { throw .notANumber }
        guard fraction.count <= 2 else { throw .tooManyDecimals }

        var fen: Int64 = 0
        for digit in whole + fraction + String(repeating: "0", count: 2 - fraction.count) {
            let (times10, overflow1) = fen.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit.asciiValue! - 48))
            guard !overflow1, !overflow2 else { throw .outOfRange }
            fen = sum
        }
        return Money(fen: negative ? -fen : fen)
    }
}

/// Why a yuan amount was refused.
public enum MoneyParseError: Error, Hashable, Sendable {
    case empty
    case notANumber
    case tooManyDecimals
    case negative
    case outOfRange

    public var issueCode: String {
        switch self {
        case .empty: "amount_empty"
        case .notANumber: "amount_not_a_number"
        case .tooManyDecimals: "amount_too_many_decimals"
        case .negative: "amount_negative"
        case .outOfRange: "amount_out_of_range"
        }
    }

    /// The bilingual issue for an amount field.
    public func issue(field: String) -> DomainIssue {
        let (zh, en): (String, String) = switch self {
        case .empty: ("请填写金额。", "The amount is required.")
        case .notANumber: ("金额格式不正确，应为以元为单位的数字，如 12.34。", "The amount must be a number of yuan, such as 12.34.")
        case .tooManyDecimals: ("金额最多保留两位小数（精确到分）。", "The amount may have at most two decimals (fen).")
        case .negative: ("金额不能为负数。", "The amount must not be negative.")
        case .outOfRange: ("金额超出允许范围。", "The amount is too large.")
        }
        return DomainIssue(code: issueCode, field: field, messageZh: zh, messageEn: en)
    }
}

extension Character {
    /// 0–9 only: `isNumber` would also accept full-width and other scripts' digits.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
