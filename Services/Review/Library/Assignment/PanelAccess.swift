import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Tells intake who may read an application's attachments (`panel.changed`): the experts `ExpertAccess` lets read
/// it (assigned, no conflict of interest). Called inside every transaction that can change that set, after the
/// change; an unchanged panel sends nothing, so a retried request or a no-op edit adds no event.
enum PanelAccess {
    static func publish(applications: [ApplicationID], outbox: Outbox, nowMillis: Int64, in db: Database) throws {
        for id in Set(applications).sorted() {
            guard let application = try ApplicationStore.find(id, in: db) else { continue }
            let assigned = try String.fetchAll(db, sql: "SELECT expert_id FROM assignment WHERE application_id = ? ORDER BY expert_id", arguments: [id.rawValue]).map(ExpertID.init)
            let panel = try assigned.filter { try ExpertAccess.mayRead(expert: $0, application: id, in: db) }
            try tell(application: id, round: application.roundID, panel: panel, outbox: outbox, nowMillis: nowMillis, in: db)
        }
    }

    /// The panels of a whole round as the assignment run chose them (conflict-free by construction, so nothing to
    /// re-check); an application of the round told of a panel before and not chosen now is told it has none.
    static func publish(round: RoundID, panels: [ApplicationID: [ExpertID]], outbox: Outbox, nowMillis: Int64, in db: Database) throws {
        let told = try String.fetchAll(db, sql: """
            SELECT p.application_id FROM panel_access p JOIN review_application r ON r.id = p.application_id WHERE r.round_id = ?
            """, arguments: [round.rawValue]).map(ApplicationID.init)
        for id in Set(told).union(panels.keys).sorted() {
            try tell(application: id, round: round, panel: (panels[id] ?? []).sorted(), outbox: outbox, nowMillis: nowMillis, in: db)
        }
    }

    /// Sends `panel` unless it is what intake was last told.
    static func tell(application id: ApplicationID, round: RoundID, panel: [ExpertID], outbox: Outbox, nowMillis: Int64, in db: Database) throws {
        let told = try String.fetchOne(db, sql: "SELECT expert_ids FROM panel_access WHERE application_id = ?", arguments: [id.rawValue])
            .map { try JSONText.decode([ExpertID].self, $0) }
        // Never told and nobody may read it: there is nothing intake needs to hear.
        if told == panel || (told == nil && panel.isEmpty) { return }
        try db.execute(sql: """
            INSERT INTO panel_access (application_id, expert_ids, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (application_id) DO UPDATE SET expert_ids = excluded.expert_ids, updated_at = excluded.updated_at
            """, arguments: [id.rawValue, try JSONText.encode(panel), nowMillis])
        try outbox.append(ExpertPanelChanged(applicationID: id, roundID: round, expertIDs: panel.map(\.rawValue)), in: db)
    }

    /// Every application an expert is assigned to: their conflicts may have changed with their record.
    static func applications(of expert: ExpertID, in db: Database) throws -> [ApplicationID] {
        try String.fetchAll(db, sql: "SELECT application_id FROM assignment WHERE expert_id = ?", arguments: [expert.rawValue]).map(ApplicationID.init)
    }
}
