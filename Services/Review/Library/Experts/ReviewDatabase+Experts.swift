import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The expert pool (专家库, Art 8, 11), availability per round, and conflicts of interest (回避).
extension ReviewDatabase {
    /// What the department searches the pool by; text filters match within the field.
    struct ExpertFilter: Sendable {
        var name: String?
        var unit: String?
        var screeningBody: String?
        var speciality: String?
    }

    /// Experts by id after `after`, at most `limit`, and how many match the filter in all.
    func experts(_ filter: ExpertFilter, after: String?, limit: Int) async throws -> ([Expert], Int) {
        var conditions: [String] = [], arguments: [(any DatabaseValueConvertible)?] = []
        if let name = filter.name { conditions.append("instr(name, ?) > 0"); arguments.append(name) }
        if let unit = filter.unit { conditions.append("instr(unit_name, ?) > 0"); arguments.append(unit) }
        if let body = filter.screeningBody { conditions.append("screening_body_code = ?"); arguments.append(body) }
        if let speciality = filter.speciality { conditions.append("instr(specialities, ?) > 0"); arguments.append(speciality) }
        let filtered = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let countArguments = StatementArguments(arguments)
        if let after { conditions.append("id > ?"); arguments.append(after) }
        let sql = "SELECT * FROM expert" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id LIMIT ?"
        let pageArguments = StatementArguments(arguments + [limit])
        return try await read { db in
            (try Row.fetchAll(db, sql: sql, arguments: pageArguments).map(ExpertStore.decode),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM expert" + filtered, arguments: countArguments) ?? 0)
        }
    }

    func createExpert(_ expert: Expert, by actor: String, at now: Int64) async throws {
        try await write { db in
            guard try ExpertStore.find(expert.id, in: db) == nil else {
                throw Problem.conflict("expert.exists", field: "id", zh: "专家编号 \(expert.id) 已存在", en: "an expert with id \(expert.id) exists")
            }
            try ExpertStore.save(expert, actor: actor, nowMillis: now, in: db)
            try Audit.record("expert.created", round: nil, detail: expert, actor: actor, at: now, in: db)
        }
    }

    func replaceExpert(_ expert: Expert, by actor: String, at now: Int64) async throws {
        let id = expert.id
        try await write { db in
            guard try ExpertStore.find(id, in: db) != nil else { throw Problem.notFound("expert", zh: "专家", id: id) }
            try ExpertStore.save(expert, actor: actor, nowMillis: now, in: db)
            try Audit.record("expert.updated", round: nil, detail: expert, actor: actor, at: now, in: db)
            // A relationship declared now may conflict with an application the expert already has.
            try PanelAccess.publish(applications: try PanelAccess.applications(of: id, in: db), outbox: outbox, nowMillis: now, in: db)
        }
    }

    /// An expert's availability and load in one round, while the solver may still run.
    func setAvailability(round roundID: RoundID, expert expertID: ExpertID, _ input: ExpertsController.Availability, by actor: String, at now: Int64) async throws {
        try await write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard try ExpertStore.find(expertID, in: db) != nil else { throw Problem.notFound("expert", zh: "专家", id: expertID) }
            guard round.status == .open else {
                throw Problem.conflict("round.not_open", zh: "评分已开始，专家安排须通过人工调整", en: "scoring has started; change assignments by hand instead")
            }
            try db.execute(sql: """
                INSERT INTO expert_round (round_id, expert_id, available, max_load, min_load) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (round_id, expert_id) DO UPDATE SET available = excluded.available, max_load = excluded.max_load, min_load = excluded.min_load
                """, arguments: [roundID.rawValue, expertID.rawValue, input.available, input.maxLoad, input.minLoad ?? 0])
            try Audit.record("expert.availability", round: roundID, detail: ["expert": expertID.rawValue, "available": "\(input.available)", "maxLoad": input.maxLoad.map(String.init) ?? "", "minLoad": String(input.minLoad ?? 0)],
                             actor: actor, at: now, in: db)
        }
    }

    /// Every conflict between the pool and the round's applications not withdrawn.
    func conflicts(inRound roundID: RoundID) async throws -> [Conflict] {
        try await read { db in
            let round = try RoundStore.require(roundID, in: db)
            let experts = try ExpertStore.all(in: db)
            let manual = try ConflictFinder.manual(in: db)
            return try ApplicationStore.inRound(roundID, in: db).filter { !$0.isWithdrawn }.flatMap { application in
                experts.flatMap { ConflictFinder.conflicts(expert: $0, application: application, round: round, manual: manual) }
            }
        }
    }

    /// The department records a conflict; found late, it voids the assignment and any score the expert gave.
    func addConflict(round roundID: RoundID, expert expertID: ExpertID, application applicationID: ApplicationID, reason: String, by actor: String, at now: Int64) async throws -> [Conflict] {
        try await write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard let expert = try ExpertStore.find(expertID, in: db) else { throw Problem.notFound("expert", zh: "专家", id: expertID) }
            guard let application = try ApplicationStore.find(applicationID, in: db), application.roundID == roundID else {
                throw Problem.notFound("application", zh: "申报", id: applicationID)
            }
            guard round.status == .open || round.status == .scoring else {
                throw Problem.conflict("round.scoring_closed", zh: "评分已结束，不能再登记回避", en: "scoring is closed; conflicts can no longer be added")
            }
            try db.execute(sql: "INSERT INTO manual_conflict (expert_id, application_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [expert.id.rawValue, application.id.rawValue, reason, actor, now])
            try Audit.record("conflict.added", round: roundID, application: application.id, detail: ["expert": expert.id.rawValue, "reason": reason],
                             actor: actor, at: now, in: db)
            // A conflict found late voids the assignment and any score the expert gave.
            try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application.id.rawValue, expert.id.rawValue])
            if db.changesCount > 0 {
                try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.id.rawValue, expert.id.rawValue])
                try Audit.record("assignment.removed", round: roundID, application: application.id,
                                 detail: ["expert": expert.id.rawValue, "reason": "conflict: \(reason)"], actor: actor, at: now, in: db)
            }
            try PanelAccess.publish(applications: [application.id], outbox: outbox, nowMillis: now, in: db)
            return ConflictFinder.conflicts(expert: expert, application: application, round: round, manual: try ConflictFinder.manual(in: db))
        }
    }

    /// 主动回避: the expert leaves their own assignment; their sheet, draft or submitted, goes with them.
    func recuse(expert expertID: ExpertID, application applicationID: ApplicationID, reason: String, by actor: String, at now: Date) async throws -> ExpertsController.Recusal {
        let millis = Millis.from(now)
        return try await write { db -> ExpertsController.Recusal in
            // Only the expert's own assignment can be left; anything else does not exist for them (as on every expert route).
            guard try ExpertAccess.mayRead(expert: expertID, application: applicationID, in: db),
                  let application = try ApplicationStore.find(applicationID, in: db) else {
                throw Problem.notFound("application", zh: "申报", id: applicationID)
            }
            // The reason is checked only for an own assignment, so nobody learns from a 422 what exists.
            guard !reason.isEmpty else { throw Problem.validation([.required("reason", nameZh: "回避理由", nameEn: "The reason")]) }
            guard reason.count <= 2000 else {
                throw Problem.invalid("recusal.reason_too_long", field: "reason", zh: "回避理由最多 2000 字", en: "the reason is at most 2,000 characters")
            }
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .open || round.status == .scoring else {
                throw Problem.conflict("round.scoring_closed", zh: "评分已结束，不能再申请回避", en: "scoring is closed; a recusal is no longer possible")
            }
            try db.execute(sql: "INSERT INTO manual_conflict (expert_id, application_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [expertID.rawValue, application.id.rawValue, reason, actor, millis])
            try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application.id.rawValue, expertID.rawValue])
            try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.id.rawValue, expertID.rawValue])
            try PanelAccess.publish(applications: [application.id], outbox: outbox, nowMillis: millis, in: db)
            try Audit.record("assignment.recused", round: round.id, application: application.id, detail: ["expert": expertID.rawValue, "reason": reason],
                             actor: actor, at: millis, in: db)
            return ExpertsController.Recusal(applicationId: application.id, expertId: expertID, reason: reason, recusedAt: now,
                                             panel: try PanelShortfall.panelSize(of: application.id, in: db), needed: round.expertsPerApplication)
        }
    }

    /// A sheet of experts, all or nothing: none of their ids may be in the pool already.
    func importExperts(_ experts: [(Int, Expert)], by actor: String, at now: Int64) async throws {
        try await write { db in
            var taken: [DomainIssue] = []
            for (row, expert) in experts where try ExpertStore.find(expert.id, in: db) != nil {
                taken.append(DomainIssue(code: "expert.exists", field: "rows[\(row)].id", messageZh: "第\(row)行：专家编号 \(expert.id) 已在专家库中（修改请在专家页面编辑）",
                                         messageEn: "row \(row): an expert with id \(expert.id) exists (edit them instead)"))
            }
            guard taken.isEmpty else { throw Problem(.conflict, titleZh: "专家已存在，未导入任何专家", titleEn: "experts exist; no expert was imported", issues: taken) }
            for (_, expert) in experts { try ExpertStore.save(expert, actor: actor, nowMillis: now, in: db) }
            try Audit.record("experts.imported", round: nil, detail: ["experts": experts.map(\.1.id.rawValue).joined(separator: ",")], actor: actor, at: now, in: db)
        }
    }

    func expert(_ id: ExpertID) async throws -> Expert? {
        try await read { db in try ExpertStore.find(id, in: db) }
    }
}
