import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// `POST /studios/{id}/assessments`: the department records the end-of-cycle assessment (Art 17).
struct AssessmentsController {
    let environment: ServiceEnvironment
    let settings: AssessmentSettings

    func add(to router: Router<AppRequestContext>) {
        router.post("studios/:id/assessments", use: record)
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
        let id = StudioID(try context.parameters.require("id"))
        let input = try await request.decodeJSON(CycleAssessmentInput.self, context: context)
        try await Expiry.sweep(environment, settings: settings)
        let now = environment.now()
        let outbox = environment.outbox
        let settings = self.settings
        let outcome = try await environment.database.write { db in
            try CycleAssessment.record(input, studioID: id, actor: actor, settings: settings, outbox: outbox,
                                       today: LocalDate(now), nowMillis: Millis.from(now), in: db)
        }
        return EditedResponse(status: .created, response: Recorded(
            assessment: outcome.assessment, status: outcome.studio.status, cycle: outcome.studio.cycle, noticeId: outcome.noticeID))
    }
}
