import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Rounds: their settings (rubric, quota, minimum score, panel size, calendar) and their audit trail.
struct RoundsController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.get("rounds", use: list)
        router.get("rounds/:round", use: show)
        router.patch("rounds/:round", use: configure)
        router.get("rounds/:round/applications", use: applications)
        router.get("rounds/:round/audit", use: audit)
    }

    struct RoundView: ResponseEncodable, Sendable {
        var round: ReviewRound
        var applications: Int
        var quotaRange: [Int]
        /// Review's business day (Asia/Shanghai, the demo clock in a demo), so a page can tell a late sheet.
        var businessDay: LocalDate
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Items<ReviewRound> {
        try context.require(.department, .federation)
        let kind = try QueryValues.oneOf(request, "kind", ApplicationKind.allCases.map(\.rawValue))
        let year = try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) }
        let status = try QueryValues.oneOf(request, "status", ["open", "scoring", "closed", "notice", "decided"])
        let page = try PageRequest.parse(request)
        let result = try await environment.database.read { db in try RoundStore.page(kind: kind, year: year, status: status, page: page, in: db) }
        return Items(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RoundView {
        try context.require(.department, .federation)
        let id = try context.parameters.require("round")
        return try await environment.database.read { db in
            let round = try RoundStore.require(id, in: db)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_application WHERE round_id = ?", arguments: [id]) ?? 0
            let range = ReviewRound.quotaRange(round.kind)
            return RoundView(round: round, applications: count, quotaRange: [range.lowerBound, range.upperBound], businessDay: LocalDate(environment.now()))
        }
    }

    /// Every field optional; only what is given changes.
    struct Settings: Decodable {
        var quota: Int?
        var minimumScore: Int?
        var expertsPerApplication: Int?
        var excludeSameScreeningBody: Bool?
        var aggregate: ScoreAggregate?
        var normalise: Bool?
        var outlierThreshold: Int?
        var rubric: Rubric?
        var scoringDeadline: LocalDate?
        var noticeWorkingDays: Int?
    }

    @Sendable func configure(_ request: Request, context: AppRequestContext) async throws -> ReviewRound {
        let identity = try context.require(.department)
        let id = try context.parameters.require("round")
        let input = try await request.decodeJSON(Settings.self, context: context)
        let now = environment.now()
        return try await environment.database.write { db in
            var round = try RoundStore.require(id, in: db)
            // The scoring basis cannot move under the experts' feet.
            let changesScoring = input.rubric != nil || input.expertsPerApplication != nil || input.excludeSameScreeningBody != nil
                || input.aggregate != nil
            if changesScoring, round.status != .open {
                throw ProblemFactory.conflict("round.scoring_started", field: "rubric", zh: "评分已开始，评分细则、每件专家人数、汇总方式和回避规则不能再改", en: "scoring has started; the rubric, panel size, aggregate and conflict rules are fixed")
            }
            if round.status == .notice || round.status == .decided {
                throw ProblemFactory.conflict("round.finished", zh: "批次已公示或已决定，不能修改设置", en: "the round is on notice or decided; its settings are fixed")
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
            round.updatedBy = identity.actor
            try RoundStore.save(round, in: db)
            try Audit.record("round.configured", round: round.id, detail: round, actor: identity.actor, at: Millis.from(now), in: db)
            return round
        }
    }

    struct ApplicationSummary: Codable, Sendable {
        var applicationId: String
        var status: String
        var version: Int
        var studioName: String
        var unitName: String
        var screeningBodyCode: String
        var speciality: String
        var submittedOn: LocalDate
        var recommendationOrder: Int?
    }

    @Sendable func applications(_ request: Request, context: AppRequestContext) async throws -> Items<ApplicationSummary> {
        try context.require(.department, .federation)
        let id = try context.parameters.require("round")
        // A page at a time (by application id), filtered by status, county, studio name and unit name.
        let page = try PageRequest.parse(request, keyParts: 1)
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var conditions = ["round_id = ?"], arguments: [(any DatabaseValueConvertible)?] = [id]
        if let status = text("status") { conditions.append("status = ?"); arguments.append(status) }
        if let body = text("screeningBody") { conditions.append("json_extract(content, '$.screeningBodyCode') = ?"); arguments.append(body) }
        if let name = text("name") { conditions.append("instr(json_extract(content, '$.studio.name'), ?) > 0"); arguments.append(name) }
        if let unit = text("unit") { conditions.append("instr(json_extract(content, '$.applicantUnit.name'), ?) > 0"); arguments.append(unit) }
        let filtered = " WHERE " + conditions.joined(separator: " AND ")
        let countArguments = StatementArguments(arguments)
        if let after = page.after { conditions.append("id > ?"); arguments.append(after[0]) }
        let sql = "SELECT * FROM review_application WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id LIMIT ?"
        let pageArguments = StatementArguments(arguments + [page.limit + 1])
        let (applications, total) = try await environment.database.read { db in
            _ = try RoundStore.require(id, in: db)
            return (try Row.fetchAll(db, sql: sql, arguments: pageArguments).map(ApplicationStore.decode),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_application" + filtered, arguments: countArguments) ?? 0)
        }
        let (items, next) = page.page(applications) { [$0.id] }
        return Items(items: items.map {
            ApplicationSummary(applicationId: $0.id, status: $0.status, version: $0.version, studioName: $0.content.studio.name,
                               unitName: $0.content.applicantUnit.name, screeningBodyCode: $0.content.screeningBodyCode,
                               speciality: $0.content.speciality, submittedOn: $0.submittedOn, recommendationOrder: $0.content.recommendationOrder)
        }, nextCursor: next, total: total)
    }

    struct AuditEntry: Codable, Sendable {
        var id: Int64
        var applicationId: String?
        var action: String
        var detail: String
        var actor: String
        var at: Date
    }

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Items<AuditEntry> {
        try context.require(.department, .federation)
        let id = try context.parameters.require("round")
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let (application, action) = (text("applicationId"), text("action"))
        let page = try PageRequest.parse(request, keyParts: 1)
        let (entries, next, total) = try await environment.database.read { db in
            _ = try RoundStore.require(id, in: db)
            let (rows, next, total) = try Audit.page(round: id, application: application, action: action, page: page, in: db)
            return (rows.map {
                AuditEntry(id: $0["id"], applicationId: $0["application_id"], action: $0["action"], detail: $0["detail"], actor: $0["actor"], at: Millis.date($0["at"]))
            }, next, total)
        }
        return Items(items: entries, nextCursor: next, total: total)
    }
}

extension ReviewRound: ResponseEncodable {}
