import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The public notice (公示) of the proposed list, objections (异议) and the city federation's decision (Art 11, 13, 14).
struct DecisionController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.post("rounds/:round/notice", use: publish)
        router.get("rounds/:round/notice", use: show)
        router.post("rounds/:round/objections", use: object)
        router.post("rounds/:round/objections/:objection/resolution", use: resolve)
        router.post("rounds/:round/decision", use: decide)
    }

    var today: LocalDate { LocalDate(environment.now()) }

    struct NoticeInput: Decodable {
        /// The proposed list, best first; omitted = the ranking's proposal. Any subset of it (Art 9: quality decides).
        var applicationIds: [String]?
        var startsOn: LocalDate?
        var note: String?
    }

    struct ObjectionView: Codable, Sendable {
        var id: Int64
        var applicationId: String
        var text: String
        var receivedOn: LocalDate
        var recordedBy: String
        var upheld: Bool?
        var resolution: String?
        var resolvedBy: String?
        /// `department` (recorded by hand) or `public` (lodged on the public notice by anyone).
        var source: String
        /// Who lodged a public objection and how to reach them: for the department, never on a public page.
        var objectorName: String?
        var objectorContact: String?
    }

    struct NoticeView: ResponseEncodable, Sendable {
        var roundId: String
        var applicationIds: [String]
        var startsOn: LocalDate
        var endsOn: LocalDate
        var workingDays: Int
        var note: String?
        var publishedBy: String
        var objections: [ObjectionView]
    }

    static func notice(_ roundID: String, in db: Database) throws -> NoticeView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM public_notice WHERE round_id = ?", arguments: [roundID]) else { return nil }
        let objections = try Row.fetchAll(db, sql: "SELECT * FROM objection WHERE round_id = ? ORDER BY id", arguments: [roundID]).map {
            ObjectionView(id: $0["id"], applicationId: $0["application_id"], text: $0["text"], receivedOn: LocalDate($0["received_on"] as String)!,
                          recordedBy: $0["recorded_by"], upheld: $0["upheld"], resolution: $0["resolution"], resolvedBy: $0["resolved_by"],
                          source: $0["source"], objectorName: $0["objector_name"], objectorContact: $0["objector_contact"])
        }
        return NoticeView(roundId: roundID, applicationIds: try JSONText.decode([String].self, row["application_ids"]),
                          startsOn: LocalDate(row["starts_on"] as String)!, endsOn: LocalDate(row["ends_on"] as String)!,
                          workingDays: row["working_days"], note: row["note"], publishedBy: row["published_by"], objections: objections)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> NoticeView {
        try context.require(.department, .federation)
        let roundID = try context.parameters.require("round")
        guard let notice = try await environment.database.read({ db in try Self.notice(roundID, in: db) }) else { throw ProblemFactory.notFound("public notice", zh: "公示", roundID) }
        return notice
    }

    @Sendable func publish(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<NoticeView> {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let input = try await request.decodeJSON(NoticeInput.self, context: context)
        let now = environment.now()
        let start = input.startsOn ?? today
        let outbox = environment.outbox
        let view = try await environment.database.write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .closed else {
                throw ProblemFactory.conflict("round.not_closed", zh: "须在评分结束后、决定之前公示", en: "a notice is published after scoring closes and before the decision")
            }
            let proposed = try RoundResults.compute(round, in: db).ranked.filter(\.proposed).map(\.entry.application)
            let list = input.applicationIds ?? proposed
            var issues: [DomainIssue] = []
            if list.isEmpty {
                issues.append(DomainIssue(code: "notice.empty", field: "applicationIds", messageZh: "公示名单不能为空", messageEn: "the proposed list is empty"))
            }
            if Set(list).count != list.count {
                issues.append(DomainIssue(code: "notice.duplicate", field: "applicationIds", messageZh: "公示名单有重复", messageEn: "the list names an application twice"))
            }
            for (index, id) in list.enumerated() where !proposed.contains(id) {
                issues.append(DomainIssue(code: "notice.not_proposable", field: "applicationIds[\(index)]", article: round.kind == .naming ? Article(9) : round.kind.article,
                                          messageZh: "申报 \(id) 不在按名额（\(round.quota)）和最低分（\(round.minimumScore)）确定的拟推荐范围内",
                                          messageEn: "application \(id) is not within the quota (\(round.quota)) and minimum score (\(round.minimumScore)) of the ranking"))
            }
            let lower = ReviewRound.quotaRange(round.kind).lowerBound
            if list.count < lower, (input.note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(DomainIssue(code: "notice.below_range_needs_note", field: "note", article: round.kind.article,
                                          messageZh: "拟推荐 \(list.count) 个，少于规定的 \(lower) 个，须说明理由", messageEn: "proposing \(list.count), fewer than the \(lower) the regulation names, needs a note explaining why"))
            }
            if start < today {
                issues.append(DomainIssue(code: "notice.starts_in_past", field: "startsOn", messageZh: "公示开始日期不能早于今天", messageEn: "the notice cannot start in the past"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            // Holidays and make-up working days (调休) count from the year's calendar; a year without one is a 422.
            var workingDays = WorkingDays(in: db)
            let end = try workingDays.lastDay(from: start, workingDays: round.noticeWorkingDays)
            let millis = Millis.from(now)
            try db.execute(sql: """
                INSERT INTO public_notice (round_id, application_ids, starts_on, ends_on, working_days, note, published_by, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [roundID, try JSONText.encode(list), start.description, end.description, round.noticeWorkingDays, input.note, identity.actor, millis])
            round.status = .notice
            round.updatedAt = now
            round.updatedBy = identity.actor
            try RoundStore.save(round, in: db)
            for id in list {
                try ApplicationStore.setStatus(try ApplicationStore.require(id, in: db), to: .onPublicNotice, outbox: outbox, nowMillis: millis, in: db)
            }
            try Audit.record("notice.published", round: roundID, detail: ["applications": list.joined(separator: ","), "startsOn": start.description, "endsOn": end.description, "note": input.note ?? ""],
                             actor: identity.actor, at: millis, in: db)
            return try Self.notice(roundID, in: db)!
        }
        return EditedResponse(status: .created, response: view)
    }

    struct ObjectionInput: Decodable {
        var applicationId: String
        var text: String
        var receivedOn: LocalDate?
    }

    @Sendable func object(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<NoticeView> {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let input = try await request.decodeJSON(ObjectionInput.self, context: context)
        let received = input.receivedOn ?? today
        let now = Millis.from(environment.now())
        let view = try await environment.database.write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice, let notice = try Self.notice(roundID, in: db) else {
                throw ProblemFactory.conflict("round.not_on_notice", zh: "本批次不在公示期", en: "the round is not on public notice")
            }
            var issues: [DomainIssue] = []
            if input.text.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(.required("text", nameZh: "异议内容", nameEn: "The objection")) }
            if !notice.applicationIds.contains(input.applicationId) {
                issues.append(DomainIssue(code: "objection.not_on_list", field: "applicationId", messageZh: "申报 \(input.applicationId) 不在公示名单上", messageEn: "application \(input.applicationId) is not on the notice"))
            }
            if received < notice.startsOn || received > notice.endsOn {
                issues.append(DomainIssue(code: "objection.outside_notice", field: "receivedOn", messageZh: "异议须在公示期 \(notice.startsOn) 至 \(notice.endsOn) 内收到", messageEn: "objections are received during the notice, \(notice.startsOn) to \(notice.endsOn)"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            try db.execute(sql: "INSERT INTO objection (round_id, application_id, text, received_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [roundID, input.applicationId, input.text, received.description, identity.actor, now])
            try Audit.record("objection.recorded", round: roundID, application: input.applicationId, detail: ["text": input.text, "receivedOn": received.description], actor: identity.actor, at: now, in: db)
            return try Self.notice(roundID, in: db)!
        }
        return EditedResponse(status: .created, response: view)
    }

    struct Resolution: Decodable {
        /// True: the objection holds and the application leaves the list.
        var upheld: Bool
        var resolution: String
    }

    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> NoticeView {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let objectionID = try context.parameters.require("objection", as: Int64.self)
        let input = try await request.decodeJSON(Resolution.self, context: context)
        guard !input.resolution.trimmingCharacters(in: .whitespaces).isEmpty else { throw Problem.validation([.required("resolution", nameZh: "处理意见", nameEn: "The resolution")]) }
        let now = Millis.from(environment.now())
        return try await environment.database.write { db in
            let round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice else { throw ProblemFactory.conflict("round.not_on_notice", zh: "本批次不在公示阶段", en: "the round is not on public notice") }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM objection WHERE id = ? AND round_id = ?", arguments: [objectionID, roundID]) else {
                throw ProblemFactory.notFound("objection", zh: "异议", String(objectionID))
            }
            guard (row["upheld"] as Bool?) == nil else { throw ProblemFactory.conflict("objection.resolved", zh: "该异议已处理", en: "the objection is already resolved") }
            try db.execute(sql: "UPDATE objection SET upheld = ?, resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                           arguments: [input.upheld, input.resolution, identity.actor, now, objectionID])
            try Audit.record("objection.resolved", round: roundID, application: row["application_id"], detail: ["upheld": "\(input.upheld)", "resolution": input.resolution],
                             actor: identity.actor, at: now, in: db)
            return try Self.notice(roundID, in: db)!
        }
    }

    struct Outcome: Codable, Sendable {
        var applicationId: String
        var status: ApplicationStatus
        var studioId: String?
    }

    struct DecisionView: ResponseEncodable, Sendable {
        var roundId: String
        var decidedOn: LocalDate
        var decidedBy: String
        var outcomes: [Outcome]
    }

    /// 市总工会 may approve the list without entries that drew an objection during the 公示, even one the department
    /// found unfounded: it decides the naming (Art 11). The reason is recorded and told to the applicant.
    struct DecisionInput: Decodable {
        var excludeApplicationIds: [String]?
        var reason: String?
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> DecisionView {
        let identity = try context.require(.federation)
        let roundID = try context.parameters.require("round")
        let input = try await request.decodeJSONIfPresent(DecisionInput.self, context: context) ?? DecisionInput()
        let excluded = Set(input.excludeApplicationIds ?? [])
        let exclusionReason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !excluded.isEmpty {
            guard !exclusionReason.isEmpty else {
                throw Problem.validation([.required("reason", nameZh: "不予命名的理由", nameEn: "The reason for leaving entries out")])
            }
            guard exclusionReason.count <= 2000 else {
                throw ProblemFactory.invalid("decision.reason_too_long", field: "reason", zh: "理由最多 2000 字", en: "the reason is at most 2,000 characters")
            }
        }
        let now = environment.now()
        let decidedOn = today
        let outbox = environment.outbox
        return try await environment.database.write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .notice, let notice = try Self.notice(roundID, in: db) else {
                throw ProblemFactory.conflict("round.not_on_notice", article: round.kind.article, zh: "须先公示拟推荐名单", en: "the proposed list must be on public notice first")
            }
            guard decidedOn > notice.endsOn else {
                throw ProblemFactory.conflict("decision.notice_running", field: "decidedOn", zh: "公示期至 \(notice.endsOn) 结束，之后方可决定", en: "the notice runs until \(notice.endsOn); decide after it")
            }
            let open = notice.objections.filter { $0.upheld == nil }
            guard open.isEmpty else {
                throw Problem(.conflict, titleZh: "仍有未处理的异议", titleEn: "objections are unresolved", issues: open.map {
                    DomainIssue(code: "decision.objection_open", field: "objections[\($0.id)]", messageZh: "申报 \($0.applicationId) 的异议 \($0.id) 尚未处理", messageEn: "objection \($0.id) on application \($0.applicationId) is unresolved")
                })
            }
            let upheld = Set(notice.objections.filter { $0.upheld == true }.map(\.applicationId))
            let objected = Set(notice.objections.map(\.applicationId))
            let notObjected = excluded.filter { !objected.contains($0) || !notice.applicationIds.contains($0) }.sorted()
            guard notObjected.isEmpty else {
                throw Problem(.unprocessableContent, titleZh: "只能去掉公示期间有异议的申报", titleEn: "only entries objected to during the notice can be left out", issues: notObjected.map {
                    DomainIssue(code: "decision.exclusion_not_objected", field: "excludeApplicationIds", article: Article(11),
                                messageZh: "申报 \($0) 不在公示名单中或公示期间未收到异议，不能单独去掉", messageEn: "application \($0) is not on the list or drew no objection during the notice")
                })
            }
            let chosen = notice.applicationIds.filter { !upheld.contains($0) && !excluded.contains($0) }
            let millis = Millis.from(now)
            var outcomes: [Outcome] = []
            for application in try ApplicationStore.inRound(roundID, in: db) where !application.isWithdrawn && !(application.applicationStatus?.isFinal ?? true) {
                let positive = chosen.contains(application.id)
                let content = application.content
                var studioID: StudioID?
                var reasons: [DomainIssue] = []
                switch (round.kind, positive) {
                case (.naming, true):
                    let id = StudioID.new()
                    studioID = id
                    try outbox.append(StudioNamed(studioID: id, applicationID: ApplicationID(application.id), roundID: RoundID(roundID), year: round.year,
                                                  studioName: content.studio.name, unitName: content.applicantUnit.name, unitCreditCode: content.applicantUnit.creditCode,
                                                  screeningBodyCode: content.screeningBodyCode, leaderName: content.leader.name, namedOn: decidedOn), in: db)
                case (.projectGrant, true), (.demonstration, true):
                    // Qualification review only passes these with a registered studio; a missing one aborts the whole decision.
                    guard let id = content.studioID else {
                        throw ProblemFactory.conflict("decision.studio_missing", field: "applications.\(application.id)", article: round.kind.article,
                                                      zh: "申报 \(application.id) 没有工作室编号", en: "application \(application.id) names no studio")
                    }
                    studioID = id
                    if round.kind == .projectGrant {
                        try outbox.append(ProjectGrantAwarded(studioID: id, applicationID: ApplicationID(application.id), roundID: RoundID(roundID), year: round.year), in: db)
                    } else {
                        try outbox.append(DemonstrationSelected(studioID: id, applicationID: ApplicationID(application.id), roundID: RoundID(roundID), year: round.year), in: db)
                    }
                case (_, false) where excluded.contains(application.id):
                    reasons = [DomainIssue(code: "decision.left_out_after_objection", field: "", article: Article(11),
                                           messageZh: "市总工会决定不予\(round.kind == .naming ? "命名" : "入选")：\(exclusionReason)",
                                           messageEn: "the federation left the entry out after an objection during the notice: \(exclusionReason)")]
                case (_, false):
                    reasons = [Self.reason(for: application, upheld: upheld.contains(application.id), round: round)]
                }
                let status = Self.status(round.kind, positive)
                try ApplicationStore.setStatus(application, to: status, reasons: reasons, outbox: outbox, nowMillis: millis, in: db)
                outcomes.append(Outcome(applicationId: application.id, status: status, studioId: studioID?.rawValue))
            }
            round.status = .decided
            round.updatedAt = now
            round.updatedBy = identity.actor
            try RoundStore.save(round, in: db)
            try db.execute(sql: "INSERT INTO round_decision (round_id, decided_on, decided_by, decided_at, outcomes) VALUES (?, ?, ?, ?, ?)",
                           arguments: [roundID, decidedOn.description, identity.actor, millis, try JSONText.encode(outcomes)])
            try Audit.record("decision", round: roundID, detail: outcomes, actor: identity.actor, at: millis, in: db)
            if !excluded.isEmpty {
                try Audit.record("decision.left_out", round: roundID, detail: ["applications": excluded.sorted().joined(separator: ","), "reason": exclusionReason],
                                 actor: identity.actor, at: millis, in: db)
            }
            return DecisionView(roundId: roundID, decidedOn: decidedOn, decidedBy: identity.actor, outcomes: outcomes)
        }
    }

    static func status(_ kind: ApplicationKind, _ positive: Bool) -> ApplicationStatus {
        switch kind {
        case .naming: positive ? .named : .notNamed
        case .projectGrant: positive ? .awarded : .notAwarded
        case .demonstration: positive ? .selected : .notSelected
        }
    }

    static func reason(for application: ReviewApplication, upheld: Bool, round: ReviewRound) -> DomainIssue {
        if upheld {
            return DomainIssue(code: "objection_upheld", field: "", article: round.kind.article, messageZh: "公示期间的异议经核实成立", messageEn: "an objection during the public notice was upheld")
        }
        switch application.applicationStatus {
        case .returnedForAmendment:
            return DomainIssue(code: "not_amended_in_time", field: "", article: Article(11), messageZh: "退回补正后未在评审前重新提交", messageEn: "the application was returned for amendment and not resubmitted before the review")
        case .qualificationPassed, .submitted:
            return DomainIssue(code: "not_reviewed", field: "", article: Article(11), messageZh: "申报未进入专家评审", messageEn: "the application did not enter the expert review")
        default:
            return DomainIssue(code: "not_selected_by_panel", field: "", article: round.kind == .naming ? Article(9) : round.kind.article,
                               messageZh: "按专家评审得分、名额和最低分未被推荐", messageEn: "not proposed on the panel's scores, the quota and the minimum score")
        }
    }
}
