import Foundation
import GRDB
import HummingbirdTesting
@testable import ReviewService
import StudioDomain
import TestSupport
import XCTest

/// Scores are exact fractions over `Int` with trapping arithmetic, so no rubric the API accepts may take the
/// process down: the lcm of its scales is bounded, sums use the least common denominator and comparisons
/// multiply full width.
final class RubricArithmeticTests: XCTestCase {
    typealias F = ReviewFixture

    static func rubric(scales: [Int]) -> Rubric {
        let weights = scales.indices.map { index in 100 / scales.count + (index < 100 % scales.count ? 1 : 0) }
        return Rubric(criteria: zip(scales.indices, zip(scales, weights)).map { index, pair in
            Criterion(key: "c\(index)", nameZh: "评分项\(index)", nameEn: "criterion \(index)", article: nil, maxScore: pair.0, weight: pair.1)
        })
    }

    /// Ten criteria on the first ten primes: their totals' denominator is 6,469,693,230, whose square overflows.
    static let coprimeScales = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    /// The worst the API allows: 20 criteria (the most), scales ≤ 100 whose lcm is 960,300 = 2²·3²·5²·11·97,
    /// close to `Rubric.largestCommonScale`, each a different divisor of it.
    static let worstScales = [100, 99, 97, 2, 3, 4, 5, 6, 9, 11, 12, 18, 22, 25, 36, 44, 45, 55, 66, 75]

    func testOverflowingRubricDoesNotCrash() async throws {
        // A rubric whose exact totals cannot fit is refused, naming the criterion where the scales stop fitting
        let coprime = Self.rubric(scales: Self.coprimeScales)
        let refusal = try XCTUnwrap(coprime.issues().first { $0.code == "rubric.scales_incommensurable" })
        XCTAssertEqual(refusal.field, "rubric.criteria[7].maxScore")  // 2·3·5·…·19 = 9,699,690 > 1,000,000
        XCTAssertTrue(refusal.messageZh.contains("最小公倍数"), refusal.messageZh)

        // Over HTTP too: 422 naming the field, and the round keeps its rubric
        let fixture = try ReviewFixture()
        try await fixture.submit(F.content("A1"))
        let body = String(decoding: try JSONEncoder().encode(["rubric": coprime]), as: UTF8.self)
        try await fixture.service.built.application.test(.router) { client in
            let reply = try await client.send(.patch, "/rounds/naming-2026", token: fixture.department, json: body)
            XCTAssertEqual(reply.status, .unprocessableContent, reply.text)
            XCTAssertTrue(reply.text.contains("rubric.criteria[7].maxScore"), reply.text)
            let round = try await client.send(.get, "/rounds/naming-2026", token: fixture.department)
            let kept = (round.object["round"] as? [String: Any])?["rubric"] as? [String: Any]
            XCTAssertEqual((kept?["criteria"] as? [Any])?.count, Rubric.standard.criteria.count, round.text)
        }

        // The worst rubric the API accepts: many sheets on many applications, every aggregate, no trap, exact results
        let worst = Self.rubric(scales: Self.worstScales)
        XCTAssertEqual(worst.issues(), [])
        var random = SplitMix64(seed: 20261201)
        var sheets: [SheetTotal] = []
        var doubles: [String: [Double]] = [:]
        for application in (1...8).map({ "A\($0)" }) {
            for expert in (1...60).map({ "E\($0)" }) {
                // Mostly one short of full marks: the fractions with the largest reduced denominators
                let scores = Dictionary(uniqueKeysWithValues: worst.criteria.map { criterion in
                    (criterion.key, Int.random(in: 0...10, using: &random) == 0 ? Int.random(in: 0...criterion.maxScore, using: &random) : max(criterion.maxScore - 1, 0))
                })
                let total = worst.total(scores)
                XCTAssertEqual(960_300 % total.denominator, 0)
                sheets.append(SheetTotal(application: application, expert: expert, total: total))
                doubles[application, default: []].append(worst.criteria.reduce(0.0) { $0 + Double(scores[$1.key]!) * Double($1.weight) / Double($1.maxScore) })
            }
        }
        for normalise in [false, true] {
            let result = Aggregation.aggregate(sheets, settings: AggregationSettings(normalise: normalise, outlierThreshold: 1, trimFrom: 5))
            XCTAssertEqual(result.scores.count, 8)
            for score in result.scores {
                let values = doubles[score.application]!
                XCTAssertEqual(score.mean.doubleValue, values.reduce(0, +) / Double(values.count), accuracy: 1e-9)
                let trimmed = values.sorted().dropFirst().dropLast()
                XCTAssertEqual(try XCTUnwrap(score.trimmedMean).doubleValue, trimmed.reduce(0, +) / Double(trimmed.count), accuracy: 1e-9)
            }
            let entries = result.scores.map { RankingEntry(application: $0.application, final: $0.final, mean: $0.mean, recommendationOrder: nil,
                                                           submittedOn: LocalDate("2026-09-01")!) }
            let ranked = Ranking.rank(entries, quota: 3, minimumScore: Rational(60))
            XCTAssertEqual(ranked.count, 8)
            XCTAssertEqual(ranked.map(\.entry.final), ranked.map(\.entry.final).sorted(by: >))
        }
    }

    func testFractionsOfLargeDenominatorsAddAndCompareWithoutOverflow() {
        // Denominators whose product overflows Int: sums go over the lcm, comparisons full width
        let a = Rational(1, 3_000_000_019), b = Rational(2, 3_000_000_037)
        XCTAssertTrue(b > a)
        XCTAssertFalse(a > b)
        XCTAssertEqual(Rational(5, 4_000_000_000) + Rational(3, 4_000_000_000), Rational(1, 500_000_000))
        XCTAssertEqual(Rational(7, 6_000_000_000) - Rational(1, 6_000_000_000), Rational(1, 1_000_000_000))
        XCTAssertEqual(Rational(6_000_000_000, 7) / 3_000_000_000, Rational(2, 7))
    }
}
