import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Expert scoring (专家评分, Art 11, 13, 14): experts score only their own assignments, before the deadline;
/// a submitted sheet is final unless the department reopens it. Nobody but the department sees another
/// expert's sheet before the round closes.
struct ScoringController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.post("rounds/:round/scoring", use: openScoring)
        router.post("rounds/:round/close", use: close)
        router.get("me/assignments", use: myAssignments)
        router.get("applications/:application/score-sheets/mine", use: mine)
        router.put("applications/:application/score-sheets/mine", use: save)
        router.post("applications/:application/score-sheets/mine/submit", use: submit)
        router.get("applications/:application/score-sheets", use: all)
        router.post("applications/:application/score-sheets/:expert/reopen", use: reopen)
        router.put("applications/:application/score-sheets/:expert/paper", use: enterPaper)
        router.post("applications/:application/score-sheets/mine/confirm", use: confirm)
    }

    var today: LocalDate { LocalDate(environment.now()) }

    @Sendable func openScoring(_ request: Request, context: AppRequestContext) async throws -> ReviewRound {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let now = environment.now()
        let outbox = environment.outbox
        return try await environment.database.write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .open else { throw ProblemFactory.conflict("round.not_open", zh: "评分已开始", en: "scoring has already started") }
            let applications = try ApplicationStore.inRound(roundID, in: db)
            var issues: [DomainIssue] = []
            for application in applications where application.applicationStatus == .submitted {
                issues.append(DomainIssue(code: "scoring.qualification_pending", field: "applications.\(application.id)", article: Article(11),
                                          messageZh: "申报 \(application.id) 尚未完成资格审查", messageEn: "application \(application.id) awaits qualification review"))
            }
            let reviewed = applications.filter { $0.applicationStatus == .qualificationPassed }
            for application in reviewed {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE application_id = ?", arguments: [application.id]) ?? 0
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
            round.updatedBy = identity.actor
            try RoundStore.save(round, in: db)
            let millis = Millis.from(now)
            for application in reviewed {
                try ApplicationStore.setStatus(application, to: .underExpertReview, outbox: outbox, nowMillis: millis, in: db)
            }
            try Audit.record("scoring.opened", round: roundID, detail: ["applications": reviewed.count], actor: identity.actor, at: millis, in: db)
            return round
        }
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> ReviewRound {
        let identity = try context.require(.department)
        let roundID = try context.parameters.require("round")
        let now = environment.now()
        return try await environment.database.write { db in
            var round = try RoundStore.require(roundID, in: db)
            guard round.status == .scoring else { throw ProblemFactory.conflict("round.not_scoring", zh: "批次不在评分阶段", en: "the round is not in scoring") }
            let missing = try Row.fetchAll(db, sql: """
                SELECT a.application_id, a.expert_id FROM assignment a JOIN review_application r ON r.id = a.application_id
                LEFT JOIN score_sheet s ON s.application_id = a.application_id AND s.expert_id = a.expert_id
                WHERE a.round_id = ? AND r.status = 'underExpertReview' AND (s.status IS NULL OR s.status != 'submitted')
                ORDER BY a.application_id, a.expert_id
                """, arguments: [roundID])
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
            round.updatedBy = identity.actor
            try RoundStore.save(round, in: db)
            let result = Aggregation.aggregate(try ScoreSheetStore.submittedTotals(round: round, in: db), settings: round.aggregationSettings)
            let millis = Millis.from(now)
            try Audit.record("scoring.closed", round: roundID, detail: ["sheets": result.scores.reduce(0) { $0 + $1.sheets }], actor: identity.actor, at: millis, in: db)
            for adjustment in result.adjustments {
                try Audit.record("aggregation.\(adjustment.kind)", round: roundID, application: adjustment.application, detail: adjustment, actor: identity.actor, at: millis, in: db)
            }
            for flag in result.outliers {
                try Audit.record("aggregation.outlier", round: roundID, application: flag.application, detail: flag, actor: identity.actor, at: millis, in: db)
            }
            return round
        }
    }

    struct MyAssignment: Codable, Sendable {
        var applicationId: String
        var roundId: String
        var studioName: String
        var unitName: String
        var speciality: String
        var projectTitles: [String]
        var sheetStatus: String?
        var scoringDeadline: LocalDate?
        /// The round's criteria, scales and weights, for the expert's score sheet.
        var rubric: Rubric
    }

    @Sendable func myAssignments(_ request: Request, context: AppRequestContext) async throws -> Items<MyAssignment> {
        let identity = try context.require(.expert)
        let expert = identity.subject ?? ""
        return Items(items: try await environment.database.read { db in
            try String.fetchAll(db, sql: "SELECT application_id FROM assignment WHERE expert_id = ? ORDER BY application_id", arguments: [expert]).compactMap { id in
                guard try ExpertAccess.mayRead(expert: expert, application: id, in: db), let application = try ApplicationStore.find(id, in: db),
                      let round = try RoundStore.find(application.roundID, in: db) else { return nil }
                let status = try String.fetchOne(db, sql: "SELECT status FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [id, expert])
                return MyAssignment(applicationId: id, roundId: round.id, studioName: application.content.studio.name, unitName: application.content.applicantUnit.name,
                                    speciality: application.content.speciality, projectTitles: application.content.projectTitles, sheetStatus: status,
                                    scoringDeadline: round.scoringDeadline, rubric: round.rubric)
            }
        })
    }

    /// The expert's own assignment, or 404 (see `ExpertAccess`).
    private func assignment(_ context: AppRequestContext, in db: Database) throws -> (expert: String, application: ReviewApplication, round: ReviewRound) {
        let identity = try context.require(.expert)
        let id = try context.parameters.require("application")
        let expert = identity.subject ?? ""
        guard try ExpertAccess.mayRead(expert: expert, application: id, in: db), let application = try ApplicationStore.find(id, in: db) else {
            throw ProblemFactory.notFound("application", zh: "申报", id)
        }
        return (expert, application, try RoundStore.require(application.roundID, in: db))
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        try await environment.database.read { db in
            let (expert, application, round) = try assignment(context, in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)
                ?? ScoreSheet(applicationId: application.id, expertId: expert, scores: [:], comments: [:], comment: nil, status: "draft", submittedAt: nil, total: nil)
        }
    }

    struct SheetInput: Decodable {
        var scores: [String: Int]?
        var comments: [String: String]?
        var comment: String?
    }

    private func ensureWritable(_ round: ReviewRound, _ application: ReviewApplication, existing: ScoreSheet?) throws {
        guard round.status == .scoring, application.applicationStatus == .underExpertReview else {
            throw ProblemFactory.conflict("scoring.not_open", zh: "本批次当前不在评分阶段", en: "the round is not open for scoring")
        }
        if let deadline = round.scoringDeadline, today > deadline {
            throw ProblemFactory.conflict("scoring.deadline_passed", field: "scoringDeadline", zh: "评分截止日期 \(deadline) 已过", en: "the scoring deadline \(deadline) has passed")
        }
        if existing?.status == "submitted" {
            throw ProblemFactory.conflict("scoring.sheet_submitted", zh: "评分表已提交，如需修改请联系经济工作部退回", en: "the sheet is submitted; ask the department to reopen it")
        }
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let input = try await request.decodeJSON(SheetInput.self, context: context)
        let now = Millis.from(environment.now())
        return try await environment.database.write { db in
            let (expert, application, round) = try assignment(context, in: db)
            let existing = try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)
            // A paper sheet the department entered for the expert, not yet confirmed, is theirs to correct: it becomes
            // their draft again (the entry stays on record), and their submission confirms the corrected sheet.
            let correcting = existing.map { $0.enteredBy != nil && $0.confirmedAt == nil && $0.status == "submitted" } ?? false
            try ensureWritable(round, application, existing: correcting ? nil : existing)
            var sheet = existing ?? ScoreSheet(applicationId: application.id, expertId: expert, scores: [:], comments: [:], comment: nil, status: "draft", submittedAt: nil, total: nil)
            if correcting {
                sheet.status = "draft"
                sheet.submittedAt = nil
                try Audit.record("sheet.correcting", round: round.id, application: application.id,
                                 detail: ["expert": expert, "entered": try JSONText.encode(existing!.scores)], actor: "expert:\(expert)", at: now, in: db)
            }
            // A partial save merges: criteria not sent keep their points.
            sheet.scores.merge(input.scores ?? [:]) { $1 }
            sheet.comments.merge(input.comments ?? [:]) { $1 }
            if let comment = input.comment { sheet.comment = comment }
            var issues = round.rubric.issues(scores: sheet.scores, complete: false)
            let keys = Set(round.rubric.criteria.map(\.key))
            for key in sheet.comments.keys.sorted() where !keys.contains(key) {
                issues.append(DomainIssue(code: "score.unknown_criterion", field: "comments.\(key)", messageZh: "评分细则中没有此项：\(key)", messageEn: "the rubric has no criterion \(key)"))
            }
            if (sheet.comment?.count ?? 0) > 4000 || sheet.comments.values.contains(where: { $0.count > 4000 }) {
                issues.append(DomainIssue(code: "score.comment_too_long", field: "comment", messageZh: "评语不超过 4000 字", messageEn: "comments are at most 4000 characters"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: now, in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let now = environment.now()
        return try await environment.database.write { db in
            let (expert, application, round) = try assignment(context, in: db)
            let existing = try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)
            try ensureWritable(round, application, existing: existing)
            guard var sheet = existing else {
                throw Problem.validation(round.rubric.issues(scores: [:], complete: true))
            }
            let issues = round.rubric.issues(scores: sheet.scores, complete: true)
            guard issues.isEmpty else { throw Problem.validation(issues) }
            sheet.status = "submitted"
            sheet.submittedAt = now
            // The expert's own submission of a sheet first entered from paper confirms it as corrected.
            if sheet.enteredBy != nil, sheet.confirmedAt == nil { sheet.confirmedAt = now }
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: Millis.from(now), in: db)
            try Audit.record("sheet.submitted", round: round.id, application: application.id, detail: ["expert": expert], actor: "expert:\(expert)", at: Millis.from(now), in: db)
            try environment.outbox.append(ScoreSheetSubmitted(applicationID: ApplicationID(application.id), roundID: RoundID(round.id), expertID: expert), in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    @Sendable func all(_ request: Request, context: AppRequestContext) async throws -> Items<ScoreSheet> {
        let identity = try context.require(.department, .federation, .expert)
        let id = try context.parameters.require("application")
        return Items(items: try await environment.database.read { db in
            if identity.role == .expert, !(try ExpertAccess.mayRead(expert: identity.subject ?? "", application: id, in: db)) {
                throw ProblemFactory.notFound("application", zh: "申报", id)
            }
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            if identity.role != .department, round.status == .open || round.status == .scoring {
                throw Problem(.forbidden, code: "scoring.sheets_hidden", field: "-", zh: "评分结束前，只有经济工作部可以查看各专家的评分",
                              en: "until the round closes, only the department sees the experts' score sheets")
            }
            return try ScoreSheetStore.forApplication(id, rubric: round.rubric, in: db)
        })
    }

    struct PaperSheetInput: Decodable {
        var scores: [String: Int]
        var comments: [String: String]?
        var comment: String?
    }

    /// 评审会: the department enters a sheet the expert scored on paper at the review meeting. It must be complete
    /// and counts as submitted (the ranking takes it); it records who entered it and when, and the expert sees it
    /// as entered for them, to confirm or correct. Only an assigned expert's sheet, never over one they submitted.
    @Sendable func enterPaper(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let identity = try context.require(.department)
        let id = try context.parameters.require("application"), expert = try context.parameters.require("expert")
        let input = try await request.decodeJSON(PaperSheetInput.self, context: context)
        let now = environment.now()
        return try await environment.database.write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [id, expert]) == 1 else {
                throw ProblemFactory.notFound("assignment", zh: "专家 \(expert) 对申报 \(id) 的评审任务", "\(id)/\(expert)")
            }
            let existing = try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db)
            if let existing, existing.status == "submitted", existing.enteredBy == nil {
                throw ProblemFactory.conflict("scoring.sheet_submitted", zh: "专家已自行提交评分表，如需改录请先退回", en: "the expert submitted the sheet themself; reopen it first")
            }
            if let existing, existing.confirmedAt != nil {
                throw ProblemFactory.conflict("scoring.sheet_confirmed", zh: "专家已确认该评分表，如需改录请先退回", en: "the expert has confirmed the sheet; reopen it first")
            }
            try ensureWritable(round, application, existing: nil)
            let comments = input.comments ?? [:]
            var issues = round.rubric.issues(scores: input.scores, complete: true)
            let keys = Set(round.rubric.criteria.map(\.key))
            for key in comments.keys.sorted() where !keys.contains(key) {
                issues.append(DomainIssue(code: "score.unknown_criterion", field: "comments.\(key)", messageZh: "评分细则中没有此项：\(key)", messageEn: "the rubric has no criterion \(key)"))
            }
            if (input.comment?.count ?? 0) > 4000 || comments.values.contains(where: { $0.count > 4000 }) {
                issues.append(DomainIssue(code: "score.comment_too_long", field: "comment", messageZh: "评语不超过 4000 字", messageEn: "comments are at most 4000 characters"))
            }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            let sheet = ScoreSheet(applicationId: id, expertId: expert, scores: input.scores, comments: comments, comment: input.comment,
                                   status: "submitted", submittedAt: now, total: nil, enteredBy: identity.actor, enteredAt: now, confirmedAt: nil)
            let millis = Millis.from(now)
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: millis, in: db)
            try Audit.record("sheet.entered_from_paper", round: round.id, application: id, detail: ["expert": expert, "scores": try JSONText.encode(input.scores)],
                             actor: identity.actor, at: millis, in: db)
            return try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    /// The expert confirms the sheet the department entered for them, as it stands.
    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let now = environment.now()
        return try await environment.database.write { db in
            let (expert, application, round) = try assignment(context, in: db)
            guard var sheet = try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db),
                  sheet.enteredBy != nil, sheet.status == "submitted" else {
                throw ProblemFactory.conflict("scoring.nothing_to_confirm", zh: "没有经济工作部代为录入、待确认的评分表", en: "there is no sheet entered for you to confirm")
            }
            guard sheet.confirmedAt == nil else { throw ProblemFactory.conflict("scoring.sheet_confirmed", zh: "评分表已确认", en: "the sheet is already confirmed") }
            sheet.confirmedAt = now
            let millis = Millis.from(now)
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: millis, in: db)
            try Audit.record("sheet.confirmed", round: round.id, application: application.id, detail: ["expert": expert, "enteredBy": sheet.enteredBy ?? ""],
                             actor: "expert:\(expert)", at: millis, in: db)
            try environment.outbox.append(ScoreSheetSubmitted(applicationID: ApplicationID(application.id), roundID: RoundID(round.id), expertID: expert), in: db)
            return try ScoreSheetStore.find(application: application.id, expert: expert, rubric: round.rubric, in: db)!
        }
    }

    struct Reopen: Decodable { var reason: String }

    @Sendable func reopen(_ request: Request, context: AppRequestContext) async throws -> ScoreSheet {
        let identity = try context.require(.department)
        let id = try context.parameters.require("application"), expert = try context.parameters.require("expert")
        let input = try await request.decodeJSON(Reopen.self, context: context)
        guard !input.reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw Problem.validation([.required("reason", nameZh: "退回理由", nameEn: "The reason")]) }
        let now = Millis.from(environment.now())
        return try await environment.database.write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .scoring else { throw ProblemFactory.conflict("round.not_scoring", zh: "批次不在评分阶段", en: "the round is not in scoring") }
            guard var sheet = try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db) else { throw ProblemFactory.notFound("score sheet", zh: "评分表", "\(id)/\(expert)") }
            guard sheet.status == "submitted" else { throw ProblemFactory.conflict("scoring.sheet_not_submitted", zh: "评分表尚未提交", en: "the sheet is not submitted") }
            sheet.status = "draft"
            sheet.submittedAt = nil
            sheet.confirmedAt = nil
            try ScoreSheetStore.save(sheet, round: round.id, nowMillis: now, in: db)
            try Audit.record("sheet.reopened", round: round.id, application: id, detail: ["expert": expert, "reason": input.reason], actor: identity.actor, at: now, in: db)
            return try ScoreSheetStore.find(application: id, expert: expert, rubric: round.rubric, in: db)!
        }
    }
}

extension ReviewRound {
    /// The round's aggregate as the arithmetic takes it: the trimmed mean drops the extremes from 5 sheets on, the mean never.
    var aggregationSettings: AggregationSettings {
        AggregationSettings(normalise: normalise, outlierThreshold: outlierThreshold,
                            trimFrom: aggregate == .trimmedMean ? ScoreAggregate.trimmedMeanMinimumPanel : .max)
    }
}
