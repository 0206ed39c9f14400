import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Runs the optimal conflict-free assignment of experts for a round, shows it, and records manual changes.
struct AssignmentController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.post("rounds/:round/assignment", use: run)
        router.get("rounds/:round/assignment", use: show)
        router.post("rounds/:round/assignment/changes", use: change)
    }

    struct AssignedExpert: Codable, Sendable {
        var expertId: String
        var source: String
        /// Speciality mismatch: 0 exact field, 1 same industry, 3 other.
        var cost: Int
    }

    struct AssignmentRow: Codable, Sendable {
        var applicationId: String
        var experts: [AssignedExpert]
    }

    struct AssignmentView: ResponseEncodable, Sendable {
        var roundId: String
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
        let roundID = try context.parameters.require("round")
        let now = Millis.from(environment.now())
        return try await environment.database.write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .open else {
                throw ProblemFactory.conflict("round.not_open", zh: "评分已开始，只能人工调整专家安排", en: "scoring has started; only manual changes are possible")
            }
            let applications = try ApplicationStore.inRound(roundID, in: db).filter { $0.applicationStatus == .qualificationPassed }
            guard !applications.isEmpty else {
                throw ProblemFactory.conflict("assignment.nothing_to_assign", zh: "本批次没有通过资格审查的申报", en: "no application of this round has passed qualification review")
            }
            let experts = try ExpertStore.all(in: db)
            let manual = try ConflictFinder.manual(in: db)
            let capacity = try experts.map { try ExpertStore.capacity(of: $0, round: roundID, in: db) }
            let minimumLoad = try experts.map { try ExpertStore.minimumLoad(of: $0, round: roundID, in: db) }
            var cost = [Int32](repeating: -1, count: applications.count * experts.count)
            for (a, application) in applications.enumerated() {
                for (e, expert) in experts.enumerated() where ConflictFinder.conflicts(expert: expert, application: application, round: round, manual: manual).isEmpty {
                    cost[a * experts.count + e] = ConflictRules.specialityCost(expertSpecialities: expert.specialities, applicationSpeciality: application.content.speciality)
                }
            }
            let problem = AssignmentProblem(applicationCount: applications.count, expertCount: experts.count,
                                            reviewsPerApplication: round.expertsPerApplication, capacity: capacity, cost: cost, minimumLoad: minimumLoad)
            switch AssignmentSolver.solve(problem) {
            case .infeasible(let shortfall):
                throw Problem(.unprocessableContent, titleZh: "无法完成专家分配", titleEn: "no assignment satisfies the round's rules",
                              issues: Self.explain(shortfall, applications: applications.map(\.id), experts: experts.map(\.id), k: round.expertsPerApplication))
            case .minimumLoadUnmet(let unmet):
                throw Problem(.unprocessableContent, titleZh: "无法满足专家最低评审量", titleEn: "the experts' minimum loads cannot all be met", issues: unmet.map {
                    DomainIssue(code: "assignment.minimum_load_unmet", field: "experts.\(experts[$0.expert].id).minLoad",
                                messageZh: "专家 \(experts[$0.expert].id) 至少应评审 \(($0.minimum)) 件，但最优分配最多只能安排 \($0.load) 件（无回避的申报 \($0.allowedApplications) 件）",
                                messageEn: "expert \(experts[$0.expert].id) should review at least \($0.minimum) but the best assignment gives at most \($0.load) (applications without conflict: \($0.allowedApplications))")
                })
            case .assigned(let chosen, let totalCost):
                try db.execute(sql: "DELETE FROM assignment WHERE round_id = ?", arguments: [roundID])
                try db.execute(sql: "DELETE FROM score_sheet WHERE round_id = ?", arguments: [roundID])
                for (a, expertIndexes) in chosen.enumerated() {
                    for e in expertIndexes {
                        try db.execute(sql: """
                            INSERT INTO assignment (application_id, expert_id, round_id, source, cost, created_by, created_at)
                            VALUES (?, ?, ?, 'solver', ?, ?, ?)
                            """, arguments: [applications[a].id, experts[e].id, roundID, Int(problem.pairCost(a, e)), identity.actor, now])
                    }
                }
                let panels = Dictionary(uniqueKeysWithValues: chosen.enumerated().map { a, indexes in (applications[a].id, indexes.map { experts[$0].id }) })
                try PanelAccess.publish(round: roundID, panels: panels, outbox: environment.outbox, nowMillis: now, in: db)
                try Audit.record("assignment.run", round: roundID, detail: ["totalCost": totalCost, "applications": applications.count, "experts": experts.count],
                                 actor: identity.actor, at: now, in: db)
                return try view(round, in: db)
            }
        }
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

    func view(_ round: ReviewRound, in db: Database) throws -> AssignmentView {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM assignment WHERE round_id = ? ORDER BY application_id, expert_id", arguments: [round.id])
        var byApplication: [String: [AssignedExpert]] = [:]
        var loads: [String: Int] = [:]
        var total = 0
        for row in rows {
            byApplication[row["application_id"], default: []].append(AssignedExpert(expertId: row["expert_id"], source: row["source"], cost: row["cost"]))
            loads[row["expert_id"], default: 0] += 1
            total += row["cost"] as Int
        }
        return AssignmentView(roundId: round.id, expertsPerApplication: round.expertsPerApplication, totalCost: total,
                              assignments: byApplication.keys.sorted().map { AssignmentRow(applicationId: $0, experts: byApplication[$0]!) }, loads: loads,
                              shortPanels: try PanelShortfall.all(in: round, in: db))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> AssignmentView {
        try context.require(.department)
        let roundID = try context.parameters.require("round")
        return try await environment.database.read { db in try view(try RoundStore.require(roundID, in: db), in: db) }
    }

    struct Change: Decodable {
        var applicationId: String
        var removeExpertId: String?
        var addExpertId: String?
        var reason: String
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> AssignmentView {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let input = try await request.decodeJSON(Change.self, context: context)
        guard input.removeExpertId != nil || input.addExpertId != nil else {
            throw ProblemFactory.invalid("assignment.change_empty", field: "addExpertId", zh: "请指明要增加或撤下的专家", en: "name an expert to add or to remove")
        }
        guard !input.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw Problem.validation([.required("reason", nameZh: "调整理由", nameEn: "The reason")]) }
        let now = Millis.from(environment.now())
        return try await environment.database.write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .open || round.status == .scoring else {
                throw ProblemFactory.conflict("round.scoring_closed", zh: "评分已结束，不能调整专家安排", en: "scoring is closed; assignments are fixed")
            }
            guard let application = try ApplicationStore.find(input.applicationId, in: db), application.roundID == roundID else {
                throw ProblemFactory.notFound("application", zh: "申报", input.applicationId)
            }
            if let removed = input.removeExpertId {
                let status = try String.fetchOne(db, sql: "SELECT status FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.id, removed])
                if status == "submitted" {
                    throw ProblemFactory.conflict("assignment.sheet_submitted", field: "removeExpertId", zh: "专家 \(removed) 已提交评分，须先退回评分表", en: "expert \(removed) has submitted a score sheet; reopen it first")
                }
                try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application.id, removed])
                guard db.changesCount > 0 else { throw ProblemFactory.notFound("assignment", zh: "专家安排", "\(application.id)/\(removed)") }
                try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.id, removed])
            }
            if let added = input.addExpertId {
                guard let expert = try ExpertStore.find(added, in: db) else { throw ProblemFactory.notFound("expert", zh: "专家", added) }
                let conflicts = ConflictFinder.conflicts(expert: expert, application: application, round: round, manual: try ConflictFinder.manual(in: db))
                if !conflicts.isEmpty {
                    throw Problem(.conflict, titleZh: "专家须回避", titleEn: "the expert has a conflict of interest", issues: conflicts.map {
                        DomainIssue(code: "conflict.\($0.rule)", field: "addExpertId", messageZh: $0.factZh, messageEn: $0.factEn)
                    })
                }
                let load = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE round_id = ? AND expert_id = ?", arguments: [roundID, added]) ?? 0
                let capacity = try ExpertStore.capacity(of: expert, round: roundID, in: db)
                guard load < capacity else {
                    throw ProblemFactory.conflict("assignment.load_exceeded", field: "addExpertId", zh: "专家 \(added) 本批次已评审 \(load) 件，已达上限 \(capacity)", en: "expert \(added) already has \(load) applications in this round, the limit is \(capacity)")
                }
                let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assignment WHERE application_id = ? AND expert_id = ?)", arguments: [application.id, added]) ?? false
                if exists { throw ProblemFactory.conflict("assignment.exists", field: "addExpertId", zh: "专家 \(added) 已在评审此申报", en: "expert \(added) already reviews this application") }
                try db.execute(sql: """
                    INSERT INTO assignment (application_id, expert_id, round_id, source, cost, created_by, created_at) VALUES (?, ?, ?, 'manual', ?, ?, ?)
                    """, arguments: [application.id, added, roundID, Int(ConflictRules.specialityCost(expertSpecialities: expert.specialities, applicationSpeciality: application.content.speciality)), identity.actor, now])
            }
            // A panel never shrinks below the round's size by hand: a removal needs its replacement in the same change.
            let panel = try PanelShortfall.panelSize(of: application.id, in: db)
            if input.removeExpertId != nil, input.addExpertId == nil, panel < round.expertsPerApplication {
                throw ProblemFactory.invalid("assignment.panel_below_size", field: "removeExpertId", article: Article(11),
                                             zh: "撤下专家 \(input.removeExpertId!) 后，申报 \(application.id) 只剩 \(panel) 名专家，本批次每件需要 \(round.expertsPerApplication) 名；请在同一调整中指定替换专家（addExpertId）",
                                             en: "removing expert \(input.removeExpertId!) leaves application \(application.id) with \(panel) experts, the round needs \(round.expertsPerApplication); name a replacement (addExpertId) in the same change")
            }
            try PanelAccess.publish(applications: [application.id], outbox: environment.outbox, nowMillis: now, in: db)
            try Audit.record("assignment.changed", round: roundID, application: application.id,
                             detail: ["removed": input.removeExpertId ?? "", "added": input.addExpertId ?? "", "reason": input.reason], actor: identity.actor, at: now, in: db)
            return try view(round, in: db)
        }
    }
}

/// An application in review with fewer experts than its round asks for.
struct PanelShortfall: Codable, Sendable, Equatable {
    var applicationId: String
    var experts: Int
    var needed: Int

    static func panelSize(of application: String, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE application_id = ?", arguments: [application]) ?? 0
    }

    /// Once applications are assigned (the solver ran, or scoring started), every one passed or under review whose
    /// panel is short. Before any assignment the whole round is unassigned, which is not a shortfall but the start.
    static func all(in round: ReviewRound, in db: Database) throws -> [PanelShortfall] {
        try Row.fetchAll(db, sql: """
            SELECT r.id, (SELECT COUNT(*) FROM assignment a WHERE a.application_id = r.id) AS experts FROM review_application r
            WHERE r.round_id = ? AND r.status IN ('qualificationPassed', 'underExpertReview')
              AND EXISTS (SELECT 1 FROM assignment WHERE round_id = ?)
            ORDER BY r.id
            """, arguments: [round.id, round.id]).compactMap { row in
            let experts: Int = row["experts"]
            return experts < round.expertsPerApplication ? PanelShortfall(applicationId: row["id"], experts: experts, needed: round.expertsPerApplication) : nil
        }
    }

    var issue: DomainIssue {
        DomainIssue(code: "scoring.panel_incomplete", field: "applications.\(applicationId)", article: Article(11),
                    messageZh: "申报 \(applicationId) 只有 \(experts) 名专家，需要 \(needed) 名；请先补派专家",
                    messageEn: "application \(applicationId) has \(experts) experts, needs \(needed); assign more first")
    }
}
