import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Expert scoring (专家评分, Art 11, 13, 14): experts score only their own assignments, before the deadline;
/// a submitted sheet is final unless the department reopens it. Nobody but the department sees another
/// expert's sheet before the round closes.
struct ScoringController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at the root: a round's scoring phase, an expert's to-do and an application's sheets.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("rounds/:round/scoring", use: openScoring)
            .post("rounds/:round/close", use: close)
            .get("me/assignments", use: myAssignments)
            .get("applications/:application/score-sheets/mine", use: mine)
            .put("applications/:application/score-sheets/mine", use: save)
            .post("applications/:application/score-sheets/mine/submit", use: submit)
            .get("applications/:application/score-sheets", use: all)
            .post("applications/:application/score-sheets/:expert/reopen", use: reopen)
            .put("applications/:application/score-sheets/:expert/paper", use: enterPaper)
            .post("applications/:application/score-sheets/mine/confirm", use: confirm)
    }


    @Sendable func openScoring(_ request: Request, context: AppRequestContext) async throws -> ReviewRound {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        return try await database.openScoring(round: roundID, by: identity.actor, at: environment.now())
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> ReviewRound {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        return try await database.closeScoring(round: roundID, by: identity.actor, at: environment.now())
    }

    @Sendable func myAssignments(_ request: Request, context: AppRequestContext) async throws -> Listing<MyAssignment> {
        let identity = try context.require(.expert)
        let expert = identity.expertID
        let round = request.stringQuery("roundId").map(RoundID.init)
        let result = try await database.assignments(ofExpert: expert, round: round, page: try PageRequest.parse(request, keyParts: 1))
        return Listing(items: result.items, nextCursor: result.nextCursor)
    }

    /// The expert and the application of an expert's own route (the database answers 404 for anything not theirs).
    private func own(_ context: AppRequestContext) throws -> (expert: ExpertID, application: ApplicationID) {
        let identity = try context.require(.expert)
        let id = try context.applicationID()
        return (identity.expertID, id)
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let (expert, id) = try own(context)
        return try await database.ownSheet(expert: expert, application: id)
    }

    struct SheetInput: Decodable {
        var scores: [String: Int]?
        var comments: [String: String]?
        var comment: String?
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let input = try await request.decodeJSON(SheetInput.self, context: context)
        let (expert, id) = try own(context)
        let moment = environment.moment()
        return try await database.saveSheet(expert: expert, application: id, input, today: moment.today, at: moment.millis)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let (expert, id) = try own(context)
        let now = environment.now()
        return try await database.submitSheet(expert: expert, application: id, today: LocalDate(now), at: now)
    }

    @Sendable func all(_ request: Request, context: AppRequestContext) async throws -> Listing<ScoreSheet> {
        let identity = try context.require(.department, .federation, .expert)
        let id = try context.applicationID()
        return Listing(items: try await database.sheets(of: id, readBy: identity))
    }

    struct PaperSheetInput: Decodable {
        var scores: [String: Int]
        var comments: [String: String]?
        var comment: String?
    }

    /// 评审会: the department enters a sheet the expert scored on paper at the review meeting. It must be complete
    /// and counts as submitted (the ranking takes it); it records who entered it and when, and the expert sees it
    /// as entered for them, to confirm or correct. Only an assigned expert's sheet, never over one they submitted.
    @Sendable func enterPaper(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let identity = try context.require(.department)
        let id = try context.applicationID(), expert = try context.expertID()
        let input = try await request.decodeJSON(PaperSheetInput.self, context: context)
        let now = environment.now()
        return try await database.enterPaperSheet(application: id, expert: expert, input, by: identity.actor, today: LocalDate(now), at: now)
    }

    /// The expert confirms the sheet the department entered for them, as it stands.
    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let (expert, id) = try own(context)
        return try await database.confirmSheet(expert: expert, application: id, at: environment.now())
    }

    struct Reopen: Decodable { var reason: String }

    @Sendable func reopen(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let identity = try context.require(.department)
        let id = try context.applicationID(), expert = try context.expertID()
        let input = try await request.decodeJSON(Reopen.self, context: context)
        try Problem.requireText(input.reason, field: "reason", nameZh: "退回理由", nameEn: "The reason")
        return try await database.reopenSheet(application: id, expert: expert, reason: input.reason, by: identity.actor, at: Millis.from(environment.now()))
    }
}

extension ReviewRound {
    /// The round's aggregate as the arithmetic takes it: the trimmed mean drops the extremes from 5 sheets on, the mean never.
    var aggregationSettings: AggregationSettings {
        AggregationSettings(normalise: normalise, outlierThreshold: outlierThreshold,
                            trimFrom: aggregate == .trimmedMean ? ScoreAggregate.trimmedMeanMinimumPanel : .max)
    }
}
