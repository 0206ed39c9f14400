import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Revocation cases (Art 20): the department opens one, the federation decides it.
struct RevocationController {
    let environment: ServiceEnvironment
    let database: AssessmentDatabase

    /// Mounted at `revocation-cases`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .post(use: open)
            .get(":id", use: show)
            .post(":id/decision", use: decide)
    }

    struct OpenInput: Decodable, Sendable {
        var studioId: StudioID
        var description: String
        var foundOn: LocalDate
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<RevocationCaseView> {
        try context.require(.department, .federation)
        let filter = try CaseFilter(request, statuses: ["open", "revoked", "dismissed"])
        return Listing(try await database.revocationCases(filter, page: try PageRequest.parse(request)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RevocationCaseView {
        try context.require(.department, .federation)
        return try await database.revocationCase(try context.parameters.require("id"))
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<RevocationCaseView> {
        let actor = Agent(try context.require(.department))
        let input = try await request.decodeJSON(OpenInput.self, context: context)
        let moment = environment.moment()
        var issues = Check.text(input.description, field: "description", nameZh: "查实情况", nameEn: "the description", max: 2000)
        issues += Check.notInFuture(input.foundOn, today: moment.today, field: "foundOn", nameZh: "查实日期", nameEn: "foundOn")
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let view = try await database.openCase(studio: input.studioId, description: input.description.trimmed, foundOn: input.foundOn, by: actor, at: moment)
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> RevocationCaseView {
        let actor = Agent(try context.require(.federation))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(RevocationCases.DecisionInput.self, context: context)
        return try await database.decideCase(id, input, by: actor, at: environment.moment())
    }
}

extension RevocationCaseView: ResponseEncodable {}
