extension String {
    /// The text without white space or line ends at either end: what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives (its set is Unicode's White_Space property and U+200B,
    /// the zero-width space: `WhitespaceTests` compares every scalar of the Basic Multilingual Plane), without
    /// the bridge to `NSString` and `NSCharacterSet`, which every form field paid on each submission (BENCHMARKS.md,
    /// fifth round). Text with nothing to trim is returned as it is.
    public var trimmedOfWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Self.isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !Self.isTrimmed($0) })!
        if first == startIndex, scalars.index(after: last) == endIndex { return self }
        return String(scalars[first...last])
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar == "\u{200B}"
    }
}
