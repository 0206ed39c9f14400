import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Review's copy of assessment's studio register: who may apply for project grants (Art 13) and
/// demonstration status (Art 14), and which studios lost the title.
enum StudioReplica {
    struct Studio: Sendable {
        var id: String
        var name: String
        var screeningBodyCode: String
        var level: StudioLevel
        var status: StudioStatus
        var revocationReason: RevocationReason?
        var namedOn: LocalDate
        /// Nil for a studio replicated before review kept the register's cycle (migration
        /// `review-studio-replica-cycle`): judged then in the cycle chained from its naming, as review did before.
        var cycle: StudioCycle?

        func standing(on date: LocalDate) -> StudioStanding {
            StudioStanding(id: StudioID(id), name: name, screeningBodyCode: screeningBodyCode, level: level, status: status, revocationReason: revocationReason, namedOn: namedOn,
                           cycle: cycle ?? StudioCycle.cycle(containing: date, namedOn: namedOn) ?? StudioCycle(start: namedOn))
        }
    }

    static func find(_ id: String, in db: Database) throws -> Studio? {
        try Row.fetchOne(db, sql: "SELECT * FROM studio_replica WHERE studio_id = ?", arguments: [id]).map { row in
            let namedOn = LocalDate(row["named_on"] as String) ?? LocalDate(year: 2000, month: 1, day: 1)!
            return Studio(id: row["studio_id"], name: row["studio_name"], screeningBodyCode: row["screening_body_code"],
                          level: StudioLevel(rawValue: row["level"]) ?? .city, status: StudioStatus(rawValue: row["status"]) ?? .active,
                          revocationReason: (row["revocation_reason"] as String?).flatMap(RevocationReason.init(rawValue:)), namedOn: namedOn,
                          cycle: (row["cycle_start"] as String?).flatMap(LocalDate.init).map { StudioCycle(number: max(1, row["cycle_number"] as Int? ?? 1), start: $0) })
        }
    }

    /// Migration: the register's cycle and the reason of a revocation, so qualification review judges a studio's
    /// own application on the same facts as intake (`EligibilityRules.studioApplication`).
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("review-studio-replica-cycle") { db in
            try db.execute(sql: """
                ALTER TABLE studio_replica ADD COLUMN revocation_reason TEXT;
                ALTER TABLE studio_replica ADD COLUMN cycle_number INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE studio_replica ADD COLUMN cycle_start TEXT;
                """)
        }
    }

    static func register(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        handlers.on(StudioRegistered.self) { db, envelope in
            let e = envelope.data
            try db.execute(sql: """
                INSERT INTO studio_replica (studio_id, studio_name, unit_name, screening_body_code, level, status, named_on,
                                            cycle_number, cycle_start, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (studio_id) DO UPDATE SET studio_name = excluded.studio_name, unit_name = excluded.unit_name,
                    screening_body_code = excluded.screening_body_code, level = excluded.level, status = excluded.status,
                    named_on = excluded.named_on, cycle_number = excluded.cycle_number, cycle_start = excluded.cycle_start,
                    updated_at = excluded.updated_at,
                    revocation_reason = CASE WHEN excluded.status = 'revoked' THEN studio_replica.revocation_reason END
                """, arguments: [e.studioID.rawValue, e.studioName, e.unitName, e.screeningBodyCode, e.level.rawValue, e.status.rawValue,
                                 e.namedOn.description, e.cycle.number, e.cycle.start.description, Millis.from(environment.now())])
        }
        handlers.on(StudioCycleChanged.self) { db, envelope in
            try db.execute(sql: "UPDATE studio_replica SET cycle_number = ?, cycle_start = ?, updated_at = ? WHERE studio_id = ?",
                           arguments: [envelope.data.cycle.number, envelope.data.cycle.start.description, Millis.from(environment.now()),
                                       envelope.data.studioID.rawValue])
        }
        handlers.on(StudioExpired.self) { db, envelope in
            try db.execute(sql: "UPDATE studio_replica SET status = 'expired', updated_at = ? WHERE studio_id = ? AND status != 'revoked'",
                           arguments: [Millis.from(environment.now()), envelope.data.studioID.rawValue])
        }
        handlers.on(StudioChanged.self) { db, envelope in
            let e = envelope.data
            try db.execute(sql: """
                UPDATE studio_replica SET unit_name = COALESCE(?, unit_name), screening_body_code = COALESCE(?, screening_body_code), updated_at = ?
                WHERE studio_id = ?
                """, arguments: [e.unitName, e.screeningBodyCode, Millis.from(environment.now()), e.studioID.rawValue])
        }
        handlers.on(StudioRenewed.self) { db, envelope in
            let e = envelope.data
            try db.execute(sql: "UPDATE studio_replica SET cycle_number = ?, cycle_start = ?, updated_at = ? WHERE studio_id = ?",
                           arguments: [e.cycle.number, e.cycle.start.description, Millis.from(environment.now()), e.studioID.rawValue])
            // A late pass restores an expired studio; nothing restores a revoked one.
            try db.execute(sql: "UPDATE studio_replica SET status = ? WHERE studio_id = ? AND status = 'expired'",
                           arguments: [(e.restoredStatus ?? .active).rawValue, e.studioID.rawValue])
        }
        handlers.on(DemonstrationAccepted.self) { db, envelope in
            try db.execute(sql: "UPDATE studio_replica SET status = 'demonstration', updated_at = ? WHERE studio_id = ?",
                           arguments: [Millis.from(environment.now()), envelope.data.studioID.rawValue])
        }
        handlers.on(StudioRevoked.self) { db, envelope in
            let e = envelope.data
            let now = Millis.from(environment.now())
            try db.execute(sql: "UPDATE studio_replica SET status = 'revoked', revocation_reason = ?, updated_at = ? WHERE studio_id = ?",
                           arguments: [e.reason.rawValue, now, e.studioID.rawValue])
            // A revoked studio's pending grant and demonstration applications stop here.
            let pending = try Row.fetchAll(db, sql: "SELECT * FROM review_application WHERE kind != 'naming' AND status NOT IN ('withdrawn', 'qualificationFailed', 'named', 'notNamed', 'awarded', 'notAwarded', 'selected', 'notSelected')")
                .map(ApplicationStore.decode).filter { $0.content.studioID == e.studioID }
            for application in pending {
                try ApplicationStore.setStatus(application, to: .qualificationFailed, reasons: [
                    DomainIssue(code: "studio_revoked", field: "studioID", article: e.reason.article?.reference,
                                messageZh: "工作室命名已于\(e.decidedOn)被撤销，申报终止", messageEn: "the studio's title was revoked on \(e.decidedOn); the application ends"),
                ], outbox: environment.outbox, nowMillis: now, in: db)
                try db.execute(sql: "DELETE FROM assignment WHERE application_id = ?", arguments: [application.id])
                try PanelAccess.publish(applications: [application.id], outbox: environment.outbox, nowMillis: now, in: db)
            }
        }
    }
}
