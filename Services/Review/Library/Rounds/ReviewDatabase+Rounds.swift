import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Rounds: their settings, their applications and their audit trail.
extension ReviewDatabase {
    /// A page of rounds, filtered by kind, year and status (`RoundStore.page`).
    func rounds(kind: String?, year: Int?, status: String?, page: PageRequest) async throws -> (items: [ReviewRound], nextCursor: String?, total: Int) {
        try await read { db in try RoundStore.page(kind: kind, year: year, status: status, page: page, in: db) }
    }

    func roundWithApplicationCount(_ id: RoundID) async throws -> (ReviewRound, Int) {
        try await read { db in
            let round = try RoundStore.require(id, in: db)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_application WHERE round_id = ?", arguments: [id.rawValue]) ?? 0
            return (round, count)
        }
    }

    /// Changes what `input` gives; the scoring basis is fixed once scoring starts, everything once the round is on notice.
    func configure(round id: RoundID, _ input: RoundsController.Settings, by actor: String, at now: Date) async throws -> ReviewRound {
        try await write { db in
            var round = try RoundStore.require(id, in: db)
            // The scoring basis cannot move under the experts' feet.
            let changesScoring = input.rubric != nil || input.expertsPerApplication != nil || input.excludeSameScreeningBody != nil
                || input.aggregate != nil
            if changesScoring, round.status != .open {
                throw Problem.conflict("round.scoring_started", field: "rubric", zh: "评分已开始，评分细则、每件专家人数、汇总方式和回避规则不能再改", en: "scoring has started; the rubric, panel size, aggregate and conflict rules are fixed")
            }
            if round.status == .notice || round.status == .decided {
                throw Problem.conflict("round.finished", zh: "批次已公示或已决定，不能修改设置", en: "the round is on notice or decided; its settings are fixed")
            }
            var issues: [DomainIssue] = []
            if let quota = input.quota {
                let range = ReviewRound.quotaRange(round.kind)
                if range.contains(quota) { round.quota = quota } else {
                    issues.append(DomainIssue(code: "round.quota", field: "quota", article: round.kind == .naming ? Article(9) : round.kind.article,
                                              messageZh: "\(round.kind.nameZh)的名额须在 \(range.lowerBound) 至 \(range.upperBound) 之间",
                                              messageEn: "the quota of a \(round.kind.nameEn) round is \(range.lowerBound) to \(range.upperBound)"))
                }
            }
            if let score = input.minimumScore {
                if (0...100).contains(score) { round.minimumScore = score } else {
                    issues.append(DomainIssue(code: "round.minimum_score", field: "minimumScore", messageZh: "最低分须在 0 至 100 之间", messageEn: "minimumScore must be between 0 and 100"))
                }
            }
            if let count = input.expertsPerApplication {
                if (1...15).contains(count) { round.expertsPerApplication = count } else {
                    issues.append(DomainIssue(code: "round.experts_per_application", field: "expertsPerApplication", article: Article(11), messageZh: "每件申报的评审专家人数须在 1 至 15 之间", messageEn: "expertsPerApplication must be between 1 and 15"))
                }
            }
            if let threshold = input.outlierThreshold {
                if (1...100).contains(threshold) { round.outlierThreshold = threshold } else {
                    issues.append(DomainIssue(code: "round.outlier_threshold", field: "outlierThreshold", messageZh: "偏离阈值须在 1 至 100 分之间", messageEn: "outlierThreshold must be between 1 and 100 points"))
                }
            }
            if let days = input.noticeWorkingDays {
                if (1...30).contains(days) { round.noticeWorkingDays = days } else {
                    issues.append(DomainIssue(code: "round.notice_days", field: "noticeWorkingDays", messageZh: "公示期须为 1 至 30 个工作日", messageEn: "noticeWorkingDays must be between 1 and 30"))
                }
            }
            if let rubric = input.rubric {
                let found = rubric.issues()
                if found.isEmpty { round.rubric = rubric } else { issues += found }
            }
            if let flag = input.excludeSameScreeningBody { round.excludeSameScreeningBody = flag }
            if let aggregate = input.aggregate { round.aggregate = aggregate }
            if issues.isEmpty, let issue = round.aggregateIssue(field: input.aggregate != nil ? "aggregate" : "expertsPerApplication") {
                issues.append(issue)
            }
            if let flag = input.normalise { round.normalise = flag }
            if let deadline = input.scoringDeadline { round.scoringDeadline = deadline }
            guard issues.isEmpty else { throw Problem.validation(issues) }
            round.updatedAt = now
            round.updatedBy = actor
            try RoundStore.save(round, in: db)
            try Audit.record("round.configured", round: round.id, detail: round, actor: actor, at: Millis.from(now), in: db)
            return round
        }
    }

    /// What `GET /rounds/{id}/applications` filters on; text filters match within the studio's and the unit's names.
    struct ApplicationFilter: Sendable {
        var status: String?
        var screeningBody: String?
        var name: String?
        var unit: String?
    }

    /// The round's applications by id after `after`, at most `limit`, and how many match the filter in all.
    func applications(inRound id: RoundID, _ filter: ApplicationFilter, after: String?, limit: Int) async throws -> ([ReviewApplication], Int) {
        var conditions = ["round_id = ?"], arguments: [(any DatabaseValueConvertible)?] = [id.rawValue]
        if let status = filter.status { conditions.append("status = ?"); arguments.append(status) }
        if let body = filter.screeningBody { conditions.append("json_extract(content, '$.screeningBodyCode') = ?"); arguments.append(body) }
        if let name = filter.name { conditions.append("instr(json_extract(content, '$.studio.name'), ?) > 0"); arguments.append(name) }
        if let unit = filter.unit { conditions.append("instr(json_extract(content, '$.applicantUnit.name'), ?) > 0"); arguments.append(unit) }
        let filtered = " WHERE " + conditions.joined(separator: " AND ")
        let countArguments = StatementArguments(arguments)
        if let after { conditions.append("id > ?"); arguments.append(after) }
        let sql = "SELECT * FROM review_application WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id LIMIT ?"
        let pageArguments = StatementArguments(arguments + [limit])
        return try await read { db in
            _ = try RoundStore.require(id, in: db)
            return (try Row.fetchAll(db, sql: sql, arguments: pageArguments).map(ApplicationStore.decode),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_application" + filtered, arguments: countArguments) ?? 0)
        }
    }

    /// A page of a round's audit, by an application or an action's beginning (`Audit.page`).
    func audit(round id: RoundID, application: ApplicationID?, action: String?, page: PageRequest) async throws
        -> (items: [RoundsController.AuditEntry], nextCursor: String?, total: Int) {
        try await read { db in
            _ = try RoundStore.require(id, in: db)
            let (rows, next, total) = try Audit.page(round: id, application: application, action: action, page: page, in: db)
            return (rows.map {
                RoundsController.AuditEntry(id: $0["id"], applicationId: ($0["application_id"] as String?).map(ApplicationID.init), action: $0["action"], detail: $0["detail"], actor: $0["actor"], at: Millis.date($0["at"]))
            }, next, total)
        }
    }
}
