import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Applications (申报): a screening body creates, amends, submits, withdraws and reads its own; the department
/// reads all. Another body's application answers 404, so its existence does not leak.
struct ApplicationsController {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData
    var workflow: ApplicationWorkflow { ApplicationWorkflow(outbox: environment.outbox) }
    var database: any DatabaseWriter { environment.database }

    func add(to router: Router<AppRequestContext>) {
        router.post("applications", use: create)
        router.get("applications", use: list)
        router.get("applications/:id", use: show)
        router.put("applications/:id", use: update)
        router.post("applications/:id/submit", use: submit)
        router.post("applications/:id/withdraw", use: withdraw)
        router.get("applications/:id/versions", use: versions)
    }

    struct CreateApplication: Decodable {
        var roundId: RoundID
        /// Submit at once (the form is checked now); a draft otherwise.
        var submit: Bool?
        var form: ApplicationForm
    }

    struct Withdrawal: Decodable { var reason: String? }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try Caller.screeningBody(context, referenceData: referenceData)
        let bytes = try await JSONBody.bytes(request, context: context)
        guard let input = try JSONBody.decode(CreateApplication.self, from: bytes) else { throw Problem.badRequest(field: "body", zh: "缺少请求体", en: "a body is required") }
        let now = environment.now()
        let today = LocalDate(now)
        let workflow = self.workflow
        return try await IdempotencyStore.run(request: request, caller: Caller.screeningBody(body).idempotencyScope, body: bytes,
                                              database: database, now: Millis.from(now)) { db in
            guard let round = try RoundStore.find(input.roundId, in: db) else {
                throw Problem.validation([DomainIssue(code: "round_unknown", field: "roundId", messageZh: "没有这个申报批次：\(input.roundId)", messageEn: "there is no round \(input.roundId)")])
            }
            let (app, formJSON) = try workflow.createEncoded(input.form, round: round, body: body.code, submit: input.submit ?? false,
                                                             today: today, now: Millis.from(now), in: db)
            let body = try Self.encode(Self.createdView(app), formJSON: formJSON)
            return StoredResponse(status: 201, body: body)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ApplicationSummaryView> {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // A screening body sees its own; the department may narrow to one county's body.
        let filter = ApplicationStore.Filter(
            round: text("roundId").map(RoundID.init), screeningBody: caller.bodyCode ?? text("screeningBody"), status: text("status"),
            year: try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) },
            kind: try QueryValues.oneOf(request, "kind", ApplicationKind.allCases.map(\.rawValue)), name: text("name"), unit: text("unit"))
        let page = try PageRequest.parse(request)
        let result = try await database.read { db in try ApplicationStore.page(filter, page: page, in: db) }
        return Listing(items: result.items.map(\.summary), nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        return try await database.read { db in try Self.view(try Self.visible(id, to: caller, in: db), in: db) }
    }

    /// A draft's content is replaced as it is; a submitted or returned application gets a checked new version.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let form = try await request.decodeJSON(ApplicationForm.self, context: context)
        let (moment, workflow) = (environment.moment(), self.workflow)
        let (now, today) = (moment.millis, moment.today)
        return try await database.write { db in
            var app = try Self.visible(id, to: caller, in: db)
            if app.status == IntakeStatus.draft {
                try workflow.saveDraft(&app, form: form, now: now, in: db)
            } else {
                try workflow.amend(&app, form: form, round: try Self.round(of: app, in: db), today: today, now: now, in: db)
            }
            return try Self.view(app, in: db)
        }
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let (moment, workflow) = (environment.moment(), self.workflow)
        let (now, today) = (moment.millis, moment.today)
        return try await database.write { db in
            var app = try Self.visible(id, to: caller, in: db)
            try workflow.submit(&app, round: try Self.round(of: app, in: db), today: today, now: now, in: db)
            return try Self.view(app, in: db)
        }
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let input = try JSONBody.decode(Withdrawal.self, from: try await JSONBody.bytes(request, context: context), optional: true)
        let (moment, workflow) = (environment.moment(), self.workflow)
        let (now, today) = (moment.millis, moment.today)
        return try await database.write { db in
            var app = try Self.visible(id, to: caller, in: db)
            try workflow.withdraw(&app, round: try Self.round(of: app, in: db), reason: input?.reason, today: today, now: now, in: db)
            return try Self.view(app, in: db)
        }
    }

    @Sendable func versions(_ request: Request, context: AppRequestContext) async throws -> Listing<ApplicationVersionView> {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        let page = try PageRequest.parse(request, keyParts: 1)
        let result = try await database.read { db in
            _ = try Self.visible(id, to: caller, in: db)
            return try ApplicationStore.versions(id, page: page, in: db)
        }
        return Listing(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }

    // MARK: Helpers

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

    /// The view of an application `ApplicationWorkflow.create` has just written, without reading it back: a new
    /// application has no attachments yet, and its history is what `create` recorded (`draft`, then `submitted`
    /// when submitted at once), each at its creation instant with no reasons. Debug builds (the tests) check it
    /// against `view` on every create.
    static func createdView(_ app: StoredApplication) -> ApplicationView {
        let statuses = app.status == IntakeStatus.draft ? [IntakeStatus.draft] : [IntakeStatus.draft, app.status]
        let at = Millis.date(app.createdAt)
        let history = statuses.map { status in
            let names = IntakeStatus.names(status)
            return StatusEntryView(status: status, statusZh: names.zh, statusEn: names.en, source: "intake", reasons: [], at: at)
        }
        return view(app, attachments: [], history: history)
    }

    /// The view, with its form given as `formJSON` (the bytes `FormJSON` wrote for that form), so the form, the largest
    /// part, is not encoded a second time; what `FormJSON` leaves to the encoder goes through it (`FormJSONTests`).
    static func encode(_ view: ApplicationView, formJSON: String) throws -> Data {
        if let direct = FormJSON.data(view, writing: ApplicationForm.self, as: formJSON) { return direct }
        return try JSONBody.encode(view)
    }

    static func view(_ app: StoredApplication, in db: Database) throws -> ApplicationView {
        view(app, attachments: try AttachmentStore.list(app.id, in: db), history: try ApplicationStore.history(app.id, in: db))
    }

    static func view(_ app: StoredApplication, attachments: [AttachmentView], history: [StatusEntryView]) -> ApplicationView {
        let names = IntakeStatus.names(app.status)
        return ApplicationView(
            id: app.id, kind: app.kind, roundId: app.roundId, screeningBodyCode: app.screeningBody, status: app.status,
            statusZh: names.zh, statusEn: names.en, statusReasons: app.statusReasons, version: app.version,
            submittedOn: app.submittedOn, withdrawnOn: app.withdrawnOn, form: app.form,
            attachments: attachments, statusHistory: history,
            createdAt: Millis.date(app.createdAt), updatedAt: Millis.date(app.updatedAt))
    }
}
