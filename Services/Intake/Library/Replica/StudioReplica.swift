import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Intake's copy of the studio register, built only from assessment's events: which studios are named, by
/// which screening body, at which level, and where they are in their cycle (Art 13, 14, 17, 19, 20).
public struct ReplicatedStudio: Codable, Hashable, Sendable {
    public var studioId: StudioID
    public var applicationId: ApplicationID?
    public var studioName: String
    public var unitName: String
    public var screeningBodyCode: String
    public var level: StudioLevel
    public var status: StudioStatus
    /// Why the title was revoked (when `status` is revoked): the article a refusal cites depends on it.
    public var revocationReason: RevocationReason?
    public var namedOn: LocalDate
    public var cycle: StudioCycle
}

enum StudioReplica {
    static func find(_ id: StudioID, in db: Database) throws -> ReplicatedStudio? {
        try Row.fetchOne(db, sql: "SELECT * FROM intake_studio WHERE id = ?", arguments: [id.rawValue]).map(studio)
    }

    /// What people look studios up by: the screening body (county), the studio's and the unit's name (substrings),
    /// status, level and the year it was named.
    struct Filter: Sendable {
        var screeningBody: String?
        var name: String?
        var unit: String?
        var status: String?
        var level: String?
        var year: Int?
    }

    /// One page of the studios matching `filter`, by name (then id), keyset-paged over (studio_name, id); and how
    /// many match in all.
    static func page(_ filter: Filter, page: PageRequest, in db: Database) throws -> (items: [ReplicatedStudio], nextCursor: String?, total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let body = filter.screeningBody { conditions.append("screening_body = ?"); arguments.append(body) }
        if let name = filter.name { conditions.append("instr(studio_name, ?) > 0"); arguments.append(name) }
        if let unit = filter.unit { conditions.append("instr(unit_name, ?) > 0"); arguments.append(unit) }
        if let status = filter.status { conditions.append("status = ?"); arguments.append(status) }
        if let level = filter.level { conditions.append("level = ?"); arguments.append(level) }
        if let year = filter.year { conditions.append("substr(named_on, 1, 4) = ?"); arguments.append(String(format: "%04d", year)) }
        let filtered = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_studio \(filtered)", arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            conditions.append("(studio_name, id) > (?, ?)")
            arguments += [after[0], after[1]]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM intake_studio \(whereClause) ORDER BY studio_name, id LIMIT ?",
                                    arguments: StatementArguments(arguments + [page.limit + 1])).map(studio)
        let (items, next) = page.page(rows) { [$0.studioName, $0.studioId.rawValue] }
        return (items, next, total)
    }

    static func register(_ handlers: inout InboxHandlers, now: @escaping @Sendable () -> Date) {
        handlers.on(StudioRegistered.self) { db, envelope in
            let event = envelope.data
            try db.execute(sql: """
                INSERT INTO intake_studio (id, application_id, studio_name, unit_name, screening_body, level, status, named_on, cycle_number, cycle_start, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET application_id = excluded.application_id, studio_name = excluded.studio_name,
                    unit_name = excluded.unit_name, screening_body = excluded.screening_body, level = excluded.level,
                    status = excluded.status, named_on = excluded.named_on, cycle_number = excluded.cycle_number,
                    cycle_start = excluded.cycle_start, updated_at = excluded.updated_at,
                    revocation_reason = CASE WHEN excluded.status = 'revoked' THEN intake_studio.revocation_reason END
                """, arguments: [event.studioID.rawValue, event.applicationID?.rawValue, event.studioName, event.unitName,
                                 event.screeningBodyCode, event.level.rawValue, event.status.rawValue, event.namedOn.description,
                                 event.cycle.number, event.cycle.start.description, Millis.from(now())])
        }
        handlers.on(StudioCycleChanged.self) { db, envelope in
            try update(envelope.data.studioID, in: db, sql: "cycle_number = ?, cycle_start = ?",
                       [envelope.data.cycle.number, envelope.data.cycle.start.description], now: now)
        }
        handlers.on(StudioRenewed.self) { db, envelope in
            try update(envelope.data.studioID, in: db, sql: "cycle_number = ?, cycle_start = ?",
                       [envelope.data.cycle.number, envelope.data.cycle.start.description], now: now)
            // A late pass restores an expired studio; nothing restores a revoked one.
            if let restored = envelope.data.restoredStatus {
                try db.execute(sql: "UPDATE intake_studio SET status = ? WHERE id = ? AND status = 'expired'",
                               arguments: [restored.rawValue, envelope.data.studioID.rawValue])
            }
        }
        handlers.on(StudioExpired.self) { db, envelope in
            try update(envelope.data.studioID, in: db, sql: "status = CASE WHEN status = 'revoked' THEN 'revoked' ELSE ? END",
                       [StudioStatus.expired.rawValue], now: now)
        }
        handlers.on(StudioChanged.self) { db, envelope in
            let event = envelope.data
            if let name = event.unitName { try update(event.studioID, in: db, sql: "unit_name = ?", [name], now: now) }
            if let body = event.screeningBodyCode { try update(event.studioID, in: db, sql: "screening_body = ?", [body], now: now) }
            if event.unitName == nil, event.screeningBodyCode == nil { _ = try known(event.studioID, in: db) }
        }
        handlers.on(StudioRevoked.self) { db, envelope in
            try update(envelope.data.studioID, in: db, sql: "status = ?, revocation_reason = ?",
                       [StudioStatus.revoked.rawValue, envelope.data.reason.rawValue], now: now)
        }
        handlers.on(DemonstrationAccepted.self) { db, envelope in
            try update(envelope.data.studioID, in: db, sql: "status = ?", [StudioStatus.demonstration.rawValue], now: now)
        }
    }

    private static func update(_ id: StudioID, in db: Database, sql: String, _ values: [(any DatabaseValueConvertible)?], now: () -> Date) throws {
        _ = try known(id, in: db)
        try db.execute(sql: "UPDATE intake_studio SET \(sql), updated_at = ? WHERE id = ?",
                       arguments: StatementArguments(values + [Millis.from(now()), id.rawValue]))
    }

    /// Per-aggregate order means `studio.registered` comes first; anything else for an unknown studio is refused.
    @discardableResult
    private static func known(_ id: StudioID, in db: Database) throws -> Bool {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM intake_studio WHERE id = ?)", arguments: [id.rawValue]) == true else {
            throw EventRejected([DomainIssue(code: "studio_unknown", field: "studioID",
                                             messageZh: "登记册中没有该工作室：\(id)（须先收到 studio.registered）",
                                             messageEn: "no studio \(id) in the register (studio.registered must come first)")])
        }
        return true
    }

    private static func studio(_ row: Row) -> ReplicatedStudio {
        let namedOn = LocalDate(row["named_on"] as String)!
        return ReplicatedStudio(
            studioId: StudioID(row["id"] as String), applicationId: (row["application_id"] as String?).map(ApplicationID.init),
            studioName: row["studio_name"], unitName: row["unit_name"], screeningBodyCode: row["screening_body"],
            level: StudioLevel(rawValue: row["level"]) ?? .city, status: StudioStatus(rawValue: row["status"]) ?? .active,
            revocationReason: (row["revocation_reason"] as String?).flatMap(RevocationReason.init(rawValue:)),
            namedOn: namedOn, cycle: StudioCycle(number: max(1, row["cycle_number"] as Int), start: LocalDate(row["cycle_start"] as String) ?? namedOn))
    }
}
