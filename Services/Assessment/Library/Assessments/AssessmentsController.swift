import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// `POST /studios/{id}/assessments`: the department records the end-of-cycle assessment (Art 17).
struct AssessmentsController {
    let environment: ServiceEnvironment
    let database: AssessmentDatabase

    /// Mounted at `studios`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).post(":id/assessments", use: record)
    }

    struct Recorded: ResponseEncodable, Sendable {
        var assessment: CycleAssessmentView
        var status: StudioStatus
        /// The cycle the studio is in now (the next one after a pass).
        var cycle: StudioCycle
        var noticeId: NoticeID?
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Recorded> {
        let actor = Agent(try context.require(.department))
        let id: StudioID = try context.identifier("id")
        let input = try await request.decodeJSON(CycleAssessmentInput.self, context: context)
        let outcome = try await database.recordAssessment(studio: id, input, by: actor, at: environment.moment())
        return EditedResponse(status: .created, response: Recorded(
            assessment: outcome.assessment, status: outcome.studio.status, cycle: outcome.studio.cycle, noticeId: outcome.noticeID))
    }
}
