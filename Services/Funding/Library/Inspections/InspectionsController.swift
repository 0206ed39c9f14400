import Foundation
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// Joint inspections (Art 16): the department, finance and the audit office each record findings and sign for themselves.
struct InspectionsController {
    let environment: ServiceEnvironment
    let database: FundingDatabase

    /// Mounted at `inspections`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .get(":id", use: show)
            .post(":id/findings", use: addFinding)
            .post(":id/findings/:findingId/withdrawal", use: withdrawFinding)
            .post(":id/sign-offs", use: signOff)
            .post(":id/close", use: close)
    }

    struct SignOffInput: Decodable { var note: String? }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<Inspections.View> {
        try context.require(.department, .finance, .auditOffice)
        let status = try QueryValues.oneOf(request, "status", ["scheduled", "closed"])
        let studio = request.stringQuery("studioId").map(StudioID.init)
        let year = try QueryValues.year(request)
        return Listing(try await database.inspections(status: status, studio: studio, year: year, page: try PageRequest.parse(request)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Inspections.View {
        try context.require(.department, .finance, .auditOffice)
        return try await database.inspection(try context.identifier("id"))
    }

    @Sendable func addFinding(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Inspections.View> {
        let actor = Agent(try context.require(.department, .finance, .auditOffice))
        let id: InspectionID = try context.identifier("id")
        let input = try await request.decodeJSON(Inspections.FindingInput.self, context: context)
        let view = try await database.addFinding(inspection: id, input, by: actor, at: environment.moment())
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func withdrawFinding(_ request: Request, context: AppRequestContext) async throws -> Inspections.View {
        let actor = Agent(try context.require(.department, .finance, .auditOffice))
        let id: InspectionID = try context.identifier("id")
        let finding = try context.parameters.require("findingId")
        return try await database.withdrawFinding(inspection: id, finding: finding, by: actor, at: environment.moment())
    }

    @Sendable func signOff(_ request: Request, context: AppRequestContext) async throws -> Inspections.View {
        let identity = try context.require(.department, .finance, .auditOffice)
        let id: InspectionID = try context.identifier("id")
        let input = try await request.decodeJSONIfPresent(SignOffInput.self, context: context) ?? SignOffInput()
        return try await database.signOff(inspection: id, identity: identity, note: input.note, at: environment.moment())
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Inspections.View {
        let actor = Agent(try context.require(.department))
        return try await database.close(inspection: try context.identifier("id"), by: actor, at: environment.moment())
    }
}
