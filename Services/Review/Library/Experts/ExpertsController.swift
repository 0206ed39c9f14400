import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The expert pool (专家库, Art 8, 11), availability per round, and conflicts of interest (回避).
struct ExpertsController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.get("experts", use: list)
        router.post("experts", use: create)
        router.get("experts/:expert", use: show)
        router.put("experts/:expert", use: replace)
        router.put("rounds/:round/experts/:expert", use: availability)
        router.get("rounds/:round/conflicts", use: conflicts)
        router.post("rounds/:round/conflicts", use: addConflict)
        router.post("applications/:application/recusal", use: recuse)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Items<Expert> {
        try context.require(.department)
        // A page at a time (by id), filtered by what the department searches by: name, unit, area, speciality.
        let page = try PageRequest.parse(request, keyParts: 1)
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var conditions: [String] = [], arguments: [(any DatabaseValueConvertible)?] = []
        if let name = text("name") { conditions.append("instr(name, ?) > 0"); arguments.append(name) }
        if let unit = text("unit") { conditions.append("instr(unit_name, ?) > 0"); arguments.append(unit) }
        if let body = text("screeningBody") { conditions.append("screening_body_code = ?"); arguments.append(body) }
        if let speciality = text("speciality") { conditions.append("instr(specialities, ?) > 0"); arguments.append(speciality) }
        let filtered = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let countArguments = StatementArguments(arguments)
        if let after = page.after { conditions.append("id > ?"); arguments.append(after[0]) }
        let sql = "SELECT * FROM expert" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id LIMIT ?"
        let pageArguments = StatementArguments(arguments + [page.limit + 1])
        let (experts, total) = try await environment.database.read { db in
            (try Row.fetchAll(db, sql: sql, arguments: pageArguments).map(ExpertStore.decode),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM expert" + filtered, arguments: countArguments) ?? 0)
        }
        let (items, next) = page.page(experts) { [$0.id] }
        return Items(items: items, nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Expert {
        let identity = try context.require(.department, .expert)
        let id = try context.parameters.require("expert")
        if identity.role == .expert, identity.subject != id { throw ProblemFactory.notFound("expert", zh: "专家", id) }
        guard let expert = try await environment.database.read({ db in try ExpertStore.find(id, in: db) }) else { throw ProblemFactory.notFound("expert", zh: "专家", id) }
        return expert
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Expert> {
        let identity = try context.require(.department)
        let expert = try await request.decodeJSON(Expert.self, context: context)
        let issues = expert.issues()
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let now = Millis.from(environment.now())
        try await environment.database.write { db in
            guard try ExpertStore.find(expert.id, in: db) == nil else {
                throw ProblemFactory.conflict("expert.exists", field: "id", zh: "专家编号 \(expert.id) 已存在", en: "an expert with id \(expert.id) exists")
            }
            try ExpertStore.save(expert, actor: identity.actor, nowMillis: now, in: db)
            try Audit.record("expert.created", round: nil, detail: expert, actor: identity.actor, at: now, in: db)
        }
        return EditedResponse(status: .created, response: expert)
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Expert {
        let identity = try context.require(.department)
        let id = try context.parameters.require("expert")
        var input = try await request.decodeJSON(Expert.self, context: context)
        input.id = id
        let expert = input
        let issues = expert.issues()
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let now = Millis.from(environment.now())
        try await environment.database.write { db in
            guard try ExpertStore.find(id, in: db) != nil else { throw ProblemFactory.notFound("expert", zh: "专家", id) }
            try ExpertStore.save(expert, actor: identity.actor, nowMillis: now, in: db)
            try Audit.record("expert.updated", round: nil, detail: expert, actor: identity.actor, at: now, in: db)
            // A relationship declared now may conflict with an application the expert already has.
            try PanelAccess.publish(applications: try PanelAccess.applications(of: id, in: db), outbox: environment.outbox, nowMillis: now, in: db)
        }
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
        let roundID = try context.parameters.require("round"), expertID = try context.parameters.require("expert")
        let input = try await request.decodeJSON(Availability.self, context: context)
        if let load = input.maxLoad, !(0...200).contains(load) {
            throw ProblemFactory.invalid("expert.max_load", field: "maxLoad", zh: "评审上限须在 0 至 200 件之间", en: "maxLoad must be between 0 and 200")
        }
        if let minimum = input.minLoad, !(0...200).contains(minimum) || minimum > (input.maxLoad ?? 200) {
            throw ProblemFactory.invalid("expert.min_load", field: "minLoad", zh: "最低评审量须在 0 至评审上限之间", en: "minLoad must be between 0 and maxLoad")
        }
        let now = Millis.from(environment.now())
        try await environment.database.write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard try ExpertStore.find(expertID, in: db) != nil else { throw ProblemFactory.notFound("expert", zh: "专家", expertID) }
            guard round.status == .open else {
                throw ProblemFactory.conflict("round.not_open", zh: "评分已开始，专家安排须通过人工调整", en: "scoring has started; change assignments by hand instead")
            }
            try db.execute(sql: """
                INSERT INTO expert_round (round_id, expert_id, available, max_load, min_load) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (round_id, expert_id) DO UPDATE SET available = excluded.available, max_load = excluded.max_load, min_load = excluded.min_load
                """, arguments: [roundID, expertID, input.available, input.maxLoad, input.minLoad ?? 0])
            try Audit.record("expert.availability", round: roundID, detail: ["expert": expertID, "available": "\(input.available)", "maxLoad": input.maxLoad.map(String.init) ?? "", "minLoad": String(input.minLoad ?? 0)],
                             actor: identity.actor, at: now, in: db)
        }
        return input
    }

    @Sendable func conflicts(_ request: Request, context: AppRequestContext) async throws -> Items<Conflict> {
        try context.require(.department)
        let roundID = try context.parameters.require("round")
        return Items(items: try await environment.database.read { db in
            let round = try RoundStore.require(roundID, in: db)
            let experts = try ExpertStore.all(in: db)
            let manual = try ConflictFinder.manual(in: db)
            return try ApplicationStore.inRound(roundID, in: db).filter { !$0.isWithdrawn }.flatMap { application in
                experts.flatMap { ConflictFinder.conflicts(expert: $0, application: application, round: round, manual: manual) }
            }
        })
    }

    struct ManualConflict: Decodable {
        var expertId: String
        var applicationId: String
        var reason: String
    }

    @Sendable func addConflict(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Items<Conflict>> {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let input = try await request.decodeJSON(ManualConflict.self, context: context)
        guard !input.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem.validation([.required("reason", nameZh: "回避理由", nameEn: "The reason")])
        }
        let now = Millis.from(environment.now())
        let conflicts = try await environment.database.write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard let expert = try ExpertStore.find(input.expertId, in: db) else { throw ProblemFactory.notFound("expert", zh: "专家", input.expertId) }
            guard let application = try ApplicationStore.find(input.applicationId, in: db), application.roundID == roundID else {
                throw ProblemFactory.notFound("application", zh: "申报", input.applicationId)
            }
            guard round.status == .open || round.status == .scoring else {
                throw ProblemFactory.conflict("round.scoring_closed", zh: "评分已结束，不能再登记回避", en: "scoring is closed; conflicts can no longer be added")
            }
            try db.execute(sql: "INSERT INTO manual_conflict (expert_id, application_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [expert.id, application.id, input.reason, identity.actor, now])
            try Audit.record("conflict.added", round: roundID, application: application.id, detail: ["expert": expert.id, "reason": input.reason],
                             actor: identity.actor, at: now, in: db)
            // A conflict found late voids the assignment and any score the expert gave.
            try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application.id, expert.id])
            if db.changesCount > 0 {
                try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.id, expert.id])
                try Audit.record("assignment.removed", round: roundID, application: application.id,
                                 detail: ["expert": expert.id, "reason": "conflict: \(input.reason)"], actor: identity.actor, at: now, in: db)
            }
            try PanelAccess.publish(applications: [application.id], outbox: environment.outbox, nowMillis: now, in: db)
            return ConflictFinder.conflicts(expert: expert, application: application, round: round, manual: try ConflictFinder.manual(in: db))
        }
        return EditedResponse(status: .created, response: Items(items: conflicts))
    }
}

extension ExpertsController {
    struct RecusalInput: Decodable {
        var reason: String
    }

    struct Recusal: Codable, Sendable, ResponseEncodable {
        var applicationId: String
        var expertId: String
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
        let applicationID = try context.parameters.require("application")
        let expertID = identity.subject ?? ""
        let input = try await request.decodeJSON(RecusalInput.self, context: context)
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = environment.now()
        let millis = Millis.from(now)
        let recusal = try await environment.database.write { db -> Recusal in
            // Only the expert's own assignment can be left; anything else does not exist for them (as on every expert route).
            guard try ExpertAccess.mayRead(expert: expertID, application: applicationID, in: db),
                  let application = try ApplicationStore.find(applicationID, in: db) else {
                throw ProblemFactory.notFound("application", zh: "申报", applicationID)
            }
            // The reason is checked only for an own assignment, so nobody learns from a 422 what exists.
            guard !reason.isEmpty else { throw Problem.validation([.required("reason", nameZh: "回避理由", nameEn: "The reason")]) }
            guard reason.count <= 2000 else {
                throw ProblemFactory.invalid("recusal.reason_too_long", field: "reason", zh: "回避理由最多 2000 字", en: "the reason is at most 2,000 characters")
            }
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .open || round.status == .scoring else {
                throw ProblemFactory.conflict("round.scoring_closed", zh: "评分已结束，不能再申请回避", en: "scoring is closed; a recusal is no longer possible")
            }
            try db.execute(sql: "INSERT INTO manual_conflict (expert_id, application_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [expertID, application.id, reason, identity.actor, millis])
            try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application.id, expertID])
            try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.id, expertID])
            try PanelAccess.publish(applications: [application.id], outbox: environment.outbox, nowMillis: millis, in: db)
            try Audit.record("assignment.recused", round: round.id, application: application.id, detail: ["expert": expertID, "reason": reason],
                             actor: identity.actor, at: millis, in: db)
            return Recusal(applicationId: application.id, expertId: expertID, reason: reason, recusedAt: now,
                           panel: try PanelShortfall.panelSize(of: application.id, in: db), needed: round.expertsPerApplication)
        }
        return EditedResponse(status: .created, response: recusal)
    }
}

extension Expert: ResponseEncodable {}
