import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A round (申报批次) of one kind of application for one year: the department opens it with an opening day and
/// a deadline, both inclusive in Asia/Shanghai, and optionally a quota of recommendations per screening body
/// (Art 10 择优申报). The round id travels in the application events so review can group by it.
public struct IntakeRound: Codable, Hashable, Sendable {
    public var id: RoundID
    public var kind: ApplicationKind
    public var year: Int
    public var opensOn: LocalDate
    public var deadline: LocalDate
    /// The most applications one screening body may submit in this round; nil is no limit.
    public var quotaPerBody: Int?
    /// Quotas for particular bodies (by code), overriding `quotaPerBody`.
    public var quotas: [String: Int]
    public var createdAt: Date
    /// When the department cancelled the round (撤销批次), and why; a cancelled round takes nothing more.
    public var cancelledAt: Date?
    public var cancelReason: String?

    public var isCancelled: Bool { cancelledAt != nil }

    public func quota(for body: String) -> Int? { quotas[body] ?? quotaPerBody }

    /// Why a submission on `day` is refused, or nil.
    public func windowIssue(on day: LocalDate, field: String = "roundId") -> DomainIssue? {
        if isCancelled {
            let reason = cancelReason ?? ""
            return DomainIssue(code: "round_cancelled", field: field, article: Article(10),
                               messageZh: "本批次已由主管部门撤销（原因：\(reason)），不能再提交、修改或撤回。",
                               messageEn: "This round was cancelled by the department (reason: \(reason)); nothing can be submitted, amended or withdrawn.")
        }
        if day < opensOn {
            return DomainIssue(code: "round_not_open", field: field, article: Article(10),
                               messageZh: "本批次申报自\(opensOn)起开始受理，今天（\(day)）尚不能提交。",
                               messageEn: "This round accepts submissions from \(opensOn); it cannot be submitted today (\(day)).")
        }
        if day > deadline {
            return DomainIssue(code: "round_closed", field: field, article: Article(10),
                               messageZh: "本批次申报已于\(deadline)截止，今天（\(day)）不能再提交、修改或撤回。",
                               messageEn: "This round closed on \(deadline); nothing can be submitted, amended or withdrawn today (\(day)).")
        }
        return nil
    }
}

enum RoundStore {
    static func insert(_ round: IntakeRound, in db: Database) throws {
        let quotas = String(decoding: try JSONEncoder().encode(round.quotas), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO intake_round (id, kind, year, opens_on, deadline, quota_per_body, quotas_json, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [round.id.rawValue, round.kind.rawValue, round.year, round.opensOn.description, round.deadline.description,
                             round.quotaPerBody, quotas, Millis.from(round.createdAt)])
    }

    static func find(_ id: RoundID, in db: Database) throws -> IntakeRound? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM intake_round WHERE id = ?"), arguments: [id.rawValue]).map(round)
    }

    /// Saves a corrected deadline, quota or cancellation of an existing round.
    static func update(_ round: IntakeRound, in db: Database) throws {
        let quotas = String(decoding: try JSONEncoder().encode(round.quotas), as: UTF8.self)
        try db.execute(sql: """
            UPDATE intake_round SET deadline = ?, quota_per_body = ?, quotas_json = ?, cancelled_at = ?, cancel_reason = ? WHERE id = ?
            """, arguments: [round.deadline.description, round.quotaPerBody, quotas, round.cancelledAt.map(Millis.from), round.cancelReason,
                             round.id.rawValue])
    }

    /// The round of `kind` and `year` that is not cancelled, if there is one: at most one (a cancelled round leaves
    /// its kind and year free for a new one).
    static func current(kind: ApplicationKind, year: Int, in db: Database) throws -> IntakeRound? {
        try Row.fetchOne(db, sql: "SELECT * FROM intake_round WHERE kind = ? AND year = ? AND cancelled_at IS NULL",
                         arguments: [kind.rawValue, year]).map(round)
    }

    /// What the department and the counties look rounds up by: kind, year, cancelled or not.
    struct Filter: Sendable {
        var kind: String?
        var year: Int?
        var cancelled: Bool?
    }

    /// One page of the rounds matching `filter`, newest year first (then kind, then opening order), keyset-paged
    /// over (year, kind, created_at, id); and how many match in all.
    static func page(_ filter: Filter, page: PageRequest, in db: Database) throws -> (items: [IntakeRound], nextCursor: String?, total: Int) {
        var request = Table("intake_round").all()
        if let kind = filter.kind { request = request.filter(sql: "kind = ?", arguments: [kind]) }
        if let year = filter.year { request = request.filter(sql: "year = ?", arguments: [year]) }
        if let cancelled = filter.cancelled { request = request.filter(sql: cancelled ? "cancelled_at IS NOT NULL" : "cancelled_at IS NULL") }
        let total = try request.fetchCount(db)
        if let after = page.after {
            guard let year = Int(after[0]), let createdAt = Int64(after[2]) else { throw QueryValues.invalidCursor }
            request = request.filter(sql: "(year < ? OR (year = ? AND (kind, created_at, id) > (?, ?, ?)))", arguments: [year, year, after[1], createdAt, after[3]])
        }
        let rows = try Row.fetchAll(db, request.order(sql: "year DESC, kind, created_at, id").limit(page.limit + 1)).map(round)
        let (items, next) = page.page(rows) { [String($0.year), $0.kind.rawValue, String(Millis.from($0.createdAt)), $0.id.rawValue] }
        return (items, next, total)
    }

    private static func round(_ row: Row) throws -> IntakeRound {
        let quotasJSON: String = row["quotas_json"]
        guard let quotas = quotasJSON == "{}" ? [:] : try? JSONDecoder().decode([String: Int].self, from: Data(quotasJSON.utf8)) else {
            throw StoredValueError(column: "quotas_json", value: quotasJSON, expected: "quotas by screening body (JSON)")
        }
        return IntakeRound(
            id: RoundID(row["id"] as String), kind: try row.stored("kind", as: ApplicationKind.self), year: row["year"],
            opensOn: try row.day("opens_on"), deadline: try row.day("deadline"),
            quotaPerBody: row["quota_per_body"],
            quotas: quotas,
            createdAt: Millis.date(row["created_at"]),
            cancelledAt: (row["cancelled_at"] as Int64?).map(Millis.date), cancelReason: row["cancel_reason"])
    }
}
