import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// Applications (申报): created (a draft, or submitted at once), amended, submitted and withdrawn by their screening
/// body, each one transaction with its event (`ApplicationWorkflow`); read by their body and the department. Another
/// body's application answers 404, so its existence does not leak.
extension IntakeDatabase {
    /// A new application in `roundID`, idempotent per `request`: the key, the rows and `application.submitted` (when
    /// submitted at once) commit together, through the group commit (the hot path). The stored response is the
    /// created view, its form written directly from the JSON it was stored with.
    func createApplication(_ form: ApplicationForm, in roundID: RoundID, submit: Bool, by body: ScreeningBody,
                           request: IdempotentRequest, at moment: Moment) async throws -> StoredResponse {
        let workflow = self.workflow
        let hints = roundHints
        // Computed here, on the request's own task, so the single writer does not: for the round as it was last read.
        let prepared = try hints.round(roundID).map {
            try ApplicationWorkflow.PreparedCreate.make(form, round: $0, body: body.code, submit: submit, today: moment.today, now: moment.millis)
        }
        return try await idempotent(request, at: moment.millis) { db in
            guard let round = try RoundStore.find(roundID, in: db) else {
                hints.forget(roundID)
                throw Problem.validation([DomainIssue(code: "round_unknown", field: "roundId", messageZh: "没有这个申报批次：\(roundID)", messageEn: "there is no round \(roundID)")])
            }
            hints.remember(round)
            let done = try workflow.createEncoded(form, round: round, body: body.code, submit: submit, today: moment.today,
                                                  now: moment.millis, prepared: prepared, in: db)
            return StoredResponse(status: 201, body: done.response)
        }
    }

    func applications(_ filter: ApplicationStore.Filter, page: PageRequest) async throws -> (items: [StoredApplication], nextCursor: String?, total: Int) {
        try await read { db in try ApplicationStore.page(filter, page: page, in: db) }
    }

    func application(_ id: ApplicationID, visibleTo caller: Caller) async throws -> ApplicationView {
        try await read { db in try Self.view(try Self.visible(id, to: caller, in: db), in: db) }
    }

    /// A draft's content is replaced as it is; a submitted or returned application gets a checked new version.
    func updateApplication(_ id: ApplicationID, form: ApplicationForm, by caller: Caller, at moment: Moment) async throws -> ApplicationView {
        let workflow = self.workflow
        return try await change(id, by: caller) { app, db in
            if app.status == IntakeStatus.draft {
                try workflow.saveDraft(&app, form: form, now: moment.millis, in: db)
            } else {
                try workflow.amend(&app, form: form, round: try Self.round(of: app, in: db), today: moment.today, now: moment.millis, in: db)
            }
        }
    }

    func submitApplication(_ id: ApplicationID, by caller: Caller, at moment: Moment) async throws -> ApplicationView {
        let workflow = self.workflow
        return try await change(id, by: caller) { app, db in
            try workflow.submit(&app, round: try Self.round(of: app, in: db), today: moment.today, now: moment.millis, in: db)
        }
    }

    func withdrawApplication(_ id: ApplicationID, reason: String?, by caller: Caller, at moment: Moment) async throws -> ApplicationView {
        let workflow = self.workflow
        return try await change(id, by: caller) { app, db in
            try workflow.withdraw(&app, round: try Self.round(of: app, in: db), reason: reason, today: moment.today, now: moment.millis, in: db)
        }
    }

    func versions(of id: ApplicationID, visibleTo caller: Caller, page: PageRequest) async throws -> (items: [ApplicationVersionView], nextCursor: String?, total: Int) {
        try await read { db in
            _ = try Self.visible(id, to: caller, in: db)
            return try ApplicationStore.versions(id, page: page, in: db)
        }
    }

    /// One step of the lifecycle on an application `caller` may see, in one transaction, answered with its view after the step.
    private func change(_ id: ApplicationID, by caller: Caller,
                        _ step: @escaping @Sendable (inout StoredApplication, Database) throws -> Void) async throws -> ApplicationView {
        try await write { db in
            var app = try Self.visible(id, to: caller, in: db)
            try step(&app, db)
            return try Self.view(app, in: db)
        }
    }

    // MARK: Steps inside a transaction

    /// The application if `caller` may see it; 404 otherwise, whether it exists or not.
    static func visible(_ id: ApplicationID, to caller: Caller, in db: Database) throws -> StoredApplication {
        guard let app = try ApplicationStore.find(id, in: db), caller.sees(body: app.screeningBody) else {
            throw Problem.notFound("application", zh: "申报", id: id.rawValue)
        }
        return app
    }

    static func round(of app: StoredApplication, in db: Database) throws -> IntakeRound {
        guard let round = try RoundStore.find(app.roundId, in: db) else { throw Problem.notFound("round", zh: "批次", id: app.roundId.rawValue) }
        return round
    }

    /// The application as read back: its attachments and status history from their tables.
    static func view(_ app: StoredApplication, in db: Database) throws -> ApplicationView {
        ApplicationView(app, attachments: try AttachmentStore.list(app.id, in: db), history: try ApplicationStore.history(app.id, in: db))
    }
}
