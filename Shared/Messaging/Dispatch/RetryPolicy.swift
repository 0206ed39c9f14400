import Foundation

/// When to try a delivery again (MESSAGING.md §3): immediately, then 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 10 h, each with ±20 % jitter; after the last try the delivery is dead-lettered.
public struct RetryPolicy: Sendable, Equatable {
    /// `delays[k]` is the wait before attempt k+1; `delays[0]` is the first attempt (immediately).
    public var delays: [Duration]
    /// ± this fraction of each delay is jitter.
    public var jitter: Double
    /// A receiver's `Retry-After` is honoured up to this long.
    public var maxRetryAfter: Duration
    /// The first pause of a subscription that answered 429 or 503; doubles on each one after, up to the max.
    public var throttleBase: Duration
    public var throttleMax: Duration

    public static let standard = RetryPolicy(
        delays: [.zero, .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600),
                 .seconds(5 * 3600), .seconds(10 * 3600), .seconds(10 * 3600)],
        jitter: 0.2, maxRetryAfter: .seconds(3600), throttleBase: .seconds(1), throttleMax: .seconds(300))

    public init(delays: [Duration], jitter: Double = 0.2, maxRetryAfter: Duration = .seconds(3600),
                throttleBase: Duration = .seconds(1), throttleMax: Duration = .seconds(300)) {
        precondition(!delays.isEmpty, "a retry schedule needs at least one attempt")
        self.delays = delays
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
        self.throttleBase = throttleBase
        self.throttleMax = throttleMax
    }

    /// Parses a schedule like `0,5s,5m,30m,2h,5h,10h,10h` (a bare number is seconds, fractions allowed).
    public init?(schedule: String, jitter: Double = 0.2) {
        var delays: [Duration] = []
        for token in schedule.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let delay = Self.parseDuration(token) else { return nil }
            delays.append(delay)
        }
        guard !delays.isEmpty, (0...1).contains(jitter) else { return nil }
        self.init(delays: delays, jitter: jitter)
    }

    public static func parseDuration(_ token: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where token.hasSuffix(suffix) {
            guard let value = Double(token.dropLast(suffix.count)), value >= 0 else { return nil }
            return .milliseconds(Int64((value * factor * 1000).rounded()))
        }
        guard let value = Double(token), value >= 0 else { return nil }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    public var maxAttempts: Int { delays.count }

    /// The whole span of the schedule without jitter: how long the receiver's inbox must remember ids.
    public var span: Duration { delays.reduce(.zero, +) }

    /// The wait after `failedAttempts` failures, or nil when the delivery is to be dead-lettered.
    public func delay(afterFailedAttempts failedAttempts: Int, retryAfter: Duration? = nil,
                      random: Double = Double.random(in: -1...1)) -> Duration? {
        guard failedAttempts < delays.count else { return nil }
        let base = delays[failedAttempts]
        let jittered = base * (1 + jitter * max(-1, min(1, random)))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maxRetryAfter))
    }

    /// The pause of a subscription after its `level`-th consecutive 429/503 (level 0 is the first).
    public func throttle(level: Int, retryAfter: Duration?) -> Duration {
        let doubled = throttleBase * Double(1 << min(level, 20))
        let pause = min(doubled, throttleMax)
        guard let retryAfter else { return pause }
        return max(pause, min(retryAfter, maxRetryAfter))
    }

    /// `Retry-After` as seconds or as an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000)))
    }
}
