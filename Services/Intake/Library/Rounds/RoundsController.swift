import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// 申报批次: the department opens rounds and corrects them (批次调整: a new deadline, "two more days, please"; a new quota,
/// Art 10 择优申报; or the round cancelled, 撤销批次, each with a reason); screening bodies and the department read them.
/// The transactions are `IntakeDatabase`'s; a correction is idempotent per `Idempotency-Key` over its body and path.
struct RoundsController {
    let environment: ServiceEnvironment
    let database: IntakeDatabase
    var referenceData: ReferenceData { database.settings.referenceData }

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(use: open)
            .get(use: list)
            .get(":id", use: show)
            .post(":id/deadline", use: changeDeadline)
            .post(":id/quota", use: changeQuota)
            .post(":id/cancel", use: cancel)
    }

    struct OpenRound: Decodable {
        var kind: ApplicationKind?
        var year: Int
        var opensOn: LocalDate
        var deadline: LocalDate
        var quotaPerBody: Int?
        var quotas: [String: Int]?
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.department)
        let bytes = try await JSONBody.bytes(request, context: context)
        let input = try JSONBody.decode(OpenRound.self, from: bytes)
        var issues: [DomainIssue] = []
        if !(2016...9999).contains(input.year) {
            issues.append(DomainIssue(code: "round_year", field: "year", article: Article(23), messageZh: "年度须为2016年（办法生效）以后。", messageEn: "The year must be 2016 (when the rules took effect) or later."))
        }
        if input.deadline < input.opensOn {
            issues.append(DomainIssue(code: "round_deadline_before_opening", field: "deadline", messageZh: "截止日期早于开始日期。", messageEn: "The deadline is before the opening day."))
        }
        issues += RoundRules.quotaIssues(quotaPerBody: input.quotaPerBody, quotas: input.quotas, referenceData: referenceData)
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let round = IntakeRound(id: .new(), kind: input.kind ?? .naming, year: input.year, opensOn: input.opensOn, deadline: input.deadline,
                                quotaPerBody: input.quotaPerBody, quotas: input.quotas ?? [:], createdAt: environment.now())
        return try await database.openRound(round, request: try IdempotentRequest(request, caller: "department", body: bytes)).response
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<RoundView> {
        _ = try Caller.resolve(context, referenceData: referenceData)
        let today = environment.moment().today
        let filter = RoundStore.Filter(kind: try QueryValues.oneOf(request, "kind", ApplicationKind.allCases.map(\.rawValue)),
                                       year: try QueryValues.year(request), cancelled: try QueryValues.boolean(request, "cancelled"))
        let result = try await database.rounds(filter, page: try PageRequest.parse(request, keyParts: 4))
        return Listing(items: result.items.map { RoundView(round: $0, today: today) }, nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RoundView {
        _ = try Caller.resolve(context, referenceData: referenceData)
        let id = RoundID(try context.parameters.require("id"))
        guard let round = try await database.round(id) else { throw Problem.notFound("round", zh: "批次", id: id.rawValue) }
        return RoundView(round: round, today: environment.moment().today)
    }

    // MARK: Corrections (批次调整)

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

/// A round as clients read it: the round, and whether intake accepts submissions for it on its business day
/// (which the demo clock may have moved), so no client has to decide that itself.
public struct RoundView: Codable, Sendable, ResponseEncodable {
    public var round: IntakeRound
    public var today: LocalDate
    public var acceptingSubmissions: Bool { round.windowIssue(on: today) == nil }

    init(round: IntakeRound, today: LocalDate) {
        self.round = round
        self.today = today
    }

    enum CodingKeys: String, CodingKey { case acceptingSubmissions, businessDay }

    public init(from decoder: any Decoder) throws {
        round = try IntakeRound(from: decoder)
        today = try decoder.container(keyedBy: CodingKeys.self).decode(LocalDate.self, forKey: .businessDay)
    }

    public func encode(to encoder: any Encoder) throws {
        try round.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(acceptingSubmissions, forKey: .acceptingSubmissions)
        try container.encode(today, forKey: .businessDay)
    }
}

extension IntakeRound: ResponseCodable {}
