import Foundation
import GRDB
import ServiceKit
import Messaging
import ServiceKit
import StudioDomain

/// Where a review round stands. Configuration (rubric, quota, panel size) is open until scoring starts.
public enum RoundStatus: String, Codable, Sendable {
    /// 受理与资格审查: applications arrive, qualification review, expert assignment.
    case open
    /// 专家评分
    case scoring
    /// 评分结束: the ranking is final; the department proposes the list.
    case closed
    /// 公示中
    case notice
    /// 已决定 (Art 11, 13, 14)
    case decided
}

/// How a round turns its experts' sheets into the score that ranks (评分汇总方式).
public enum ScoreAggregate: String, Codable, Sendable, CaseIterable {
    /// 算术平均: the mean of every sheet, with sheets far from the others flagged for the department (outlier review).
    case mean
    /// 去掉一个最高分和一个最低分后取平均: needs a panel of at least `trimmedMeanMinimumPanel` so three sheets remain.
    case trimmedMean

    public static let trimmedMeanMinimumPanel = 5

    public var nameZh: String {
        switch self {
        case .mean: "算术平均"
        case .trimmedMean: "去掉最高分和最低分后平均"
        }
    }
}

/// A review round (评审批次) of one kind: naming (Art 9–11), project grants (Art 13) or demonstration (Art 14).
public struct ReviewRound: Codable, Sendable, Equatable {
    public var id: RoundID
    public var kind: ApplicationKind
    public var year: Int
    public var status: RoundStatus
    /// How many applications the round may propose at most (Art 9: generally 10; Art 13: 2–5; Art 14: 1–2).
    public var quota: Int
    /// The lowest final score (out of 100) an application may have and still be proposed.
    public var minimumScore: Int
    public var expertsPerApplication: Int
    /// Keep experts off applications of their own screening body's area (on by default; the department may turn it off).
    public var excludeSameScreeningBody: Bool
    /// The score that ranks: the mean (default, for the default panel of 3) or the trimmed mean (a panel of 5 or more).
    public var aggregate: ScoreAggregate
    public var normalise: Bool
    public var outlierThreshold: Int
    public var rubric: Rubric
    /// Last day experts may save or submit score sheets (inclusive, Asia/Shanghai).
    public var scoringDeadline: LocalDate?
    /// Length of the public notice (公示) in working days.
    public var noticeWorkingDays: Int
    public var updatedAt: Date
    public var updatedBy: String?

    /// The defaults of a new round. A panel of 3 with the plain mean: dropping the highest and the lowest of three
    /// sheets would leave one expert's score, so the trimmed mean is a choice for panels of 5 or more; with 3, a sheet
    /// more than `outlierThreshold` points from the other two is flagged in the ranking and the audit for the
    /// department to look at (and reopen if it must). Experts stay off their own screening body's area by default.
    public static func defaults(id: RoundID, kind: ApplicationKind, year: Int, now: Date) -> ReviewRound {
        ReviewRound(id: id, kind: kind, year: year, status: .open, quota: defaultQuota(kind),
                    minimumScore: 60, expertsPerApplication: 3, excludeSameScreeningBody: true, aggregate: .mean, normalise: false,
                    outlierThreshold: 15, rubric: .standard, scoringDeadline: nil, noticeWorkingDays: 5, updatedAt: now, updatedBy: nil)
    }

    /// Why the aggregate does not suit the panel, or nil.
    func aggregateIssue(field: String) -> DomainIssue? {
        guard aggregate == .trimmedMean, expertsPerApplication < ScoreAggregate.trimmedMeanMinimumPanel else { return nil }
        return DomainIssue(code: "round.aggregate_panel", field: field, article: Article(11),
                           messageZh: "去掉最高分和最低分后平均须每件申报至少 \(ScoreAggregate.trimmedMeanMinimumPanel) 名专家，本批次为 \(expertsPerApplication) 名；请增加专家或改用算术平均（mean）",
                           messageEn: "the trimmed mean needs at least \(ScoreAggregate.trimmedMeanMinimumPanel) experts per application, this round has \(expertsPerApplication); add experts or use the mean")
    }

    /// Art 9: 一般每年命名十个; Art 13: 2–5, so up to 5; Art 14: 1–2, so up to 2. The department may lower them.
    public static func defaultQuota(_ kind: ApplicationKind) -> Int {
        switch kind {
        case .naming: 10
        case .projectGrant: 5
        case .demonstration: 2
        }
    }

    /// The quotas the regulation allows: Art 9 says "generally ten" (a soft number, so up to 30), Art 13 2–5, Art 14 1–2.
    public static func quotaRange(_ kind: ApplicationKind) -> ClosedRange<Int> {
        switch kind {
        case .naming: 1...30
        case .projectGrant: 2...5
        case .demonstration: 1...2
        }
    }
}

enum RoundStore {
    static func find(_ id: RoundID, in db: Database) throws -> ReviewRound? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review_round WHERE id = ?", arguments: [id.rawValue]) else { return nil }
        return try decode(row)
    }

    static func require(_ id: RoundID, in db: Database) throws -> ReviewRound {
        guard let round = try find(id, in: db) else { throw Problem.notFound("round", zh: "批次", id: id) }
        return round
    }

    /// One page of the rounds of `kind`, `year` and `status` (any nil: all), newest year first, keyset-paged over
    /// (year descending, id); and how many match in all.
    static func page(kind: String?, year: Int?, status: String?, page: PageRequest, in db: Database) throws -> (items: [ReviewRound], nextCursor: String?, total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let kind { conditions.append("kind = ?"); arguments.append(kind) }
        if let year { conditions.append("year = ?"); arguments.append(year) }
        if let status { conditions.append("status = ?"); arguments.append(status) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_round" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            guard let afterYear = Int(after[0]) else { throw QueryValues.invalidCursor }
            conditions.append("(year < ? OR (year = ? AND id > ?))")
            arguments += [afterYear, afterYear, after[1]]
        }
        let rounds = try Row.fetchAll(db, sql: "SELECT * FROM review_round" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                                          + " ORDER BY year DESC, id LIMIT ?", arguments: StatementArguments(arguments + [page.limit + 1])).map(decode)
        let (items, next) = page.page(rounds) { [String($0.year), $0.id.rawValue] }
        return (items, next, total)
    }

    static func decode(_ row: Row) throws -> ReviewRound {
        ReviewRound(
            id: RoundID(row["id"] as String), kind: try row.stored("kind", as: ApplicationKind.self), year: row["year"],
            status: try row.stored("status", as: RoundStatus.self), quota: row["quota"], minimumScore: row["minimum_score"],
            expertsPerApplication: row["experts_per_application"], excludeSameScreeningBody: row["exclude_same_screening_body"],
            aggregate: try row.stored("aggregate", as: ScoreAggregate.self), normalise: row["normalise"], outlierThreshold: row["outlier_threshold"],
            rubric: try JSONDecoder().decode(Rubric.self, from: Data((row["rubric"] as String).utf8)),
            scoringDeadline: try row.dayIfPresent("scoring_deadline"),
            noticeWorkingDays: row["notice_working_days"], updatedAt: Millis.date(row["updated_at"]), updatedBy: row["updated_by"])
    }

    static func save(_ round: ReviewRound, in db: Database) throws {
        let rubric = String(decoding: try JSONEncoder().encode(round.rubric), as: UTF8.self)
        let millis = Millis.from(round.updatedAt)
        try db.execute(sql: """
            INSERT INTO review_round (id, kind, year, status, quota, minimum_score, experts_per_application, exclude_same_screening_body,
                aggregate, normalise, outlier_threshold, rubric, scoring_deadline, notice_working_days, created_at, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, quota = excluded.quota, minimum_score = excluded.minimum_score,
                experts_per_application = excluded.experts_per_application, exclude_same_screening_body = excluded.exclude_same_screening_body,
                aggregate = excluded.aggregate, normalise = excluded.normalise, outlier_threshold = excluded.outlier_threshold, rubric = excluded.rubric,
                scoring_deadline = excluded.scoring_deadline, notice_working_days = excluded.notice_working_days,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, arguments: [round.id.rawValue, round.kind.rawValue, round.year, round.status.rawValue, round.quota, round.minimumScore,
                             round.expertsPerApplication, round.excludeSameScreeningBody, round.aggregate.rawValue, round.normalise, round.outlierThreshold,
                             rubric, round.scoringDeadline?.description, round.noticeWorkingDays, millis, millis, round.updatedBy])
    }
}
