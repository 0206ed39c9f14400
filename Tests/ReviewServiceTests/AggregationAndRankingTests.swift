@testable import ReviewService
import StudioDomain
import XCTest

/// Aggregation (mean, trimmed mean, z-score normalisation, outliers) and ranking (tie-breaks, quota, threshold).
final class AggregationAndRankingTests: XCTestCase {
    func sheets(_ application: String, _ totals: [Int]) -> [SheetTotal] {
        totals.enumerated().map { SheetTotal(application: application, expert: "E\($0.offset + 1)", total: Rational($0.element)) }
    }

    func testThreeSheetsUseThePlainMeanExactly() {
        let result = Aggregation.aggregate(sheets("A", [80, 81, 81]))
        XCTAssertEqual(result.scores[0].mean, Rational(242, 3))
        XCTAssertNil(result.scores[0].trimmedMean)
        XCTAssertEqual(result.scores[0].final, Rational(242, 3))
        XCTAssertEqual(result.scores[0].final.description, "80.67")
    }

    func testFiveSheetsDropTheHighestAndTheLowestAndRecordIt() {
        let result = Aggregation.aggregate(sheets("A", [95, 70, 80, 82, 40]))
        XCTAssertEqual(result.scores[0].mean, Rational(367, 5))
        XCTAssertEqual(result.scores[0].trimmedMean, Rational(232, 3))
        XCTAssertEqual(result.scores[0].final, Rational(232, 3))
        let trimmed = result.adjustments.first { $0.kind == "trimmed" }
        XCTAssertEqual(trimmed?.application, "A")
        XCTAssertTrue(trimmed?.detailEn.contains("highest 95.00 (expert E1)") ?? false)
        XCTAssertTrue(trimmed?.detailEn.contains("lowest 40.00 (expert E5)") ?? false)
    }

    func testAnOutlierSheetIsFlagged() {
        let result = Aggregation.aggregate(sheets("A", [80, 82, 50]), settings: AggregationSettings(outlierThreshold: 20))
        XCTAssertEqual(result.outliers.map(\.expert), ["E3"])
        XCTAssertEqual(result.outliers[0].deviationHundredths, -3100)
    }

    func testNormalisationEvensOutAHarshExpert() {
        // Given expert H scores everything 20 points below expert L, on two applications where both agree on the order
        let raw = [SheetTotal(application: "A", expert: "H", total: Rational(60)), SheetTotal(application: "B", expert: "H", total: Rational(50)),
                   SheetTotal(application: "A", expert: "L", total: Rational(80)), SheetTotal(application: "B", expert: "L", total: Rational(70)),
                   // C was scored only by the lenient expert: raw, it looks better than A
                   SheetTotal(application: "C", expert: "L", total: Rational(75)), SheetTotal(application: "C", expert: "L2", total: Rational(75)),
                   SheetTotal(application: "A", expert: "L2", total: Rational(75)), SheetTotal(application: "B", expert: "L2", total: Rational(75))]
        let plain = Aggregation.aggregate(raw)
        let normalised = Aggregation.aggregate(raw, settings: AggregationSettings(normalise: true))
        let plainA = plain.scores.first { $0.application == "A" }!, plainC = plain.scores.first { $0.application == "C" }!
        XCTAssertLessThan(plainA.final, plainC.final, "raw, the harsh expert pulls A below C")
        let a = normalised.scores.first { $0.application == "A" }!, c = normalised.scores.first { $0.application == "C" }!
        XCTAssertNotNil(a.normalisedMean)
        XCTAssertGreaterThan(a.final, c.final, "normalised, A's harsh sheet counts like a lenient one")
        XCTAssertEqual(normalised.adjustments.filter { $0.kind == "normalised" }.map(\.expert), ["H", "L", "L2"])
    }

    func entry(_ id: String, _ final: Int, mean: Int? = nil, order: Int? = nil, on day: String = "2026-03-01") -> RankingEntry {
        RankingEntry(application: id, final: Rational(final), mean: Rational(mean ?? final), recommendationOrder: order, submittedOn: LocalDate(day)!)
    }

    func testTieBreaksAreTheStatedOrder() {
        let ranked = Ranking.rank([
            entry("G", 80, mean: 78),                        // loses on the raw mean
            entry("F", 80, mean: 79, order: nil),            // loses on recommendation order (none)
            entry("E", 80, mean: 79, order: 2),
            entry("D", 80, mean: 79, order: 1, on: "2026-03-02"),
            entry("C", 80, mean: 79, order: 1, on: "2026-03-01"),
            entry("B", 80, mean: 79, order: 1, on: "2026-03-01"), // ties with C to the day: id decides
            entry("A", 90),
        ], quota: 10, minimumScore: Rational(60))
        XCTAssertEqual(ranked.map(\.entry.application), ["A", "B", "C", "D", "E", "F", "G"])
        XCTAssertEqual(ranked.map(\.rank), [1, 2, 3, 4, 5, 6, 7])
    }

    func testTheQuotaAndTheMinimumScoreDecideTheProposal() {
        let ranked = Ranking.rank([entry("A", 90), entry("B", 85), entry("C", 70), entry("D", 60), entry("E", 59)],
                                  quota: 2, minimumScore: Rational(60))
        XCTAssertEqual(ranked.filter(\.proposed).map(\.entry.application), ["A", "B"])
        XCTAssertEqual(ranked.map(\.reason), [nil, nil, "beyond_quota", "beyond_quota", "below_minimum"])
        // Art 9: fewer than the quota when quality is lacking
        let thin = Ranking.rank([entry("A", 90), entry("B", 59)], quota: 10, minimumScore: Rational(60))
        XCTAssertEqual(thin.filter(\.proposed).map(\.entry.application), ["A"])
        // A fraction just below the threshold is below it: exact arithmetic, no rounding up to 60.00
        let edge = Ranking.rank([RankingEntry(application: "X", final: Rational(17999, 300), mean: Rational(60), recommendationOrder: nil, submittedOn: LocalDate("2026-03-01")!)],
                                quota: 1, minimumScore: Rational(60))
        XCTAssertEqual(edge[0].reason, "below_minimum")
    }
}
