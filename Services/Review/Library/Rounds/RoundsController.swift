import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Rounds: their settings (rubric, quota, minimum score, panel size, calendar) and their audit trail.
struct RoundsController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `rounds`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
            .get(":round", use: show)
            .patch(":round", use: configure)
            .get(":round/applications", use: applications)
            .get(":round/audit", use: audit)
    }

    struct RoundView: ResponseEncodable, Sendable {
        var round: ReviewRound
        var applications: Int
        var quotaRange: [Int]
        /// Review's business day (Asia/Shanghai, the demo clock in a demo), so a page can tell a late sheet.
        var businessDay: LocalDate
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ReviewRound> {
        try context.require(.department, .federation)
        let kind = try QueryValues.oneOf(request, "kind", ApplicationKind.allCases.map(\.rawValue))
        let year = try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) }
        let status = try QueryValues.oneOf(request, "status", ["open", "scoring", "closed", "notice", "decided"])
        let result = try await database.rounds(kind: kind, year: year, status: status, page: try PageRequest.parse(request))
        return Listing(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RoundView {
        try context.require(.department, .federation)
        let id = try context.roundID()
        let (round, count) = try await database.roundWithApplicationCount(id)
        let range = ReviewRound.quotaRange(round.kind)
        return RoundView(round: round, applications: count, quotaRange: [range.lowerBound, range.upperBound], businessDay: LocalDate(environment.now()))
    }

    /// Every field optional; only what is given changes.
    struct Settings: Decodable {
        var quota: Int?
        var minimumScore: Int?
        var expertsPerApplication: Int?
        var excludeSameScreeningBody: Bool?
        var aggregate: ScoreAggregate?
        var normalise: Bool?
        var outlierThreshold: Int?
        var rubric: Rubric?
        var scoringDeadline: LocalDate?
        var noticeWorkingDays: Int?
    }

    @Sendable func configure(_ request: Request, context: AppRequestContext) async throws -> ReviewRound {
        let identity = try context.require(.department)
        let id = try context.roundID()
        let input = try await request.decodeJSON(Settings.self, context: context)
        return try await database.configure(round: id, input, by: identity.actor, at: environment.now())
    }

    struct ApplicationSummary: Codable, Sendable {
        var applicationId: ApplicationID
        var status: String
        var version: Int
        var studioName: String
        var unitName: String
        var screeningBodyCode: String
        var speciality: String
        var submittedOn: LocalDate
        var recommendationOrder: Int?
    }

    @Sendable func applications(_ request: Request, context: AppRequestContext) async throws -> Listing<ApplicationSummary> {
        try context.require(.department, .federation)
        let id = try context.roundID()
        // A page at a time (by application id), filtered by status, county, studio name and unit name.
        let page = try PageRequest.parse(request, keyParts: 1)
        let filter = ReviewDatabase.ApplicationFilter(status: request.stringQuery("status"), screeningBody: request.stringQuery("screeningBody"), name: request.stringQuery("name"), unit: request.stringQuery("unit"))
        let (applications, total) = try await database.applications(inRound: id, filter, after: page.after?[0], limit: page.limit + 1)
        let (items, next) = page.page(applications) { [$0.id.rawValue] }
        return Listing(items: items.map {
            ApplicationSummary(applicationId: $0.id, status: $0.status, version: $0.version, studioName: $0.content.studio.name,
                               unitName: $0.content.applicantUnit.name, screeningBodyCode: $0.content.screeningBodyCode,
                               speciality: $0.content.speciality, submittedOn: $0.submittedOn, recommendationOrder: $0.content.recommendationOrder)
        }, nextCursor: next, total: total)
    }

    struct AuditEntry: Codable, Sendable {
        var id: Int64
        var applicationId: ApplicationID?
        var action: String
        var detail: String
        var actor: String
        var at: Date
    }

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Listing<AuditEntry> {
        try context.require(.department, .federation)
        let id = try context.roundID()
        let result = try await database.audit(round: id, application: request.stringQuery("applicationId").map(ApplicationID.init), action: request.stringQuery("action"),
                                              page: try PageRequest.parse(request, keyParts: 1))
        return Listing(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }
}

extension ReviewRound: ResponseEncodable {}
