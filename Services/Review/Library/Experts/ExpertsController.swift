import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The expert pool (专家库, Art 8, 11), availability per round, and conflicts of interest (回避).
struct ExpertsController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at the root: the pool, an expert's part in a round, and an expert's own recusal.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("experts", use: list)
            .post("experts", use: create)
            .get("experts/:expert", use: show)
            .put("experts/:expert", use: replace)
            .put("rounds/:round/experts/:expert", use: availability)
            .get("rounds/:round/conflicts", use: conflicts)
            .post("rounds/:round/conflicts", use: addConflict)
            .post("applications/:application/recusal", use: recuse)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<Expert> {
        try context.require(.department)
        // A page at a time (by id), filtered by what the department searches by: name, unit, area, speciality.
        let page = try PageRequest.parse(request, keyParts: 1)
        let filter = ReviewDatabase.ExpertFilter(name: request.stringQuery("name"), unit: request.stringQuery("unit"), screeningBody: request.stringQuery("screeningBody"), speciality: request.stringQuery("speciality"))
        let (experts, total) = try await database.experts(filter, after: page.after?[0], limit: page.limit + 1)
        let (items, next) = page.page(experts) { [$0.id.rawValue] }
        return Listing(items: items, nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Expert {
        let identity = try context.require(.department, .expert)
        let id = try context.expertID()
        if identity.role == .expert, identity.expertID != id { throw Problem.notFound("expert", zh: "专家", id: id) }
        guard let expert = try await database.expert(id) else { throw Problem.notFound("expert", zh: "专家", id: id) }
        return expert
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Expert> {
        let identity = try context.require(.department)
        let expert = try await request.decodeJSON(Expert.self, context: context)
        let issues = expert.issues()
        guard issues.isEmpty else { throw Problem.validation(issues) }
        try await database.createExpert(expert, by: identity.actor, at: Millis.from(environment.now()))
        return EditedResponse(status: .created, response: expert)
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Expert {
        let identity = try context.require(.department)
        let id = try context.expertID()
        var input = try await request.decodeJSON(Expert.self, context: context)
        input.id = id
        let expert = input
        let issues = expert.issues()
        guard issues.isEmpty else { throw Problem.validation(issues) }
        try await database.replaceExpert(expert, by: identity.actor, at: Millis.from(environment.now()))
        return expert
    }

    struct Availability: Codable, Sendable, ResponseEncodable {
        var available: Bool
        /// This round's limit; nil keeps the expert's own.
        var maxLoad: Int?
        /// The fewest applications the expert should get in this round (a fair share); default 0.
        var minLoad: Int?
    }

    @Sendable func availability(_ request: Request, context: AppRequestContext) async throws -> Availability {
        let identity = try context.require(.department)
        let roundID = try context.roundID(), expertID = try context.expertID()
        let input = try await request.decodeJSON(Availability.self, context: context)
        if let load = input.maxLoad, !(0...200).contains(load) {
            throw Problem.invalid("expert.max_load", field: "maxLoad", zh: "评审上限须在 0 至 200 件之间", en: "maxLoad must be between 0 and 200")
        }
        if let minimum = input.minLoad, !(0...200).contains(minimum) || minimum > (input.maxLoad ?? 200) {
            throw Problem.invalid("expert.min_load", field: "minLoad", zh: "最低评审量须在 0 至评审上限之间", en: "minLoad must be between 0 and maxLoad")
        }
        try await database.setAvailability(round: roundID, expert: expertID, input, by: identity.actor, at: Millis.from(environment.now()))
        return input
    }

    @Sendable func conflicts(_ request: Request, context: AppRequestContext) async throws -> Listing<Conflict> {
        try context.require(.department)
        let roundID = try context.roundID()
        return Listing(items: try await database.conflicts(inRound: roundID))
    }

    struct ManualConflict: Decodable {
        var expertId: ExpertID
        var applicationId: ApplicationID
        var reason: String
    }

    @Sendable func addConflict(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Listing<Conflict>> {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        let input = try await request.decodeJSON(ManualConflict.self, context: context)
        try Problem.requireText(input.reason, field: "reason", nameZh: "回避理由", nameEn: "The reason")
        let conflicts = try await database.addConflict(round: roundID, expert: input.expertId, application: input.applicationId, reason: input.reason,
                                                       by: identity.actor, at: Millis.from(environment.now()))
        return EditedResponse(status: .created, response: Listing(items: conflicts))
    }
}

extension ExpertsController {
    struct RecusalInput: Decodable {
        var reason: String
    }

    struct Recusal: Codable, Sendable, ResponseEncodable {
        var applicationId: ApplicationID
        var expertId: ExpertID
        var reason: String
        var recusedAt: Date
        /// The application's panel after the recusal, and the round's size: below it, the department reassigns.
        var panel: Int
        var needed: Int
    }

    /// 主动回避: an expert who finds a conflict the rules did not (a relationship not declared before) says so and
    /// leaves the panel; their sheet, draft or submitted, goes with them, and the department reassigns.
    @Sendable func recuse(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Recusal> {
        let identity = try context.require(.expert)
        let applicationID = try context.applicationID()
        let expertID = identity.expertID
        let input = try await request.decodeJSON(RecusalInput.self, context: context)
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let recusal = try await database.recuse(expert: expertID, application: applicationID, reason: reason, by: identity.actor, at: environment.now())
        return EditedResponse(status: .created, response: recusal)
    }
}

extension Expert: ResponseEncodable {}
