import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The ranking of a round from its submitted sheets: aggregation, flags, and the proposed list by quota and minimum score.
enum RoundResults {
    struct Computed: Sendable {
        var aggregation: AggregationResult
        var ranked: [RankedApplication]
    }

    static func compute(_ round: ReviewRound, in db: Database) throws -> Computed {
        let aggregation = Aggregation.aggregate(try ScoreSheetStore.submittedTotals(round: round, in: db), settings: round.aggregationSettings)
        let applications = Dictionary(uniqueKeysWithValues: try ApplicationStore.inRound(round.id, in: db).map { ($0.id, $0) })
        let entries = aggregation.scores.compactMap { score -> RankingEntry? in
            guard let application = applications[score.application] else { return nil }
            return RankingEntry(application: score.application, final: score.final, mean: score.mean,
                                recommendationOrder: application.content.recommendationOrder, submittedOn: application.submittedOn)
        }
        return Computed(aggregation: aggregation, ranked: Ranking.rank(entries, quota: round.quota, minimumScore: Rational(round.minimumScore)))
    }
}

struct RankingController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.get("rounds/:round/ranking", use: ranking)
    }

    struct Line: Codable, Sendable {
        var rank: Int
        var applicationId: String
        var studioName: String
        var sheets: Int
        /// Scores out of 100 in hundredths, as text (`87.33`): exact fractions rounded only for display.
        var mean: String
        var trimmedMean: String?
        var normalisedMean: String?
        var final: String
        var proposed: Bool
        var reason: String?
    }

    struct RankingView: ResponseEncodable, Sendable {
        var roundId: String
        var status: RoundStatus
        var quota: Int
        var minimumScore: Int
        var tieBreaks: [String]
        var lines: [Line]
        var adjustments: [Adjustment]
        var outliers: [OutlierFlag]
    }

    static let tieBreaks = [
        "final score, higher first / 最终得分高者优先",
        "plain mean of raw sheets, higher first / 原始平均分高者优先",
        "screening body's recommendation order, lower first, none last / 初审单位推荐顺序靠前者优先",
        "earlier submission day / 提交日期早者优先",
        "application id, ascending / 申报编号升序",
    ]

    @Sendable func ranking(_ request: Request, context: AppRequestContext) async throws -> RankingView {
        let identity = try context.require(.department, .federation)
        let roundID = try context.parameters.require("round")
        return try await environment.database.read { db in
            let round = try RoundStore.require(roundID, in: db)
            if identity.role == .federation, round.status == .open || round.status == .scoring {
                throw Problem(.forbidden, code: "scoring.sheets_hidden", field: "-", zh: "评分结束前，只有经济工作部可以查看评分", en: "until the round closes, only the department sees scores")
            }
            let computed = try RoundResults.compute(round, in: db)
            let scores = Dictionary(uniqueKeysWithValues: computed.aggregation.scores.map { ($0.application, $0) })
            let lines = try computed.ranked.map { ranked -> Line in
                let score = scores[ranked.entry.application]!
                let name = try ApplicationStore.find(ranked.entry.application, in: db)?.content.studio.name ?? ""
                return Line(rank: ranked.rank, applicationId: ranked.entry.application, studioName: name, sheets: score.sheets,
                            mean: score.mean.description, trimmedMean: score.trimmedMean?.description, normalisedMean: score.normalisedMean?.description,
                            final: score.final.description, proposed: ranked.proposed, reason: ranked.reason)
            }
            return RankingView(roundId: round.id, status: round.status, quota: round.quota, minimumScore: round.minimumScore, tieBreaks: Self.tieBreaks,
                               lines: lines, adjustments: computed.aggregation.adjustments, outliers: computed.aggregation.outliers)
        }
    }
}
