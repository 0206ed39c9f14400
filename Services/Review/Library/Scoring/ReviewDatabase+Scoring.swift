import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Expert scoring (专家评分, Art 11, 13, 14): opening and closing it, and the experts' sheets.
extension ReviewDatabase {
    /// Scoring opens when every application has passed or left qualification review and every panel is whole.
    func openScoring(round roundID: RoundID, by actor: String, at now: Date) async throws -> ReviewRound {
        try await write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .open else { throw Problem.conflict("round.not_open", zh: "评分已开始", en: "scoring has already started") }
            let applications = try ApplicationStore.inRound(roundID, in: db)
            var issues: [DomainIssue] = []
            for application in applications where application.applicationStatus == .submitted {
                issues.append(DomainIssue(code: "scoring.qualification_pending", field: "applications.\(application.id)", article: Article(11),
                                          messageZh: "申报 \(application.id) 尚未完成资格审查", messageEn: "application \(application.id) awaits qualification review"))
            }
            let reviewed = applications.filter { $0.applicationStatus == .qualificationPassed }
            for application in reviewed {
                let count = try PanelShortfall.panelSize(of: application.id, in: db)
                if count < round.expertsPerApplication {
                    issues.append(DomainIssue(code: "scoring.panel_incomplete", field: "applications.\(application.id)", article: Article(11),
                                              messageZh: "申报 \(application.id) 只安排了 \(count) 名专家，需要 \(round.expertsPerApplication) 名",
                                              messageEn: "application \(application.id) has \(count) experts assigned, needs \(round.expertsPerApplication)"))
                }
            }
            if reviewed.isEmpty {
                issues.append(DomainIssue(code: "scoring.nothing_to_score", field: "applications", messageZh: "没有通过资格审查的申报", messageEn: "no application has passed qualification review"))
            }
            guard issues.isEmpty else { throw Problem(.conflict, titleZh: "尚不能开始评分", titleEn: "scoring cannot start yet", issues: issues) }
            round.status = .scoring
            round.updatedAt = now
            round.updatedBy = actor
            try RoundStore.save(round, in: db)
            let millis = Millis.from(now)
            for application in reviewed {
                try ApplicationStore.setStatus(application, to: .underExpertReview, outbox: outbox, nowMillis: millis, in: db)
            }
            try Audit.record("scoring.opened", round: roundID, detail: ["applications": reviewed.count], actor: actor, at: millis, in: db)
            return round
        }
    }

    /// Scoring closes when every sheet is in and no panel is short; the aggregate's adjustments and outliers are recorded.
    func closeScoring(round roundID: RoundID, by actor: String, at now: Date) async throws -> ReviewRound {
        try await write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .scoring else { throw Problem.conflict("round.not_scoring", zh: "批次不在评分阶段", en: "the round is not in scoring") }
            let missing = try Row.fetchAll(db, sql: """
                SELECT a.application_id, a.expert_id FROM assignment a JOIN review_application r ON r.id = a.application_id
                LEFT JOIN score_sheet s ON s.application_id = a.application_id AND s.expert_id = a.expert_id
                WHERE a.round_id = ? AND r.status = 'underExpertReview' AND (s.status IS NULL OR s.status != 'submitted')
                ORDER BY a.application_id, a.expert_id
                """, arguments: [roundID.rawValue])
            // A panel that shrank during scoring (a late conflict, a recusal) must be made whole before the scores count.
            let short = try PanelShortfall.all(in: round, in: db).filter { shortfall in
                try ApplicationStore.find(shortfall.applicationId, in: db)?.applicationStatus == .underExpertReview
            }
            guard missing.isEmpty, short.isEmpty else {
                throw Problem(.conflict, titleZh: "仍有评分表未提交或专家不足", titleEn: "score sheets are outstanding or panels are short", issues: short.map(\.issue) + missing.map {
                    DomainIssue(code: "scoring.sheet_outstanding", field: "applications.\($0["application_id"] as String)",
                                messageZh: "专家 \($0["expert_id"] as String) 尚未提交申报 \($0["application_id"] as String) 的评分表",
                                messageEn: "expert \($0["expert_id"] as String) has not submitted the sheet for application \($0["application_id"] as String)")
                })
            }
            round.status = .closed
            round.updatedAt = now
            round.updatedBy = actor
            try RoundStore.save(round, in: db)
            let result = Aggregation.aggregate(try ScoreSheetStore.submittedTotals(round: round, in: db), settings: round.aggregationSettings)
            let millis = Millis.from(now)
            try Audit.record("scoring.closed", round: roundID, detail: ["sheets": result.scores.reduce(0) { $0 + $1.sheets }], actor: actor, at: millis, in: db)
            for adjustment in result.adjustments {
                try Audit.record("aggregation.\(adjustment.kind)", round: roundID, application: adjustment.application.map(ApplicationID.init), detail: adjustment, actor: actor, at: millis, in: db)
            }
            for flag in result.outliers {
                try Audit.record("aggregation.outlier", round: roundID, application: ApplicationID(flag.application), detail: flag, actor: actor, at: millis, in: db)
            }
            return round
        }
    }

    /// The expert's to-do: their own conflict-free assignments, with their sheet's status and the round's rubric.
    /// A page of the expert's own assignments (every round, or one), by application id: only those the expert
    /// may read (`ExpertAccess`), so the page is filled from the candidates in order until it is full.
    func assignments(ofExpert expert: ExpertID, round roundFilter: RoundID?, page: PageRequest) async throws
        -> (items: [MyAssignment], nextCursor: String?) {
        try await read { db in
            var sql = "SELECT application_id FROM assignment WHERE expert_id = ?"
            var arguments: StatementArguments = [expert.rawValue]
            if let after = page.after?.first { sql += " AND application_id > ?"; _ = arguments.append(contentsOf: [after]) }
            let candidates = try String.fetchCursor(db, sql: sql + " ORDER BY application_id", arguments: arguments)
            var found: [MyAssignment] = []
            while found.count <= page.limit, let id = try candidates.next().map(ApplicationID.init) {
                guard try ExpertAccess.mayRead(expert: expert, application: id, in: db), let application = try ApplicationStore.find(id, in: db),
                      roundFilter == nil || application.roundID == roundFilter,
                      let round = try RoundStore.find(application.roundID, in: db) else { continue }
                let status = try ScoreSheetStore.status(application: id, expert: expert, in: db)
                found.append(MyAssignment(applicationId: id, roundId: round.id, studioName: application.content.studio.name, unitName: application.content.applicantUnit.name,
                                          speciality: application.content.speciality, projectTitles: application.content.projectTitles, sheetStatus: status,
                                          scoringDeadline: round.scoringDeadline, rubric: round.rubric))
            }
            return page.page(found) { [$0.applicationId.rawValue] }
        }
    }

    /// The expert's own assignment, or 404 (see `ExpertAccess`).
    private static func ownAssignment(expert: ExpertID, application id: ApplicationID, in db: Database) throws -> (application: ReviewApplication, round: ReviewRound) {
        guard try ExpertAccess.mayRead(expert: expert, application: id, in: db), let application = try ApplicationStore.find(id, in: db) else {
            throw Problem.notFound("application", zh: "申报", id: id)
        }
        return (application, try RoundStore.require(application.roundID, in: db))
    }

    private static func emptySheet(application: ApplicationID, expert: ExpertID) -> ScoreSheet {
        ScoreSheet(applicationId: application, expertId: expert, scores: [:], comments: [:], comment: nil, status: "draft", submittedAt: nil, total: nil)
    }

    private static func ensureWritable(_ round: ReviewRound, _ application: ReviewApplication, existing: ScoreSheet?, today: LocalDate) throws {
        guard round.status == .scoring, application.applicationStatus == .underExpertReview else {
            throw Problem.conflict("scoring.not_open", zh: "本批次当前不在评分阶段", en: "the round is not open for scoring")
        }
        if let deadline = round.scoringDeadline, today > deadline {
            throw Problem.conflict("scoring.deadline_passed", field: "scoringDeadline", zh: "评分截止日期 \(deadline) 已过", en: "the scoring deadline \(deadline) has passed")
        }
        if existing?.status == "submitted" {
            throw Problem.conflict("scoring.sheet_submitted", zh: "评分表已提交，如需修改请联系经济工作部退回", en: "the sheet is submitted; ask the department to reopen it")
        }
    }

    /// A sheet's comments name criteria of the rubric and are at most 4,000 characters.
    private static func commentIssues(_ rubric: Rubric, comments: [String: String], comment: String?) -> [DomainIssue] {
        var issues: [DomainIssue] = []
        let keys = Set(rubric.criteria.map(\.key))
        for key in comments.keys.sorted() where !keys.contains(key) {
            issues.append(DomainIssue(code: "score.unknown_criterion", field: "comments.\(key)", messageZh: "评分细则中没有此项：\(key)", messageEn: "the rubric has no criterion \(key)"))
        }
        if (comment?.count ?? 0) > 4000 || comments.values.contains(where: { $0.count > 4000 }) {
            issues.append(DomainIssue(code: "score.comment_too_long", field: "comment", messageZh: "评语不超过 4000 字", messageEn: "comments are at most 4000 characters"))
        }
        return issues
    }

    /// The expert's own sheet, or an empty draft.
    func ownSheet(expert: ExpertID, application id: ApplicationID) async throws -> ScoreSheet {
        try await read { db in
            let (application, round) = try Self.ownAssignment(expert: expert, application: id, in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)
                ?? Self.emptySheet(application: application.id, expert: expert)
        }
    }

    /// A partial save merges: criteria not sent keep their points.
    func saveSheet(expert: ExpertID, application id: ApplicationID, _ input: ScoringController.SheetInput, today: LocalDate, at now: Int64) async throws -> ScoreSheet {
        try await write { db in
            let (application, round) = try Self.ownAssignment(expert: expert, application: id, in: db)
            let existing = try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)
            // A paper sheet the department entered for the expert, not yet confirmed, is theirs to correct: it becomes
            // their draft again (the entry stays on record), and their submission confirms the corrected sheet.
            let correcting = existing.map { $0.enteredBy != nil && $0.confirmedAt == nil && $0.status == "submitted" } ?? false
            try Self.ensureWritable(round, application, existing: correcting ? nil : existing, today: today)
            var sheet = existing ?? Self.emptySheet(application: application.id, expert: expert)
            if correcting {
                sheet.status = "draft"
                sheet.submittedAt = nil
                try Audit.record("sheet.correcting", round: round.id, application: application.id,
                                 detail: ["expert": expert.rawValue, "entered": try JSONText.encode(existing!.scores)], actor: "expert:\(expert)", at: now, in: db)
            }
            sheet.scores.merge(input.scores ?? [:]) { $1 }
            sheet.comments.merge(input.comments ?? [:]) { $1 }
            if let comment = input.comment { sheet.comment = comment }
            let issues = round.rubric.issues(scores: sheet.scores, complete: false) + Self.commentIssues(round.rubric, comments: sheet.comments, comment: sheet.comment)
            guard issues.isEmpty else { throw Problem.validation(issues) }
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: now, in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    /// A complete sheet becomes final (`score_sheet.submitted`); a paper sheet's own submission confirms it as corrected.
    func submitSheet(expert: ExpertID, application id: ApplicationID, today: LocalDate, at now: Date) async throws -> ScoreSheet {
        try await write { db in
            let (application, round) = try Self.ownAssignment(expert: expert, application: id, in: db)
            let existing = try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)
            try Self.ensureWritable(round, application, existing: existing, today: today)
            guard var sheet = existing else {
                throw Problem.validation(round.rubric.issues(scores: [:], complete: true))
            }
            let issues = round.rubric.issues(scores: sheet.scores, complete: true)
            guard issues.isEmpty else { throw Problem.validation(issues) }
            sheet.status = "submitted"
            sheet.submittedAt = now
            if sheet.enteredBy != nil, sheet.confirmedAt == nil { sheet.confirmedAt = now }
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: Millis.from(now), in: db)
            try Audit.record("sheet.submitted", round: round.id, application: application.id, detail: ["expert": expert.rawValue], actor: "expert:\(expert)", at: Millis.from(now), in: db)
            try outbox.append(ScoreSheetSubmitted(applicationID: application.id, roundID: round.id, expertID: expert.rawValue), in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    /// Every sheet of an application: before the round closes only the department sees them.
    func sheets(of id: ApplicationID, readBy identity: Identity) async throws -> [ScoreSheet] {
        try await read { db in
            if identity.role == .expert, !(try ExpertAccess.mayRead(expert: identity.expertID, application: id, in: db)) {
                throw Problem.notFound("application", zh: "申报", id: id)
            }
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            if identity.role != .department, round.status == .open || round.status == .scoring {
                throw Problem(.forbidden, code: "scoring.sheets_hidden", field: "-", zh: "评分结束前，只有经济工作部可以查看各专家的评分",
                              en: "until the round closes, only the department sees the experts' score sheets")
            }
            return try ScoreSheetStore.forApplication(id, rubric: round.rubric, in: db)
        }
    }

    /// 评审会: the department enters a complete sheet scored on paper for an assigned expert, never over one they submitted.
    func enterPaperSheet(application id: ApplicationID, expert: ExpertID, _ input: ScoringController.PaperSheetInput, by actor: String, today: LocalDate, at now: Date) async throws -> ScoreSheet {
        try await write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard try AssignmentStore.exists(application: id, expert: expert, in: db) else {
                throw Problem.notFound("assignment", zh: "专家 \(expert) 对申报 \(id) 的评审任务", id: "\(id)/\(expert)")
            }
            let existing = try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db)
            if let existing, existing.status == "submitted", existing.enteredBy == nil {
                throw Problem.conflict("scoring.sheet_submitted", zh: "专家已自行提交评分表，如需改录请先退回", en: "the expert submitted the sheet themself; reopen it first")
            }
            if let existing, existing.confirmedAt != nil {
                throw Problem.conflict("scoring.sheet_confirmed", zh: "专家已确认该评分表，如需改录请先退回", en: "the expert has confirmed the sheet; reopen it first")
            }
            try Self.ensureWritable(round, application, existing: nil, today: today)
            let comments = input.comments ?? [:]
            let issues = round.rubric.issues(scores: input.scores, complete: true) + Self.commentIssues(round.rubric, comments: comments, comment: input.comment)
            guard issues.isEmpty else { throw Problem.validation(issues) }
            let sheet = ScoreSheet(applicationId: id, expertId: expert, scores: input.scores, comments: comments, comment: input.comment,
                                   status: "submitted", submittedAt: now, total: nil, enteredBy: actor, enteredAt: now, confirmedAt: nil)
            let millis = Millis.from(now)
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: millis, in: db)
            try Audit.record("sheet.entered_from_paper", round: round.id, application: id, detail: ["expert": expert.rawValue, "scores": try JSONText.encode(input.scores)],
                             actor: actor, at: millis, in: db)
            return try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    /// The expert confirms the sheet the department entered for them, as it stands.
    func confirmSheet(expert: ExpertID, application id: ApplicationID, at now: Date) async throws -> ScoreSheet {
        try await write { db in
            let (application, round) = try Self.ownAssignment(expert: expert, application: id, in: db)
            guard var sheet = try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db),
                  sheet.enteredBy != nil, sheet.status == "submitted" else {
                throw Problem.conflict("scoring.nothing_to_confirm", zh: "没有经济工作部代为录入、待确认的评分表", en: "there is no sheet entered for you to confirm")
            }
            guard sheet.confirmedAt == nil else { throw Problem.conflict("scoring.sheet_confirmed", zh: "评分表已确认", en: "the sheet is already confirmed") }
            sheet.confirmedAt = now
            let millis = Millis.from(now)
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: millis, in: db)
            try Audit.record("sheet.confirmed", round: round.id, application: application.id, detail: ["expert": expert.rawValue, "enteredBy": sheet.enteredBy ?? ""],
                             actor: "expert:\(expert)", at: millis, in: db)
            try outbox.append(ScoreSheetSubmitted(applicationID: application.id, roundID: round.id, expertID: expert.rawValue), in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    /// The department reopens a submitted sheet during scoring, with a reason.
    func reopenSheet(application id: ApplicationID, expert: ExpertID, reason: String, by actor: String, at now: Int64) async throws -> ScoreSheet {
        try await write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .scoring else { throw Problem.conflict("round.not_scoring", zh: "批次不在评分阶段", en: "the round is not in scoring") }
            guard var sheet = try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db) else { throw Problem.notFound("score sheet", zh: "评分表", id: "\(id)/\(expert)") }
            guard sheet.status == "submitted" else { throw Problem.conflict("scoring.sheet_not_submitted", zh: "评分表尚未提交", en: "the sheet is not submitted") }
            sheet.status = "draft"
            sheet.submittedAt = nil
            sheet.confirmedAt = nil
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: now, in: db)
            try Audit.record("sheet.reopened", round: round.id, application: id, detail: ["expert": expert.rawValue, "reason": reason], actor: actor, at: now, in: db)
            return try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db)!
        }
    }
}
