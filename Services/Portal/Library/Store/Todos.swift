import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// 待办事项: what waits for each account, kept from the services' events. The portal takes them into its own
/// inbox like any service (signed webhooks, the inbox row and the effect in one transaction, MESSAGING.md §6), so
/// a redelivered or replayed event changes nothing. An item opens on the event that makes the work due and is
/// marked done by the event that shows the work done:
///
/// | to-do | for | opened by | done by |
/// |---|---|---|---|
/// | 退回补正 (return for amendment) | the application's county (screening body) | review's `application.status_changed` to `returnedForAmendment` | intake's `application.amended` or `.withdrawn`, or review moving it on |
/// | 拨付经费 (a grant to pay, Art 12–14) | finance | `studio.named`, `project_grant.awarded`, `demonstration.accepted` | funding's `grant.paid` or `grant.cancelled`, or `studio.revoked` (unpaid grants stop) |
/// | 考核逾期 (overdue assessment, Art 17) | the department | assessment's `studio.assessment_overdue` (grace period running) or `studio.expired` | `studio.renewed` (a late assessment passed) or `studio.revoked` |
/// | 评审任务 (an application to score, Art 11) | the expert | review's `panel.changed` naming them | `score_sheet.submitted` by them, or a later `panel.changed` without them (recusal, a late conflict) |
///
/// The events come from different senders, each ordered only within itself, so an end may arrive before its
/// start (an amendment before review's return reaches the portal): the ends are remembered per application and
/// studio, and a start older than a remembered end opens already done.
public enum Todos {
    public enum Kind: String, Sendable {
        case amendment
        case grantNaming = "grant_naming"
        case grantProject = "grant_project"
        case grantDemonstration = "grant_demonstration"
        case assessmentOverdue = "assessment_overdue"
        case assignment
    }

    public struct Item: Sendable, Equatable {
        public var key: String
        public var role: Role
        public var subject: String?
        public var kind: String
        public var title: String
        public var detail: String
        public var link: String?
        public var openedAt: Date
        public var doneAt: Date?
        public var doneReason: String?

        init(row: Row) throws {
            key = row["key"]
            role = try row.stored("role", as: Role.self)
            subject = row["subject"]
            kind = row["kind"]
            title = row["title"]
            detail = row["detail"]
            link = row["link"]
            openedAt = Millis.date(row["opened_at"])
            doneAt = (row["done_at"] as Int64?).map(Millis.date)
            doneReason = row["done_reason"]
        }
    }

    static func migrate(_ migrator: inout DatabaseMigrator) {
        // The portal's inbox (and the messaging tables around it, unused by a receiver that sends nothing).
        MessagingSchema.register(in: &migrator)
        migrator.registerMigration("portal-v3-todos") { db in
            try db.execute(sql: """
                CREATE TABLE todo (
                    key TEXT PRIMARY KEY,
                    role TEXT NOT NULL,
                    subject TEXT,
                    kind TEXT NOT NULL,
                    aggregate TEXT NOT NULL,
                    title TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    link TEXT,
                    opened_at INTEGER NOT NULL,
                    opened_by TEXT NOT NULL,
                    done_at INTEGER,
                    done_reason TEXT,
                    done_by TEXT
                );
                CREATE INDEX todo_by_role ON todo(role, subject, done_at);
                CREATE INDEX todo_by_aggregate ON todo(aggregate, kind);
                CREATE TABLE todo_application (
                    application_id TEXT PRIMARY KEY,
                    screening_body_code TEXT NOT NULL,
                    studio_name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    ended_at INTEGER,
                    ended_reason TEXT
                );
                CREATE TABLE todo_studio (
                    studio_id TEXT PRIMARY KEY,
                    studio_name TEXT,
                    screening_body_code TEXT,
                    revoked_at INTEGER,
                    renewed_at INTEGER
                );
                """)
        }
    }

    // MARK: Handlers

    public static func register(_ handlers: inout InboxHandlers) {
        handlers.on(ApplicationSubmitted.self) { db, envelope in
            try remember(envelope.data.application, in: db)
        }
        handlers.on(ApplicationAmended.self) { db, envelope in
            try remember(envelope.data.application, in: db)
            try endReturn(envelope.data.application.applicationID, at: envelope.occurredAt, reason: "已补正并重新提交（第\(envelope.data.applicationVersion)版）",
                          by: envelope.id, in: db)
        }
        handlers.on(ApplicationWithdrawn.self) { db, envelope in
            try endReturn(envelope.data.applicationID, at: envelope.occurredAt, reason: "申报已撤回", by: envelope.id, in: db)
        }
        handlers.on(ApplicationStatusChanged.self) { db, envelope in
            let data = envelope.data
            let id = data.applicationID.rawValue
            guard data.status == .returnedForAmendment else {
                // Review moved the application on: a return before this is no longer waiting.
                try close(aggregate: Aggregates.application(data.applicationID), kinds: [.amendment], before: envelope.occurredAt,
                          reason: "评审已处理（\(data.status.rawValue)）", by: envelope.id, in: db)
                return
            }
            let known = try Row.fetchOne(db, sql: "SELECT * FROM todo_application WHERE application_id = ?", arguments: [id])
            let name: String = known?["studio_name"] ?? id
            let reasons = data.reasons.map(\.messageZh).joined(separator: "；")
            try open(key: "amendment:\(id):\(envelope.id)", role: .screeningBody, subject: known?["screening_body_code"], kind: .amendment,
                     aggregate: Aggregates.application(data.applicationID), title: "退回补正：\(name)",
                     detail: reasons.isEmpty ? "评审退回，请补正后重新提交。" : "退回原因：\(reasons)",
                     link: "/county/applications/\(id)", envelope: envelope.header, in: db)
            // An amendment or withdrawal that reached the portal first.
            if let endedAt = known?["ended_at"] as Int64?, endedAt >= Millis.from(envelope.occurredAt) {
                try close(aggregate: Aggregates.application(data.applicationID), kinds: [.amendment], before: Millis.date(endedAt),
                          reason: known?["ended_reason"] ?? "已处理", by: envelope.id, in: db)
            }
        }
        handlers.on(ExpertPanelChanged.self) { db, envelope in
            // One application's events arrive in review's order (its aggregate), so the panel is the latest one.
            let data = envelope.data
            let id = data.applicationID.rawValue
            let name = try String.fetchOne(db, sql: "SELECT studio_name FROM todo_application WHERE application_id = ?", arguments: [id]) ?? id
            for expert in data.expertIDs {
                try open(key: "assignment:\(id):\(expert)", role: .expert, subject: expert, kind: .assignment, aggregate: Aggregates.application(data.applicationID),
                         title: "评审任务：\(name)", detail: "请阅读申报材料并提交评分表；如有利害关系请申请回避。", link: "/expert/applications/\(id)",
                         envelope: envelope.header, in: db)
            }
            let left = try String.fetchAll(db, sql: "SELECT key FROM todo WHERE aggregate = ? AND kind = ? AND done_at IS NULL",
                                           arguments: [Aggregates.application(data.applicationID), Kind.assignment.rawValue])
                .filter { key in !data.expertIDs.contains { key == "assignment:\(id):\($0)" } }
            for key in left {
                try db.execute(sql: "UPDATE todo SET done_at = ?, done_reason = ?, done_by = ? WHERE key = ? AND done_at IS NULL",
                               arguments: [Millis.from(envelope.occurredAt), "已不在该申报的评审组（回避或调整）", envelope.id, key])
            }
        }
        handlers.on(ScoreSheetSubmitted.self) { db, envelope in
            let data = envelope.data
            try db.execute(sql: "UPDATE todo SET done_at = ?, done_reason = ?, done_by = ? WHERE key = ? AND done_at IS NULL",
                           arguments: [Millis.from(envelope.occurredAt), "评分表已提交", envelope.id, "assignment:\(data.applicationID.rawValue):\(data.expertID)"])
        }
        handlers.on(StudioNamed.self) { db, envelope in
            let data = envelope.data
            try rememberStudio(data.studioID, name: data.studioName, body: data.screeningBodyCode, in: db)
            try openGrant(.grantNaming, studio: data.studioID, year: data.year, title: "拨付命名补助：\(data.studioName)",
                          detail: "\(data.year)年命名的市级创新工作室，按第十二条拨付补助经费。", envelope: envelope.header, in: db)
        }
        handlers.on(ProjectGrantAwarded.self) { db, envelope in
            let data = envelope.data
            let name = try studioName(data.studioID, in: db)
            try openGrant(.grantProject, studio: data.studioID, year: data.year, title: "拨付课题经费：\(name)",
                          detail: "\(data.year)年获课题经费补助（第十三条），待审批拨付。", envelope: envelope.header, in: db)
        }
        handlers.on(DemonstrationAccepted.self) { db, envelope in
            let data = envelope.data
            let name = try studioName(data.studioID, in: db)
            try openGrant(.grantDemonstration, studio: data.studioID, year: data.year, title: "拨付示范工作室补助：\(name)",
                          detail: "\(data.year)年示范性创新工作室考核验收合格（第十四条），待拨付补助。", envelope: envelope.header, in: db)
        }
        handlers.on(GrantPaid.self) { db, envelope in
            let data = envelope.data
            try endGrant(kind: data.kind, studio: data.studioID, year: data.year,
                         reason: "已拨付 \(FinancePages.yuan(data.amount))（\(data.paidOn)，流水 \(data.paymentReference)）", envelope: envelope.header, in: db)
        }
        handlers.on(GrantCancelled.self) { db, envelope in
            let data = envelope.data
            // A revocation's reason is bilingual ("中文 / English"): the list is in Chinese.
            let reason = Bilingual.chinese(data.reason)
            try endGrant(kind: data.kind, studio: data.studioID, year: data.year, reason: "补助已取消：\(reason)", envelope: envelope.header, in: db)
        }
        handlers.on(StudioRegistered.self) { db, envelope in
            let data = envelope.data
            try rememberStudio(data.studioID, name: data.studioName, body: data.screeningBodyCode, in: db)
        }
        handlers.on(StudioAssessmentOverdue.self) { db, envelope in
            let data = envelope.data
            let id = data.studioID.rawValue
            let name = try studioName(data.studioID, in: db)
            try open(key: "overdue:\(id):\(data.cycle.number)", role: .department, subject: nil, kind: .assessmentOverdue,
                     aggregate: Aggregates.studio(data.studioID), title: "考核逾期：\(name)",
                     detail: "第\(data.cycle.number)周期（\(data.cycle.start)至\(data.cycle.lastDay)）期满未考核，宽限期内保留称号；"
                        + "\(data.graceEndsOn)前未考核则称号到期（第十七条）。",
                     link: "/cycle/studios/\(id)/assess", envelope: envelope.header, in: db)
            try closeIfAssessed(data.studioID, since: envelope.occurredAt, by: envelope.id, in: db)
        }
        handlers.on(StudioExpired.self) { db, envelope in
            let data = envelope.data
            let id = data.studioID.rawValue
            let name = try studioName(data.studioID, in: db)
            let key = "overdue:\(id):\(data.cycle.number)"
            let detail = "第\(data.cycle.number)周期（\(data.cycle.start)至\(data.cycle.end.adding(days: -1))）期满未考核，称号于\(data.expiredOn)到期（第十七条）；补考合格可恢复。"
            try open(key: key, role: .department, subject: nil, kind: .assessmentOverdue,
                     aggregate: Aggregates.studio(data.studioID), title: "考核逾期：\(name)", detail: detail,
                     link: "/cycle/studios/\(id)/assess", envelope: envelope.header, in: db)
            // Opened in the grace period (studio.assessment_overdue) and still open: it now reads as expired.
            try db.execute(sql: "UPDATE todo SET detail = ? WHERE key = ? AND done_at IS NULL", arguments: [detail, key])
            try closeIfAssessed(data.studioID, since: envelope.occurredAt, by: envelope.id, in: db)
        }
        handlers.on(StudioRenewed.self) { db, envelope in
            let data = envelope.data
            try db.execute(sql: """
                INSERT INTO todo_studio (studio_id, renewed_at) VALUES (?, ?)
                ON CONFLICT (studio_id) DO UPDATE SET renewed_at = MAX(COALESCE(renewed_at, 0), excluded.renewed_at)
                """, arguments: [data.studioID.rawValue, Millis.from(envelope.occurredAt)])
            try close(aggregate: Aggregates.studio(data.studioID), kinds: [.assessmentOverdue], before: envelope.occurredAt,
                      reason: "考核合格，已进入第\(data.cycle.number)周期（第十七条）", by: envelope.id, in: db)
        }
        handlers.on(StudioRevoked.self) { db, envelope in
            let data = envelope.data
            try db.execute(sql: """
                INSERT INTO todo_studio (studio_id, revoked_at) VALUES (?, ?)
                ON CONFLICT (studio_id) DO UPDATE SET revoked_at = MAX(COALESCE(revoked_at, 0), excluded.revoked_at)
                """, arguments: [data.studioID.rawValue, Millis.from(envelope.occurredAt)])
            let article = data.reason.article.map { "（\($0.chinese)）" } ?? ""
            try close(aggregate: Aggregates.studio(data.studioID), kinds: [.assessmentOverdue], before: envelope.occurredAt,
                      reason: "命名已撤销\(article)", by: envelope.id, in: db)
            try close(aggregate: Aggregates.studio(data.studioID), kinds: [.grantNaming, .grantProject, .grantDemonstration], before: envelope.occurredAt,
                      reason: "命名已撤销\(article)，未拨付的经费停止拨付", by: envelope.id, in: db)
        }
    }

    /// A renewal or revocation that reached the portal before the overdue or expiry it ends.
    static func closeIfAssessed(_ studioID: StudioID, since instant: Date, by eventID: String, in db: Database) throws {
        let studio = try Row.fetchOne(db, sql: "SELECT renewed_at, revoked_at FROM todo_studio WHERE studio_id = ?", arguments: [studioID.rawValue])
        if let later = [studio?["renewed_at"] as Int64?, studio?["revoked_at"] as Int64?].compactMap({ $0 }).max(), later >= Millis.from(instant) {
            try close(aggregate: Aggregates.studio(studioID), kinds: [.assessmentOverdue], before: Millis.date(later),
                      reason: "考核已办结", by: eventID, in: db)
        }
    }

    static func remember(_ application: ApplicationContent, in db: Database) throws {
        let id = application.applicationID.rawValue
        try db.execute(sql: """
            INSERT INTO todo_application (application_id, screening_body_code, studio_name, kind) VALUES (?, ?, ?, ?)
            ON CONFLICT (application_id) DO UPDATE SET screening_body_code = excluded.screening_body_code, studio_name = excluded.studio_name
            """, arguments: [id, application.screeningBodyCode, application.studio.name, application.kind.rawValue])
        // A return that reached the portal before the submission: now it has its county and its name.
        try db.execute(sql: """
            UPDATE todo SET subject = ?, title = ? WHERE aggregate = ? AND kind = ? AND subject IS NULL
            """, arguments: [application.screeningBodyCode, "退回补正：\(application.studio.name)", Aggregates.application(application.applicationID), Kind.amendment.rawValue])
    }

    static func endReturn(_ applicationID: ApplicationID, at instant: Date, reason: String, by eventID: String, in db: Database) throws {
        let millis = Millis.from(instant)
        try db.execute(sql: """
            UPDATE todo_application SET ended_at = ?, ended_reason = ? WHERE application_id = ? AND (ended_at IS NULL OR ended_at < ?)
            """, arguments: [millis, reason, applicationID.rawValue, millis])
        try close(aggregate: Aggregates.application(applicationID), kinds: [.amendment], before: instant, reason: reason, by: eventID, in: db)
    }

    static func rememberStudio(_ studio: StudioID, name: String, body: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO todo_studio (studio_id, studio_name, screening_body_code) VALUES (?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET studio_name = excluded.studio_name, screening_body_code = excluded.screening_body_code
            """, arguments: [studio.rawValue, name, body])
    }

    static func studioName(_ studio: StudioID, in db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT studio_name FROM todo_studio WHERE studio_id = ?", arguments: [studio.rawValue]) ?? studio.rawValue
    }

    static func openGrant(_ kind: Kind, studio: StudioID, year: Int, title: String, detail: String, envelope: EventHeader, in db: Database) throws {
        let key = "\(kind.rawValue):\(studio.rawValue):\(year)"
        try open(key: key, role: .finance, subject: nil, kind: kind, aggregate: Aggregates.studio(studio),
                 title: title, detail: detail, link: "/funds?year=\(year)", envelope: envelope, in: db)
        // A payment that reached the portal before the award: the item exists, done; it takes the award's words.
        try db.execute(sql: "UPDATE todo SET title = ?, detail = ?, link = ? WHERE key = ? AND opened_by <> ?",
                       arguments: [title, detail, "/funds?year=\(year)", key, envelope.id])
        if let revokedAt = try Int64.fetchOne(db, sql: "SELECT revoked_at FROM todo_studio WHERE studio_id = ?", arguments: [studio.rawValue]),
           revokedAt >= Millis.from(envelope.occurredAt) {
            try close(aggregate: Aggregates.studio(studio), kinds: [kind], before: Millis.date(revokedAt), reason: "命名已撤销，未拨付的经费停止拨付",
                      by: envelope.id, in: db)
        }
    }

    /// Finance's grant to pay is done (paid or cancelled), whether or not the award reached the portal first (the
    /// award then only fills in its words); the first end that arrives is the one kept.
    static func endGrant(kind grantKind: String, studio: StudioID, year: Int, reason: String, envelope: EventHeader, in db: Database) throws {
        let kind: Kind = switch grantKind {
        case "projectGrant": .grantProject
        case "demonstration": .grantDemonstration
        default: .grantNaming
        }
        let name = try studioName(studio, in: db)
        let millis = Millis.from(envelope.occurredAt)
        try db.execute(sql: """
            INSERT INTO todo (key, role, subject, kind, aggregate, title, detail, link, opened_at, opened_by, done_at, done_reason, done_by)
            VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET done_at = COALESCE(done_at, excluded.done_at),
                done_reason = COALESCE(done_reason, excluded.done_reason), done_by = COALESCE(done_by, excluded.done_by)
            """, arguments: ["\(kind.rawValue):\(studio.rawValue):\(year)", Role.finance.rawValue, kind.rawValue, Aggregates.studio(studio),
                             "拨付补助：\(name)", "\(year)年的补助", millis, envelope.id, millis, reason, envelope.id])
    }

    /// Opens an item once: the key names the work, so the same work opened twice is one item.
    static func open(key: String, role: Role, subject: String?, kind: Kind, aggregate: String, title: String, detail: String, link: String?,
                     envelope: EventHeader, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO todo (key, role, subject, kind, aggregate, title, detail, link, opened_at, opened_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING
            """, arguments: [key, role.rawValue, subject, kind.rawValue, aggregate, title, detail, link, Millis.from(envelope.occurredAt), envelope.id])
    }

    /// Marks done the open items of `kinds` on `aggregate` opened at or before `instant`.
    static func close(aggregate: String, kinds: [Kind], before instant: Date, reason: String, by eventID: String, in db: Database) throws {
        let millis = Millis.from(instant)
        for kind in kinds {
            try db.execute(sql: """
                UPDATE todo SET done_at = ?, done_reason = ?, done_by = ?
                WHERE aggregate = ? AND kind = ? AND done_at IS NULL AND opened_at <= ?
                """, arguments: [millis, reason, eventID, aggregate, kind.rawValue, millis])
        }
    }

    // MARK: Reading

    /// The items for `account`: a county's own (its screening body's), or every item of the account's role.
    static func filter(for account: Account) -> (sql: String, arguments: StatementArguments) {
        if account.role.needsSubject {
            return ("role = ? AND subject = ?", [account.role.rawValue, account.subject ?? ""])
        }
        return ("role = ?", [account.role.rawValue])
    }

    public static func openCount(for account: Account, in db: Database) throws -> Int {
        let (condition, arguments) = filter(for: account)
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM todo WHERE \(condition) AND done_at IS NULL", arguments: arguments) ?? 0
    }

    public static func items(for account: Account, open: Bool, limit: Int = 200, in db: Database) throws -> [Item] {
        let (condition, arguments) = filter(for: account)
        let order = open ? "opened_at, key" : "done_at DESC, key"
        return try Row.fetchAll(db, sql: "SELECT * FROM todo WHERE \(condition) AND done_at IS \(open ? "" : "NOT ")NULL ORDER BY \(order) LIMIT \(limit)",
                                arguments: arguments).map(Item.init(row:))
    }

    /// Every item, for the test that replays the run's events and expects nothing to change.
    public static func all(in db: Database) throws -> [Item] {
        try Row.fetchAll(db, sql: "SELECT * FROM todo ORDER BY key").map(Item.init(row:))
    }
}
