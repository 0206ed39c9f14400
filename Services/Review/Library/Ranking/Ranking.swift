import StudioDomain

/// What ranking needs of one scored application.
public struct RankingEntry: Sendable, Hashable {
    public var application: String
    public var final: Rational
    public var mean: Rational
    /// The screening body's order of recommendation (1 = its first choice); nil ranks after any number.
    public var recommendationOrder: Int?
    public var submittedOn: LocalDate

    public init(application: String, final: Rational, mean: Rational, recommendationOrder: Int?, submittedOn: LocalDate) {
        self.application = application
        self.final = final
        self.mean = mean
        self.recommendationOrder = recommendationOrder
        self.submittedOn = submittedOn
    }
}

public struct RankedApplication: Sendable, Hashable {
    public var entry: RankingEntry
    public var rank: Int
    public var proposed: Bool
    /// `below_minimum` or `beyond_quota` when not proposed.
    public var reason: String?
}

/// Ranking with stated tie-breaks, then the quota and the minimum score (Art 9: 具体命名数量视申报数量和质量确定).
///
/// Order: (1) the final score, higher first; (2) the plain mean of the raw sheets, higher first (the panel's
/// unadjusted view decides between equal adjusted scores); (3) the screening body's order of recommendation,
/// lower first, none last; (4) the earlier submission day; (5) the application id, ascending, so the order
/// is total and reproducible. Ranks are 1, 2, 3, … with no shared ranks, because the tie-breaks are total.
public enum Ranking {
    public static func precedes(_ a: RankingEntry, _ b: RankingEntry) -> Bool {
        if a.final != b.final { return a.final > b.final }
        if a.mean != b.mean { return a.mean > b.mean }
        let orderA = a.recommendationOrder ?? Int.max, orderB = b.recommendationOrder ?? Int.max
        if orderA != orderB { return orderA < orderB }
        if a.submittedOn != b.submittedOn { return a.submittedOn < b.submittedOn }
        return a.application < b.application
    }

    /// The ranked list; the first `quota` entries scoring at least `minimumScore` are proposed.
    public static func rank(_ entries: [RankingEntry], quota: Int, minimumScore: Rational) -> [RankedApplication] {
        var proposedCount = 0
        return entries.sorted(by: precedes).enumerated().map { index, entry in
            if entry.final < minimumScore {
                return RankedApplication(entry: entry, rank: index + 1, proposed: false, reason: "below_minimum")
            }
            if proposedCount >= quota {
                return RankedApplication(entry: entry, rank: index + 1, proposed: false, reason: "beyond_quota")
            }
            proposedCount += 1
            return RankedApplication(entry: entry, rank: index + 1, proposed: true, reason: nil)
        }
    }
}
