import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The conflict-free assignment of experts (Art 11): the solver's run, the department's changes, and the view of both.
extension ReviewDatabase {
    /// Runs the optimal assignment over the round's applications that passed qualification, replacing any earlier run
    /// (and the sheets of it); refused with the solver's certificate when no assignment satisfies the round's rules.
    func runAssignment(round roundID: RoundID, by actor: String, at now: Int64) async throws -> AssignmentController.AssignmentView {
        try await write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .open else {
                throw Problem.conflict("round.not_open", zh: "评分已开始，只能人工调整专家安排", en: "scoring has started; only manual changes are possible")
            }
            let applications = try ApplicationStore.inRound(roundID, in: db).filter { $0.applicationStatus == .qualificationPassed }
            guard !applications.isEmpty else {
                throw Problem.conflict("assignment.nothing_to_assign", zh: "本批次没有通过资格审查的申报", en: "no application of this round has passed qualification review")
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
                              issues: AssignmentController.explain(shortfall, applications: applications.map(\.id.rawValue), experts: experts.map(\.id.rawValue), k: round.expertsPerApplication))
            case .minimumLoadUnmet(let unmet):
                throw Problem(.unprocessableContent, titleZh: "无法满足专家最低评审量", titleEn: "the experts' minimum loads cannot all be met", issues: unmet.map {
                    DomainIssue(code: "assignment.minimum_load_unmet", field: "experts.\(experts[$0.expert].id).minLoad",
                                messageZh: "专家 \(experts[$0.expert].id) 至少应评审 \(($0.minimum)) 件，但最优分配最多只能安排 \($0.load) 件（无回避的申报 \($0.allowedApplications) 件）",
                                messageEn: "expert \(experts[$0.expert].id) should review at least \($0.minimum) but the best assignment gives at most \($0.load) (applications without conflict: \($0.allowedApplications))")
                })
            case .assigned(let chosen, let totalCost):
                try AssignmentStore.clear(round: roundID, in: db)
                for (a, expertIndexes) in chosen.enumerated() {
                    for e in expertIndexes {
                        try AssignmentStore.insert(application: applications[a].id, expert: experts[e].id, round: roundID, source: "solver",
                                                   cost: Int(problem.pairCost(a, e)), by: actor, at: now, in: db)
                    }
                }
                let panels = Dictionary(uniqueKeysWithValues: chosen.enumerated().map { a, indexes in (applications[a].id, indexes.map { experts[$0].id }) })
                try PanelAccess.publish(round: roundID, panels: panels, outbox: outbox, nowMillis: now, in: db)
                try Audit.record("assignment.run", round: roundID, detail: ["totalCost": totalCost, "applications": applications.count, "experts": experts.count],
                                 actor: actor, at: now, in: db)
                return try Self.assignmentView(round, in: db)
            }
        }
    }

    func assignment(round roundID: RoundID) async throws -> AssignmentController.AssignmentView {
        try await read { db in try Self.assignmentView(try RoundStore.require(roundID, in: db), in: db) }
    }

    /// Adds and/or removes one expert of one application by hand, never below the round's panel size.
    func changeAssignment(round roundID: RoundID, _ input: AssignmentController.Change, by actor: String, at now: Int64) async throws -> AssignmentController.AssignmentView {
        try await write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .open || round.status == .scoring else {
                throw Problem.conflict("round.scoring_closed", zh: "评分已结束，不能调整专家安排", en: "scoring is closed; assignments are fixed")
            }
            guard let application = try ApplicationStore.find(input.applicationId, in: db), application.roundID == roundID else {
                throw Problem.notFound("application", zh: "申报", id: input.applicationId)
            }
            if let removed = input.removeExpertId {
                let status = try ScoreSheetStore.status(application: application.id, expert: removed, in: db)
                if status == "submitted" {
                    throw Problem.conflict("assignment.sheet_submitted", field: "removeExpertId", zh: "专家 \(removed) 已提交评分，须先退回评分表", en: "expert \(removed) has submitted a score sheet; reopen it first")
                }
                guard try AssignmentStore.remove(application: application.id, expert: removed, in: db) else {
                    throw Problem.notFound("assignment", zh: "专家安排", id: "\(application.id)/\(removed)")
                }
            }
            if let added = input.addExpertId {
                guard let expert = try ExpertStore.find(added, in: db) else { throw Problem.notFound("expert", zh: "专家", id: added) }
                let conflicts = ConflictFinder.conflicts(expert: expert, application: application, round: round, manual: try ConflictFinder.manual(in: db))
                if !conflicts.isEmpty {
                    throw Problem(.conflict, titleZh: "专家须回避", titleEn: "the expert has a conflict of interest", issues: conflicts.map {
                        DomainIssue(code: "conflict.\($0.rule)", field: "addExpertId", messageZh: $0.factZh, messageEn: $0.factEn)
                    })
                }
                let load = try AssignmentStore.load(of: added, round: roundID, in: db)
                let capacity = try ExpertStore.capacity(of: expert, round: roundID, in: db)
                guard load < capacity else {
                    throw Problem.conflict("assignment.load_exceeded", field: "addExpertId", zh: "专家 \(added) 本批次已评审 \(load) 件，已达上限 \(capacity)", en: "expert \(added) already has \(load) applications in this round, the limit is \(capacity)")
                }
                let exists = try AssignmentStore.exists(application: application.id, expert: added, in: db)
                if exists { throw Problem.conflict("assignment.exists", field: "addExpertId", zh: "专家 \(added) 已在评审此申报", en: "expert \(added) already reviews this application") }
                try AssignmentStore.insert(application: application.id, expert: added, round: roundID, source: "manual",
                                           cost: Int(ConflictRules.specialityCost(expertSpecialities: expert.specialities, applicationSpeciality: application.content.speciality)),
                                           by: actor, at: now, in: db)
            }
            // A panel never shrinks below the round's size by hand: a removal needs its replacement in the same change.
            let panel = try PanelShortfall.panelSize(of: application.id, in: db)
            if input.removeExpertId != nil, input.addExpertId == nil, panel < round.expertsPerApplication {
                throw Problem.invalid("assignment.panel_below_size", field: "removeExpertId", article: Article(11),
                                             zh: "撤下专家 \(input.removeExpertId!) 后，申报 \(application.id) 只剩 \(panel) 名专家，本批次每件需要 \(round.expertsPerApplication) 名；请在同一调整中指定替换专家（addExpertId）",
                                             en: "removing expert \(input.removeExpertId!) leaves application \(application.id) with \(panel) experts, the round needs \(round.expertsPerApplication); name a replacement (addExpertId) in the same change")
            }
            try PanelAccess.publish(applications: [application.id], outbox: outbox, nowMillis: now, in: db)
            try Audit.record("assignment.changed", round: roundID, application: application.id,
                             detail: ["removed": input.removeExpertId?.rawValue ?? "", "added": input.addExpertId?.rawValue ?? "", "reason": input.reason], actor: actor, at: now, in: db)
            return try Self.assignmentView(round, in: db)
        }
    }

    static func assignmentView(_ round: ReviewRound, in db: Database) throws -> AssignmentController.AssignmentView {
        let rows = try AssignmentStore.inRound(round.id, in: db)
        var byApplication: [ApplicationID: [AssignmentController.AssignedExpert]] = [:]
        var loads: [String: Int] = [:]
        var total = 0
        for row in rows {
            byApplication[row.applicationId, default: []].append(AssignmentController.AssignedExpert(expertId: row.expertId, source: row.source, cost: row.cost))
            loads[row.expertId.rawValue, default: 0] += 1
            total += row.cost
        }
        return AssignmentController.AssignmentView(roundId: round.id, expertsPerApplication: round.expertsPerApplication, totalCost: total,
                              assignments: byApplication.keys.sorted().map { AssignmentController.AssignmentRow(applicationId: $0, experts: byApplication[$0]!) }, loads: loads,
                              shortPanels: try PanelShortfall.all(in: round, in: db))
    }
}
