/// An exact fraction, for scores: means and trimmed means of integer-weighted sheets compare exactly,
/// so a ranking never depends on floating-point rounding.
///
/// Sums work over the least common denominator, never the product, and comparisons multiply full width,
/// so a sheet total's denominator stays a divisor of the lcm of the rubric's scales, a mean's one of that times
/// the number of sheets. `Rubric.largestCommonScale` bounds that lcm, which keeps every score of every rubric the
/// API accepts far inside `Int` (see `Rubric.issues`).
public struct Rational: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int = 1) {
        precondition(denominator != 0, "zero denominator")
        let sign = denominator < 0 ? -1 : 1
        let divisor = Swift.max(Self.gcd(abs(numerator), abs(denominator)), 1)
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    public static let zero = Rational(0)

    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        let g = gcd(lhs.denominator, rhs.denominator)
        return Rational(lhs.numerator * (rhs.denominator / g) + rhs.numerator * (lhs.denominator / g), lhs.denominator / g * rhs.denominator)
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        let g = gcd(lhs.denominator, rhs.denominator)
        return Rational(lhs.numerator * (rhs.denominator / g) - rhs.numerator * (lhs.denominator / g), lhs.denominator / g * rhs.denominator)
    }

    public static func / (lhs: Rational, rhs: Int) -> Rational {
        let g = Swift.max(gcd(abs(lhs.numerator), abs(rhs)), 1)
        return Rational(lhs.numerator / g, lhs.denominator * (rhs / g))
    }

    /// Compared through 128-bit products: no pair of fractions can overflow a comparison.
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return (left.high, left.low) < (right.high, right.low)
    }

    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// Hundredths, rounded half away from zero: the form scores are shown in (`87.33`).
    public var hundredths: Int {
        let scaled = numerator * 100
        let half = denominator / 2
        return scaled >= 0 ? (scaled + half) / denominator : -((-scaled + half) / denominator)
    }

    /// `87.33`
    public var description: String {
        let h = hundredths
        let whole = abs(h) / 100, fraction = abs(h) % 100
        return (h < 0 ? "-" : "") + "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    public static func mean(_ values: [Rational]) -> Rational {
        guard !values.isEmpty else { return .zero }
        return values.reduce(.zero, +) / values.count
    }
}
