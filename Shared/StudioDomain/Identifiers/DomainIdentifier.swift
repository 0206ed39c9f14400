import Foundation

/// A typed identifier over a string: the type keeps an application id from being passed where a studio id
/// is expected, while the JSON stays a plain string (`"9b1c…"`, not `{"rawValue": …}`).
public protocol DomainIdentifier: RawRepresentable, Codable, Hashable, Comparable, Sendable,
    CustomStringConvertible, ExpressibleByStringLiteral where RawValue == String {
    init(_ rawValue: String)
}

extension DomainIdentifier {
    public init(rawValue: String) { self.init(rawValue) }
    public init(stringLiteral value: String) { self.init(value) }

    /// A fresh identifier: a UUID in lowercase, the form every service stores and compares; version 7
    /// (`TimeOrderedID`), so rows keyed by identifiers made one after another are written side by side.
    public static func new() -> Self { Self(TimeOrderedID.uuidString()) }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
