import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// Applications (申报): a screening body creates, amends, submits, withdraws and reads its own; the department
/// reads all. Another body's application answers 404, so its existence does not leak.
struct ApplicationsController {
    let environment: ServiceEnvironment
    let database: IntakeDatabase
    var referenceData: ReferenceData { database.settings.referenceData }

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(use: create)
            .get(use: list)
            .get(":id", use: show)
            .put(":id", use: update)
            .post(":id/submit", use: submit)
            .post(":id/withdraw", use: withdraw)
            .get(":id/versions", use: versions)
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
        let input = try JSONBody.decode(CreateApplication.self, from: bytes)
        let idempotent = try IdempotentRequest(request, caller: Caller.screeningBody(body).idempotencyScope, body: bytes)
        return try await database.createApplication(input.form, in: input.roundId, submit: input.submit ?? false, by: body,
                                                    request: idempotent, at: environment.moment()).response
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ApplicationSummaryView> {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        // A screening body sees its own; the department may narrow to one county's body.
        let filter = ApplicationStore.Filter(
            round: request.queryText("roundId").map(RoundID.init), screeningBody: caller.bodyCode ?? request.queryText("screeningBody"),
            status: request.queryText("status"), year: try QueryValues.year(request),
            kind: try QueryValues.oneOf(request, "kind", ApplicationKind.allCases.map(\.rawValue)),
            name: request.queryText("name"), unit: request.queryText("unit"))
        let result = try await database.applications(filter, page: try PageRequest.parse(request))
        return Listing(items: result.items.map(\.summary), nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        return try await database.application(id, visibleTo: caller)
    }

    /// A draft's content is replaced as it is; a submitted or returned application gets a checked new version.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let form = try await request.decodeJSON(ApplicationForm.self, context: context)
        return try await database.updateApplication(id, form: form, by: caller, at: environment.moment())
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        return try await database.submitApplication(id, by: caller, at: environment.moment())
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> ApplicationView {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let input = try JSONBody.decodeIfPresent(Withdrawal.self, from: try await JSONBody.bytes(request, context: context))
        return try await database.withdrawApplication(id, reason: input?.reason, by: caller, at: environment.moment())
    }

    @Sendable func versions(_ request: Request, context: AppRequestContext) async throws -> Listing<ApplicationVersionView> {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        return Listing(try await database.versions(of: id, visibleTo: caller, page: try PageRequest.parse(request, keyParts: 1)))
    }
}
