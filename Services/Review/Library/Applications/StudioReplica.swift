import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Review's copy of assessment's studio register: who may apply for project grants (Art 13) and
/// demonstration status (Art 14), and which studios lost the title. The one replica (`StudioRegisterReplica`, its
/// policy for an event that arrives before its studio there) in `studio_replica`.
enum StudioReplica {
    static let replica = StudioRegisterReplica(table: "studio_replica")

    static func find(_ id: StudioID, in db: Database) throws -> ReplicaStudio? {
        try replica.find(id, in: db)
    }

    /// Migrations: the register's cycle and the reason of a revocation, so qualification review judges a studio's
    /// own application on the same facts as intake (`EligibilityRules.studioApplication`); then the shared replica's
    /// shape (every fact nullable until its event arrives; a row from before the cycle was kept has none).
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("review-studio-replica-cycle") { db in
            try db.execute(sql: """
                ALTER TABLE studio_replica ADD COLUMN revocation_reason TEXT;
                ALTER TABLE studio_replica ADD COLUMN cycle_number INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE studio_replica ADD COLUMN cycle_start TEXT;
                """)
        }
        migrator.registerMigration("review-studio-replica-shared") { db in
            try replica.rebuild(selecting: """
                studio_id, NULL, studio_name, unit_name, screening_body_code, level, status, revocation_reason, named_on,
                CASE WHEN cycle_start IS NULL THEN NULL ELSE cycle_number END, cycle_start, updated_at
                """, in: db)
        }
    }

    static func register(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        replica.register(&handlers, now: environment.now)
        // A revoked studio's pending grant and demonstration applications stop here.
        replica.handle(StudioRevoked.self, in: &handlers, now: environment.now) { db, envelope, instant in
            let e = envelope.data
            let now = Millis.from(instant)
            let pending = try Row.fetchAll(db, sql: "SELECT * FROM review_application WHERE kind != 'naming' AND status NOT IN ('withdrawn', 'qualificationFailed', 'named', 'notNamed', 'awarded', 'notAwarded', 'selected', 'notSelected')")
                .map(ApplicationStore.decode).filter { $0.content.studioID == e.studioID }
            for application in pending {
                try ApplicationStore.setStatus(application, to: .qualificationFailed, reasons: [
                    DomainIssue(code: "studio_revoked", field: "studioID", article: e.reason.article?.reference,
                                messageZh: "工作室命名已于\(e.decidedOn)被撤销，申报终止", messageEn: "the studio's title was revoked on \(e.decidedOn); the application ends"),
                ], outbox: environment.outbox, nowMillis: now, in: db)
                try db.execute(sql: "DELETE FROM assignment WHERE application_id = ?", arguments: [application.id.rawValue])
                try PanelAccess.publish(applications: [application.id], outbox: environment.outbox, nowMillis: now, in: db)
            }
        }
    }
}
