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
            guard let application = applications[ApplicationID(score.application)] else { return nil }
            return RankingEntry(application: score.application, final: score.final, mean: score.mean,
                                recommendationOrder: application.content.recommendationOrder, submittedOn: application.submittedOn)
        }
        return Computed(aggregation: aggregation, ranked: Ranking.rank(entries, quota: round.quota, minimumScore: Rational(round.minimumScore)))
    }
}

struct RankingController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `rounds`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(":round/ranking", use: ranking)
    }

    struct Line: Codable, Sendable {
        var rank: Int
        var applicationId: ApplicationID
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
        var roundId: RoundID
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
        let roundID = try context.roundID()
        return try await database.ranking(round: roundID, readBy: identity.role)
    }
}
