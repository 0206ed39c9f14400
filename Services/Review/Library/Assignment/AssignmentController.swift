import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Runs the optimal conflict-free assignment of experts for a round, shows it, and records manual changes.
struct AssignmentController {
    let environment: ServiceEnvironment
    let database: ReviewDatabase

    /// Mounted at `rounds`.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(":round/assignment", use: run)
            .get(":round/assignment", use: show)
            .post(":round/assignment/changes", use: change)
    }

    struct AssignedExpert: Codable, Sendable {
        var expertId: ExpertID
        var source: String
        /// Speciality mismatch: 0 exact field, 1 same industry, 3 other.
        var cost: Int
    }

    struct AssignmentRow: Codable, Sendable {
        var applicationId: ApplicationID
        var experts: [AssignedExpert]
    }

    struct AssignmentView: ResponseEncodable, Sendable {
        var roundId: RoundID
        var expertsPerApplication: Int
        var totalCost: Int
        var assignments: [AssignmentRow]
        var loads: [String: Int]
        /// Applications in review whose panel is smaller than the round's (a conflict found late, a recusal): flagged
        /// until the department reassigns; scoring neither opens nor closes with one.
        var shortPanels: [PanelShortfall]
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> AssignmentView {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        return try await database.runAssignment(round: roundID, by: identity.actor, at: Millis.from(environment.now()))
    }

    /// Turns the solver's certificate into sentences a department officer can act on.
    static func explain(_ shortfall: AssignmentShortfall, applications: [String], experts: [String], k: Int) -> [DomainIssue] {
        var issues = shortfall.starved.map { starved in
            DomainIssue(code: "assignment.too_few_experts", field: "applications.\(applications[starved.application])", article: Article(11),
                        messageZh: "申报 \(applications[starved.application]) 只有 \(starved.allowedExperts) 名无回避且有余量的专家，需要 \(k) 名",
                        messageEn: "application \(applications[starved.application]) has only \(starved.allowedExperts) experts without conflict and with capacity, needs \(k)")
        }
        let names = shortfall.applications.map { applications[$0] }
        let shown = names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", … (\(names.count))" : "")
        let contributions = shortfall.contributions.map { "\(experts[$0.expert]) \($0.places)" }.joined(separator: ", ")
        issues.append(DomainIssue(code: "assignment.capacity_shortfall", field: "experts", article: Article(11),
                                  messageZh: "申报 \(shown) 共需 \(shortfall.needed) 人次评审，而可评审它们的专家最多只能提供 \(shortfall.available) 人次（\(contributions.isEmpty ? "无" : contributions)）；请增加专家、提高评审上限或减少回避",
                                  messageEn: "applications \(shown) need \(shortfall.needed) reviews, but the experts allowed to review them can give at most \(shortfall.available) (\(contributions.isEmpty ? "none" : contributions)); add experts, raise load limits or relax conflicts"))
        return issues
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> AssignmentView {
        try context.require(.department)
        let roundID = try context.roundID()
        return try await database.assignment(round: roundID)
    }

    struct Change: Decodable {
        var applicationId: ApplicationID
        var removeExpertId: ExpertID?
        var addExpertId: ExpertID?
        var reason: String
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> AssignmentView {
        let identity = try context.require(.department)
        let roundID = try context.roundID()
        let input = try await request.decodeJSON(Change.self, context: context)
        guard input.removeExpertId != nil || input.addExpertId != nil else {
            throw Problem.invalid("assignment.change_empty", field: "addExpertId", zh: "请指明要增加或撤下的专家", en: "name an expert to add or to remove")
        }
        try Problem.requireText(input.reason, field: "reason", nameZh: "调整理由", nameEn: "The reason")
        return try await database.changeAssignment(round: roundID, input, by: identity.actor, at: Millis.from(environment.now()))
    }
}
