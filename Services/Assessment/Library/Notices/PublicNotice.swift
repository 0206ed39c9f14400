import ServiceKit
import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A public notice (通报) of a revocation (Art 17 failed assessment, Art 20 plagiarism or fraud), in Chinese,
/// naming the studio, the reason and the date. It names the studio and its unit only: no person.
struct PublicNotice: Codable, Sendable, Equatable {
    var id: NoticeID
    var studioId: StudioID
    var kind: String
    var reason: RevocationReason
    var titleZh: String
    var bodyZh: String
    var publishedOn: LocalDate

    init(row: Row) throws {
        id = NoticeID(row["id"] as String)
        studioId = StudioID(row["studio_id"] as String)
        kind = row["kind"]
        reason = try row.stored("reason", as: RevocationReason.self)
        titleZh = row["title_zh"]
        bodyZh = row["body_zh"]
        publishedOn = try row.day("published_on")
    }

    init(id: NoticeID, studio: RegisteredStudio, reason: RevocationReason, findingZh: String, decidedOn: LocalDate) {
        self.id = id
        studioId = studio.id
        kind = "revocation"
        self.reason = reason
        publishedOn = decidedOn
        titleZh = "关于撤销“\(studio.studioName)”衢州市高技能人才（劳模）创新工作室命名的通报"
        let plaque = studio.plaqueNumber.map { "（牌匾编号\($0)）" } ?? ""
        let basis = reason.article.map { "《衢州市高技能人才（劳模）创新工作室管理办法（试行）》\($0.chinese)" }
            ?? "《衢州市高技能人才（劳模）创新工作室管理办法（试行）》"
        bodyZh = """
            各县（市、区）总工会、衢州绿色产业集聚区总工会、市级产业工会、市直各系统工委：
            \(studio.unitName)“\(studio.studioName)”\(plaque)\(findingZh)。根据\(basis)的规定，经研究，决定自\(decidedOn.chinese)起撤销其“衢州市高技能人才（劳模）创新工作室”命名，收回牌匾，停止其相关经费补助。
            特此通报。
            衢州市总工会
            \(decidedOn.chinese)
            """
    }

    /// The notice that a studio's title expired: its cycle ended without an assessment and the grace period
    /// after it passed (Art 17). It names the studio, its unit and the dates; a late assessment may restore it.
    init(id: NoticeID, expiryOf studio: RegisteredStudio, cycle: StudioCycle, graceDays: Int, expiredOn: LocalDate) {
        self.id = id
        studioId = studio.id
        kind = "expiry"
        reason = .other
        publishedOn = expiredOn
        titleZh = "关于“\(studio.studioName)”衢州市高技能人才（劳模）创新工作室称号到期的通报"
        let plaque = studio.plaqueNumber.map { "（牌匾编号\($0)）" } ?? ""
        bodyZh = """
            各县（市、区）总工会、衢州绿色产业集聚区总工会、市级产业工会、市直各系统工委：
            \(studio.unitName)“\(studio.studioName)”\(plaque)第\(cycle.number)周期已于\(cycle.lastDay.chinese)期满，期满后\(graceDays)日内未经考核。根据《衢州市高技能人才（劳模）创新工作室管理办法（试行）》第十七条的规定，其“衢州市高技能人才（劳模）创新工作室”称号自\(expiredOn.chinese)起到期，不再列入名册；经补充考核合格的，恢复其称号。
            特此通报。
            衢州市总工会
            \(expiredOn.chinese)
            """
    }

    func insert(actor: Agent, nowMillis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO public_notice (id, studio_id, kind, reason, title_zh, body_zh, published_on, published_at, issued_by_role, issued_by_subject)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id.rawValue, studioId.rawValue, kind, reason.rawValue, titleZh, bodyZh, publishedOn.description, nowMillis,
                             actor.role, actor.subject])
    }

    /// One page of the notices of `kind` published in `year` (either or both nil: all), newest first, keyset-paged
    /// over (published_at descending, id); and how many match in all.
    static func page(kind: String?, year: Int?, page: PageRequest, in db: Database) throws -> (items: [PublicNotice], nextCursor: String?, total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let kind { conditions.append("kind = ?"); arguments.append(kind) }
        if let year { conditions.append("substr(published_on, 1, 4) = ?"); arguments.append(String(format: "%04d", year)) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM public_notice" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            guard let publishedAt = Int64(after[0]) else { throw QueryValues.invalidCursor }
            conditions.append("(published_at < ? OR (published_at = ? AND id > ?))")
            arguments += [publishedAt, publishedAt, after[1]]
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM public_notice" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                                        + " ORDER BY published_at DESC, id LIMIT ?", arguments: StatementArguments(arguments + [page.limit + 1]))
        let (items, next) = page.page(rows) { [String($0["published_at"] as Int64), $0["id"] as String] }
        return (try items.map(PublicNotice.init), next, total)
    }

    static func find(_ id: String, in db: Database) throws -> PublicNotice? {
        try Row.fetchOne(db, sql: "SELECT * FROM public_notice WHERE id = ?", arguments: [id]).map(PublicNotice.init)
    }
}
