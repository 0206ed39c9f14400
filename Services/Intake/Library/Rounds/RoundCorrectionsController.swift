import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The department's corrections of a round it opened (批次调整): a new deadline ("two more days, please"), a new
/// quota (Art 10 择优申报), or the round cancelled (撤销批次). Each needs a reason (`RoundRules.reasonIssue`); the
/// transactions are `IntakeDatabase`'s (`changeDeadline`, `changeQuota`, `cancelRound`), idempotent per
/// `Idempotency-Key` over the body and the path.
struct RoundCorrectionsController {
    let environment: ServiceEnvironment
    let database: IntakeDatabase
    var referenceData: ReferenceData { database.settings.referenceData }

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(":id/deadline", use: changeDeadline)
            .post(":id/quota", use: changeQuota)
            .post(":id/cancel", use: cancel)
    }

    struct DeadlineChange: Decodable { var deadline: LocalDate; var reason: String? }
    struct QuotaChange: Decodable { var quotaPerBody: Int?; var quotas: [String: Int]?; var reason: String? }
    struct Cancellation: Decodable { var reason: String? }

    @Sendable func changeDeadline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        let input = try JSONBody.decode(DeadlineChange.self, from: bytes)
        let reason = try Self.reason(input.reason)
        return try await database.changeDeadline(of: try Self.round(context), to: input.deadline, reason: reason, by: identity,
                                                 request: try Self.idempotent(request, body: bytes), at: environment.now()).response
    }

    @Sendable func changeQuota(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        let input = try JSONBody.decode(QuotaChange.self, from: bytes)
        let issues = [RoundRules.reasonIssue(input.reason)].compactMap { $0 }
            + RoundRules.quotaIssues(quotaPerBody: input.quotaPerBody, quotas: input.quotas, referenceData: referenceData)
        guard issues.isEmpty else { throw Problem.validation(issues) }
        return try await database.changeQuota(of: try Self.round(context), quotaPerBody: input.quotaPerBody, quotas: input.quotas ?? [:],
                                              reason: try Self.reason(input.reason), by: identity,
                                              request: try Self.idempotent(request, body: bytes), at: environment.now()).response
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        let input = try JSONBody.decode(Cancellation.self, from: bytes)
        let reason = try Self.reason(input.reason)
        return try await database.cancelRound(try Self.round(context), reason: reason, by: identity,
                                              request: try Self.idempotent(request, body: bytes), at: environment.now()).response
    }

    /// The correction's reason, trimmed; a 422 naming `reason` unless it is 2 to 500 characters.
    static func reason(_ text: String?) throws -> String {
        if let issue = RoundRules.reasonIssue(text) { throw Problem.validation([issue]) }
        return text!.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func round(_ context: AppRequestContext) throws -> RoundID {
        RoundID(try context.parameters.require("id"))
    }

    /// A correction's key covers its path too: the same body sent to another round, or as another correction, is another request.
    static func idempotent(_ request: Request, body: [UInt8]) throws -> IdempotentRequest {
        try IdempotentRequest(request, caller: "department", body: body + Array(request.uri.path.utf8))
    }
}
