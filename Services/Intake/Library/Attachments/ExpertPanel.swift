import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Which experts may read an application's attachments, as review last said (`panel.changed`): those assigned to
/// it with no conflict of interest (专家组, Art 11). Review decides; intake keeps the latest panel and serves the
/// files to those experts and to no other.
enum ExpertPanel {
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v3-expert-panel") { db in
            try db.execute(sql: """
                CREATE TABLE expert_panel (
                    application_id TEXT PRIMARY KEY NOT NULL,
                    expert_ids TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
    }

    static func register(_ handlers: inout InboxHandlers, now: @escaping @Sendable () -> Date) {
        handlers.on(ExpertPanelChanged.self) { db, envelope in
            // Events of one application arrive in order (its aggregate's sequence), so the latest panel wins.
            let ids = String(decoding: try JSONEncoder().encode(envelope.data.expertIDs.sorted()), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO expert_panel (application_id, expert_ids, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (application_id) DO UPDATE SET expert_ids = excluded.expert_ids, updated_at = excluded.updated_at
                """, arguments: [envelope.data.applicationID.rawValue, ids, Millis.from(now())])
        }
    }

    /// Is `expert` on the application's panel now? An application review never spoke of has no panel.
    static func includes(_ expert: String, application: ApplicationID, in db: Database) throws -> Bool {
        guard let text = try String.fetchOne(db, sql: "SELECT expert_ids FROM expert_panel WHERE application_id = ?", arguments: [application.rawValue]) else {
            return false
        }
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8)).contains(expert)
        } catch {
            // A stored value that does not decode opens nothing.
            return false
        }
    }
}
