import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The ranking of a round (Art 11): before the round closes only the department sees it.
extension ReviewDatabase {
    func ranking(round roundID: RoundID, readBy role: Role) async throws -> RankingController.RankingView {
        try await read { db in
            let round = try RoundStore.require(roundID, in: db)
            if role == .federation, round.status == .open || round.status == .scoring {
                throw Problem(.forbidden, code: "scoring.sheets_hidden", field: "-", zh: "评分结束前，只有经济工作部可以查看评分", en: "until the round closes, only the department sees scores")
            }
            let computed = try RoundResults.compute(round, in: db)
            let scores = Dictionary(uniqueKeysWithValues: computed.aggregation.scores.map { ($0.application, $0) })
            let lines = try computed.ranked.map { ranked -> RankingController.Line in
                let score = scores[ranked.entry.application]!
                let id = ApplicationID(ranked.entry.application)
                let name = try ApplicationStore.find(id, in: db)?.content.studio.name ?? ""
                return RankingController.Line(rank: ranked.rank, applicationId: id, studioName: name, sheets: score.sheets,
                            mean: score.mean.description, trimmedMean: score.trimmedMean?.description, normalisedMean: score.normalisedMean?.description,
                            final: score.final.description, proposed: ranked.proposed, reason: ranked.reason)
            }
            return RankingController.RankingView(roundId: round.id, status: round.status, quota: round.quota, minimumScore: round.minimumScore, tieBreaks: RankingController.tieBreaks,
                               lines: lines, adjustments: computed.aggregation.adjustments, outliers: computed.aggregation.outliers)
        }
    }

    /// The applications of `ids`, in their order (nil for one review does not hold).
    func applications(_ ids: [ApplicationID]) async throws -> [ReviewApplication?] {
        try await read { db in try ids.map { try ApplicationStore.find($0, in: db) } }
    }
}
