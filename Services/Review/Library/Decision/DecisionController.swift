import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The public notice (公示) of the proposed list, objections (异议) and the city federation's decision (Art 11, 13, 14).
struct DecisionController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `rounds`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(":round/notice", use: publish)
            .get(":round/notice", use: show)
            .post(":round/objections", use: object)
            .post(":round/objections/:objection/resolution", use: resolve)
            .post(":round/decision", use: decide)
    }

    var today: LocalDate { LocalDate(environment.now()) }

    struct NoticeInput: Decodable {
        /// The proposed list, best first; omitted = the ranking's proposal. Any subset of it (Art 9: quality decides).
        var applicationIds: [ApplicationID]?
        var startsOn: LocalDate?
        var note: String?
    }

    struct ObjectionView: Codable, Sendable {
        var id: Int64
        var applicationId: ApplicationID
        var text: String
        var receivedOn: LocalDate
        var recordedBy: String
        var upheld: Bool?
        var resolution: String?
        var resolvedBy: String?
        /// `department` (recorded by hand) or `public` (lodged on the public notice by anyone).
        var source: String
        /// Who lodged a public objection and how to reach them: for the department, never on a public page.
        var objectorName: String?
        var objectorContact: String?
    }

    struct NoticeView: ResponseEncodable, Sendable {
        var roundId: RoundID
        var applicationIds: [ApplicationID]
        var startsOn: LocalDate
        var endsOn: LocalDate
        var workingDays: Int
        var note: String?
        var publishedBy: String
        var objections: [ObjectionView]
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> NoticeView {
        try context.require(.department, .federation)
        let roundID = try context.roundID()
        guard let notice = try await database.notice(round: roundID) else { throw Problem.notFound("public notice", zh: "公示", id: roundID) }
        return notice
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<NoticeView> {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        let input = try await request.decodeJSON(NoticeInput.self, context: context)
        let view = try await database.publishNotice(round: roundID, input, by: identity.actor, at: environment.now(), today: today)
        return EditedResponse(status: .created, response: view)
    }

    struct ObjectionInput: Decodable {
        var applicationId: ApplicationID
        var text: String
        var receivedOn: LocalDate?
    }

    @Sendable func object(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<NoticeView> {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        let input = try await request.decodeJSON(ObjectionInput.self, context: context)
        let view = try await database.recordObjection(round: roundID, input, receivedOn: input.receivedOn ?? today, by: identity.actor, at: Millis.from(environment.now()))
        return EditedResponse(status: .created, response: view)
    }

    struct Resolution: Decodable {
        /// True: the objection holds and the application leaves the list.
        var upheld: Bool
        var resolution: String
    }

    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> NoticeView {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        let objectionID = try context.parameters.require("objection", as: Int64.self)
        let input = try await request.decodeJSON(Resolution.self, context: context)
        try Problem.requireText(input.resolution, field: "resolution", nameZh: "处理意见", nameEn: "The resolution")
        return try await database.resolveObjection(objectionID, round: roundID, input, by: identity.actor, at: Millis.from(environment.now()))
    }

    struct Outcome: Codable, Sendable {
        var applicationId: ApplicationID
        var status: ApplicationStatus
        var studioId: StudioID?
    }

    struct DecisionView: ResponseEncodable, Sendable {
        var roundId: RoundID
        var decidedOn: LocalDate
        var decidedBy: String
        var outcomes: [Outcome]
    }

    /// 市总工会 may approve the list without entries that drew an objection during the 公示, even one the department
    /// found unfounded: it decides the naming (Art 11). The reason is recorded and told to the applicant.
    struct DecisionInput: Decodable {
        var excludeApplicationIds: [ApplicationID]?
        var reason: String?
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> DecisionView {
        let identity = try context.require(.federation)
        let roundID = try context.roundID()
        let input = try await request.decodeJSONIfPresent(DecisionInput.self, context: context) ?? DecisionInput()
        let excluded = Set(input.excludeApplicationIds ?? [])
        try SelectionRule.checkExclusion(excluded, reason: input.reason)
        return try await database.decide(round: roundID, excluding: excluded, reason: input.reason, by: identity.actor, at: environment.now(), decidedOn: today)
    }
}
