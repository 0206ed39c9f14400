import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Tells intake who may read an application's attachments (`panel.changed`): the experts `ExpertAccess` lets read
/// it (assigned, no conflict of interest). Called inside every transaction that can change that set, after the
/// change; an unchanged panel sends nothing, so a retried request or a no-op edit adds no event.
enum PanelAccess {
    static func publish(applications: [String], outbox: Outbox, nowMillis: Int64, in db: Database) throws {
        for id in Set(applications).sorted() {
            guard let application = try ApplicationStore.find(id, in: db) else { continue }
            let assigned = try String.fetchAll(db, sql: "SELECT expert_id FROM assignment WHERE application_id = ? ORDER BY expert_id", arguments: [id])
            let panel = try assigned.filter { try ExpertAccess.mayRead(expert: $0, application: id, in: db) }
            let told = try String.fetchOne(db, sql: "SELECT expert_ids FROM panel_access WHERE application_id = ?", arguments: [id])
                .map { try JSONText.decode([String].self, $0) }
            // Never told and nobody may read it: there is nothing intake needs to hear.
            if told == panel || (told == nil && panel.isEmpty) { continue }
            try db.execute(sql: """
                INSERT INTO panel_access (application_id, expert_ids, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (application_id) DO UPDATE SET expert_ids = excluded.expert_ids, updated_at = excluded.updated_at
                """, arguments: [id, try JSONText.encode(panel), nowMillis])
            try outbox.append(ExpertPanelChanged(applicationID: ApplicationID(id), roundID: RoundID(application.roundID), expertIDs: panel), in: db)
        }
    }

    /// Every application an expert is assigned to: their conflicts may have changed with their record.
    static func applications(of expert: String, in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT application_id FROM assignment WHERE expert_id = ?", arguments: [expert])
    }
}
