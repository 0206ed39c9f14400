import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// 申报批次: the department opens rounds; screening bodies and the department read them.
struct RoundsController {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData

    func add(to router: Router<AppRequestContext>) {
        router.post("rounds", use: open)
        router.get("rounds", use: list)
        router.get("rounds/:id", use: show)
        RoundCorrections(environment: environment, referenceData: referenceData).add(to: router)
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
        guard let input = try JSONBody.decode(OpenRound.self, from: bytes) else { throw Problem.badRequest(field: "body", zh: "缺少请求体", en: "a body is required") }
        var issues: [DomainIssue] = []
        if !(2016...9999).contains(input.year) {
            issues.append(DomainIssue(code: "round_year", field: "year", article: Article(23), messageZh: "年度须为2016年（办法生效）以后。", messageEn: "The year must be 2016 (when the rules took effect) or later."))
        }
        if input.deadline < input.opensOn {
            issues.append(DomainIssue(code: "round_deadline_before_opening", field: "deadline", messageZh: "截止日期早于开始日期。", messageEn: "The deadline is before the opening day."))
        }
        if let quota = input.quotaPerBody, quota < 1 {
            issues.append(DomainIssue(code: "round_quota", field: "quotaPerBody", article: Article(10), messageZh: "名额须为正整数。", messageEn: "A quota is a positive integer."))
        }
        for (code, quota) in (input.quotas ?? [:]).sorted(by: { $0.key < $1.key }) {
            if referenceData.screeningBody(code: code) == nil {
                issues.append(DomainIssue(code: "screening_body_unknown", field: "quotas.\(code)", messageZh: "未知的初审单位代码\(code)。", messageEn: "Unknown screening body code \(code)."))
            } else if quota < 1 {
                issues.append(DomainIssue(code: "round_quota", field: "quotas.\(code)", article: Article(10), messageZh: "名额须为正整数。", messageEn: "A quota is a positive integer."))
            }
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let now = environment.now()
        let round = IntakeRound(id: .new(), kind: input.kind ?? .naming, year: input.year, opensOn: input.opensOn, deadline: input.deadline,
                                quotaPerBody: input.quotaPerBody, quotas: input.quotas ?? [:], createdAt: now)
        return try await IdempotencyStore.run(request: request, caller: "department", body: bytes, database: environment.database, now: Millis.from(now)) { db in
            // One round per kind and year that is not cancelled: after a cancellation the department opens it again.
            if let existing = try RoundStore.current(kind: round.kind, year: round.year, in: db) {
                throw Problem(.conflict, code: "round.duplicate", field: "year",
                              zh: "\(round.year)年度的\(round.kind.nameZh)批次已经存在（\(existing.id)，未撤销）；须先撤销该批次才能重新开设",
                              en: "a \(round.kind.nameEn) round for \(round.year) already exists (\(existing.id), not cancelled); cancel it before opening another")
            }
            try RoundStore.insert(round, in: db)
            // In the round's transaction: review knows the round as soon as it exists, never a round intake lost.
            try environment.outbox.append(RoundOpened(roundID: round.id, kind: round.kind, year: round.year,
                                                      opensOn: round.opensOn, deadline: round.deadline), in: db)
            return StoredResponse(status: 201, body: try JSONBody.encode(round))
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<RoundView> {
        _ = try Caller.resolve(context, referenceData: referenceData)
        let today = LocalDate(environment.now())
        let filter = RoundStore.Filter(kind: try QueryValues.oneOf(request, "kind", ApplicationKind.allCases.map(\.rawValue)),
                                       year: try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) },
                                       cancelled: try QueryValues.boolean(request, "cancelled"))
        let page = try PageRequest.parse(request, keyParts: 4)
        let result = try await environment.database.read { db in try RoundStore.page(filter, page: page, in: db) }
        return Listing(items: result.items.map { RoundView(round: $0, today: today) }, nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RoundView {
        _ = try Caller.resolve(context, referenceData: referenceData)
        let id = RoundID(try context.parameters.require("id"))
        guard let round = try await environment.database.read({ db in try RoundStore.find(id, in: db) }) else {
            throw Problem.notFound("round", zh: "批次", id: id.rawValue)
        }
        return RoundView(round: round, today: LocalDate(environment.now()))
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
