import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Demonstration acceptances (Art 14): opened by review's selection, recorded by the department.
struct DemonstrationController {
    let environment: ServiceEnvironment
    let database: AssessmentDatabase

    /// Mounted at `demonstration-acceptances`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .get(":id", use: show)
            .post(":id/result", use: record)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<DemonstrationAcceptanceView> {
        try context.require(.department, .federation)
        let filter = try CaseFilter(request, statuses: ["pending", "accepted", "failed"])
        return Listing(try await database.demonstrationAcceptances(filter, page: try PageRequest.parse(request, keyParts: 3)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> DemonstrationAcceptanceView {
        try context.require(.department, .federation)
        return try await database.demonstrationAcceptance(try context.parameters.require("id"))
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> DemonstrationAcceptanceView {
        let actor = Agent(try context.require(.department))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(DemonstrationAcceptance.Input.self, context: context)
        return try await database.recordAcceptance(id, input, by: actor, at: environment.moment())
    }
}

extension DemonstrationAcceptanceView: ResponseEncodable {}
