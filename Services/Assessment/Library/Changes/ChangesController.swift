import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Art 19 changes: reported to the department, adjusted by the federation.
struct ChangesController {
    let environment: ServiceEnvironment
    let database: AssessmentDatabase

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("studios/:id/change-reports", use: report)
            .get("change-reports", use: list)
            .post("change-reports/:id/decision", use: decide)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ChangeReportView> {
        let actor = Agent(try context.require(.department))
        let id: StudioID = try context.identifier("id")
        let input = try await request.decodeJSON(ChangeReports.ReportInput.self, context: context)
        return EditedResponse(status: .created, response: try await database.reportChange(studio: id, input, by: actor, at: environment.moment()))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ChangeReportView> {
        try context.require(.department, .federation)
        let filter = try CaseFilter(request, statuses: ["pending", "adjusted", "declined"])
        return Listing(try await database.changeReports(filter, page: try PageRequest.parse(request)))
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> ChangeReportView {
        let actor = Agent(try context.require(.federation))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(ChangeReports.DecisionInput.self, context: context)
        return try await database.decideChange(id, input, by: actor, at: environment.moment())
    }
}

extension ChangeReportView: ResponseEncodable {}
