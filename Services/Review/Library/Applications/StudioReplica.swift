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
        var level: StudioLevel
        var status: StudioStatus
        var namedOn: LocalDate
    }

    static func find(_ id: String, in db: Database) throws -> Studio? {
        try Row.fetchOne(db, sql: "SELECT * FROM studio_replica WHERE studio_id = ?", arguments: [id]).map {
            Studio(id: $0["studio_id"], level: StudioLevel(rawValue: $0["level"]) ?? .city, status: StudioStatus(rawValue: $0["status"]) ?? .active,
                   namedOn: LocalDate($0["named_on"] as String) ?? LocalDate(year: 2000, month: 1, day: 1)!)
        }
    }

    static func register(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        handlers.on(StudioRegistered.self) { db, envelope in
            let e = envelope.data
            try db.execute(sql: """
                INSERT INTO studio_replica (studio_id, studio_name, unit_name, screening_body_code, level, status, named_on, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (studio_id) DO UPDATE SET studio_name = excluded.studio_name, unit_name = excluded.unit_name,
                    screening_body_code = excluded.screening_body_code, level = excluded.level, status = excluded.status,
                    named_on = excluded.named_on, updated_at = excluded.updated_at
                """, arguments: [e.studioID.rawValue, e.studioName, e.unitName, e.screeningBodyCode, e.level.rawValue, e.status.rawValue,
                                 e.namedOn.description, Millis.from(environment.now())])
        }
        handlers.on(StudioChanged.self) { db, envelope in
            let e = envelope.data
            try db.execute(sql: """
                UPDATE studio_replica SET unit_name = COALESCE(?, unit_name), screening_body_code = COALESCE(?, screening_body_code), updated_at = ?
                WHERE studio_id = ?
                """, arguments: [e.unitName, e.screeningBodyCode, Millis.from(environment.now()), e.studioID.rawValue])
        }
        handlers.on(StudioRenewed.self) { db, envelope in
            try db.execute(sql: "UPDATE studio_replica SET status = 'active', updated_at = ? WHERE studio_id = ? AND status = 'expired'",
                           arguments: [Millis.from(environment.now()), envelope.data.studioID.rawValue])
        }
        handlers.on(DemonstrationAccepted.self) { db, envelope in
            try db.execute(sql: "UPDATE studio_replica SET status = 'demonstration', updated_at = ? WHERE studio_id = ?",
                           arguments: [Millis.from(environment.now()), envelope.data.studioID.rawValue])
        }
        handlers.on(StudioRevoked.self) { db, envelope in
            let e = envelope.data
            let now = Millis.from(environment.now())
            try db.execute(sql: "UPDATE studio_replica SET status = 'revoked', updated_at = ? WHERE studio_id = ?", arguments: [now, e.studioID.rawValue])
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
