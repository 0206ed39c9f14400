import Foundation
import GRDB
import StudioDomain

/// Funding's copy of the studio register (kept by assessment, first known from review's naming): enough to
/// name the payee (收款单位), group by screening body, and refuse money to a revoked studio.
struct StudioReplica: Sendable {
    var studioID: String
    var studioName: String
    var unitName: String
    var screeningBodyCode: String
    var revoked: Bool

    static func find(_ studioID: String, in db: Database) throws -> StudioReplica? {
        try Row.fetchOne(db, sql: "SELECT * FROM funding_studio WHERE studio_id = ?", arguments: [studioID]).map { row in
            StudioReplica(studioID: row["studio_id"], studioName: row["studio_name"], unitName: row["unit_name"],
                          screeningBodyCode: row["screening_body_code"], revoked: (row["status"] as String) == "revoked")
        }
    }

    /// Upserts names and affiliation; a revocation already recorded is never undone by a later registration.
    static func record(studioID: String, studioName: String, unitName: String, screeningBodyCode: String,
                       status: StudioStatus, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO funding_studio (studio_id, studio_name, unit_name, screening_body_code, status, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET
                studio_name = excluded.studio_name, unit_name = excluded.unit_name,
                screening_body_code = excluded.screening_body_code,
                status = CASE WHEN funding_studio.status = 'revoked' THEN 'revoked' ELSE excluded.status END,
                updated_at = excluded.updated_at
            """, arguments: [studioID, studioName, unitName, screeningBodyCode, status.rawValue, millis])
    }

    /// Art 19: a new unit name becomes the payee of every unpaid grant; a paid one keeps the name it was paid to.
    static func change(_ event: StudioChanged, at millis: Int64, in db: Database) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO funding_studio (studio_id, updated_at) VALUES (?, ?)", arguments: [event.studioID.rawValue, millis])
        if let unitName = event.unitName, !unitName.isEmpty {
            try db.execute(sql: "UPDATE funding_studio SET unit_name = ?, updated_at = ? WHERE studio_id = ?",
                           arguments: [unitName, millis, event.studioID.rawValue])
            try db.execute(sql: """
                UPDATE funding_grant SET payee_name = ?, updated_at = ?
                WHERE studio_id = ? AND status IN ('held', 'scheduled', 'approved')
                """, arguments: [unitName, millis, event.studioID.rawValue])
        }
        if let code = event.screeningBodyCode, !code.isEmpty {
            try db.execute(sql: "UPDATE funding_studio SET screening_body_code = ?, updated_at = ? WHERE studio_id = ?",
                           arguments: [code, millis, event.studioID.rawValue])
        }
    }

    /// A status change other than a revocation, which no later event undoes.
    static func setStatus(_ studioID: String, to status: StudioStatus, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO funding_studio (studio_id, status, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET
                status = CASE WHEN funding_studio.status = 'revoked' THEN 'revoked' ELSE excluded.status END,
                updated_at = excluded.updated_at
            """, arguments: [studioID, status.rawValue, millis])
    }

    static func markRevoked(_ studioID: String, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO funding_studio (studio_id, status, updated_at) VALUES (?, 'revoked', ?)
            ON CONFLICT (studio_id) DO UPDATE SET status = 'revoked', updated_at = excluded.updated_at
            """, arguments: [studioID, millis])
    }
}
