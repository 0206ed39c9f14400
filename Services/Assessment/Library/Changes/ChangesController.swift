import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Art 19 changes: reported to the department, adjusted by the federation.
struct ChangesController {
    let environment: ServiceEnvironment
    let settings: AssessmentSettings

    func add(to router: Router<AppRequestContext>) {
        router.post("studios/:id/change-reports", use: report)
        router.get("change-reports", use: list)
        router.post("change-reports/:id/decision", use: decide)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ChangeReportView> {
        let actor = Agent(try context.require(.department))
        let id = StudioID(try context.parameters.require("id"))
        let input = try await request.decodeJSON(ChangeReports.ReportInput.self, context: context)
        let now = environment.now()
        let referenceData = settings.referenceData
        let view = try await environment.database.write { db in
            try ChangeReports.report(studioID: id, input, referenceData: referenceData, actor: actor, today: LocalDate(now),
                                     nowMillis: Millis.from(now), in: db)
        }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ChangeReportView> {
        try context.require(.department, .federation)
        let filter = try CaseFilter(request, statuses: ["pending", "adjusted", "declined"])
        let page = try PageRequest.parse(request)
        // Oldest reported first, over (reported_at, id); the year is the year of the change reported.
        let (items, next, total) = try await environment.database.read { db in
            try filter.page("change_report", order: [("reported_at", true), ("id", false)], yearColumn: "reported_on", page: page, in: db,
                            as: ChangeReportView.init(row:))
        }
        return Listing(items: items, nextCursor: next, total: total)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> ChangeReportView {
        let actor = Agent(try context.require(.federation))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(ChangeReports.DecisionInput.self, context: context)
        let now = environment.now()
        let outbox = environment.outbox
        return try await environment.database.write { db in
            try ChangeReports.decide(reportID: id, input, actor: actor, outbox: outbox, today: LocalDate(now), nowMillis: Millis.from(now), in: db)
        }
    }
}

extension ChangeReportView: ResponseEncodable {}
