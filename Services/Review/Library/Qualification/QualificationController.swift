import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// 资格审查、项目审查 (Art 11): the department passes an application, fails it with reasons, or returns it to the
/// screening body for amendment. Every decision is kept with who and when; intake hears of each.
struct QualificationController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `applications`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(":application/qualification", use: decide)
            .get(":application", use: show)
    }

    enum Outcome: String, Codable, Sendable { case pass, fail, `return` }

    struct Decision: Decodable {
        var outcome: Outcome
        var reasons: [DomainIssue]?
    }

    struct DecisionView: Codable, Sendable {
        var outcome: String
        var reasons: [DomainIssue]
        var applicationVersion: Int
        var decidedBy: String
        var decidedAt: Date
    }

    struct ApplicationView: ResponseEncodable, Sendable {
        var applicationId: ApplicationID
        var roundId: RoundID
        var status: String
        var version: Int
        var submittedOn: LocalDate
        var content: ApplicationContent
        /// Department and federation only.
        var qualification: [DecisionView]?
        var experts: [ExpertID]?
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let identity = try context.require(.department)
        let id = try context.applicationID()
        let input = try await request.decodeJSON(Decision.self, context: context)
        let reasons = input.reasons ?? []
        return try await database.decideQualification(application: id, outcome: input.outcome, reasons: reasons, by: identity.actor, at: Millis.from(environment.now()))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let identity = try context.require(.department, .federation, .expert)
        let id = try context.applicationID()
        return try await database.application(id, readBy: identity)
    }
}
