import Foundation
import GRDB
import Messaging
import StudioDomain

/// Funding's copy of the studio register (kept by assessment, first known from review's naming): enough to
/// name the payee (收款单位), group by screening body, and refuse money to a revoked studio. The one replica
/// (`StudioRegisterReplica`, its policy for an event that arrives before its studio there) in `funding_studio`;
/// what funding does beyond it (the payee of Art 19) is `changePayee`.
struct StudioReplica: Sendable {
    static let replica = StudioRegisterReplica(table: "funding_studio")

    var studioID: String
    var studioName: String
    var unitName: String
    var screeningBodyCode: String
    var revoked: Bool

    /// The studio as far as funding has heard of it (a row an event made before the naming arrived included).
    static func find(_ studioID: String, in db: Database) throws -> StudioReplica? {
        try replica.find(StudioID(studioID), in: db).map { studio in
            StudioReplica(studioID: studio.studioID.rawValue, studioName: studio.studioName ?? "", unitName: studio.unitName ?? "",
                          screeningBodyCode: studio.screeningBodyCode ?? "", revoked: studio.isRevoked)
        }
    }

    /// Migration: `funding_studio` in the shared replica's shape (a level, a naming day and a cycle, unknown for
    /// the rows already there until an event tells them; empty names become unknown).
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("funding-v7-shared-studio-replica") { db in
            try replica.rebuild(selecting: """
                studio_id, NULL, studio_name, unit_name, screening_body_code, NULL, status, NULL, NULL, NULL, NULL, updated_at
                """, in: db)
        }
    }

    /// Art 19: a new unit name becomes the payee of every unpaid grant; a paid one keeps the name it was paid to.
    static func changePayee(_ event: StudioChanged, at millis: Int64, in db: Database) throws {
        guard let unitName = event.unitName, !unitName.isEmpty else { return }
        try db.execute(sql: """
            UPDATE funding_grant SET payee_name = ?, updated_at = ?
            WHERE studio_id = ? AND status IN ('held', 'scheduled', 'approved')
            """, arguments: [unitName, millis, event.studioID.rawValue])
    }
}
