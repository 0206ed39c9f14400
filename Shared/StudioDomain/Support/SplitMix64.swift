/// SplitMix64: a small seeded random generator, so simulations (the tests' random cases, the crash test's
/// kills, the benchmarks' instances) are the same on every run and a failure replays exactly. Not for
/// anything secret: tokens and webhook secrets come from the system's generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A draw in -1…1 (retry jitter).
    public mutating func nextSigned() -> Double {
        Double(next() >> 11) / Double(1 << 53) * 2 - 1
    }
}
