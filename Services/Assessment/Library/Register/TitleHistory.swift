import Foundation
import GRDB
import ServiceKit
import Hummingbird
import Messaging
import StudioDomain

/// The append-only history of a studio's title (a trigger refuses updates and deletes).
enum TitleHistory {
    enum Kind: String, Codable, Sendable {
        case registered, renewed, assessmentFailed, demonstrationAccepted, changed, revoked, expired
    }

    struct Entry: Codable, Sendable, Equatable {
        var kind: String
        var fromStatus: String?
        var toStatus: String
        var detailsZh: String
        var reference: String?
        var effectiveOn: LocalDate
        var actorRole: String
        var actorSubject: String?
        var recordedAt: Date
    }

    static func append(studio: StudioID, kind: Kind, from: StudioStatus?, to: StudioStatus, detailsZh: String, reference: String?,
                       effectiveOn: LocalDate, actor: Agent, nowMillis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO title_history (studio_id, kind, from_status, to_status, details_zh, reference, effective_on,
                                       actor_role, actor_subject, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [studio.rawValue, kind.rawValue, from?.rawValue, to.rawValue, detailsZh, reference,
                             effectiveOn.description, actor.role, actor.subject, nowMillis])
        // The same change in the kit's hash-chained audit log, in the same transaction.
        try AuditLog.append(actorRole: actor.role, actorSubject: actor.subject, action: "title.\(kind.rawValue)",
                            subject: "studio:\(studio.rawValue)",
                            details: AuditedTitleChange(from: from?.rawValue, to: to.rawValue, detailsZh: detailsZh,
                                                        reference: reference, effectiveOn: effectiveOn.description),
                            at: Millis.date(nowMillis), in: db)
    }

    static func entries(of studio: StudioID, in db: Database) throws -> [Entry] {
        try Row.fetchAll(db, sql: "SELECT * FROM title_history WHERE studio_id = ? ORDER BY id", arguments: [studio.rawValue]).map {
            Entry(kind: $0["kind"], fromStatus: $0["from_status"], toStatus: $0["to_status"], detailsZh: $0["details_zh"],
                  reference: $0["reference"], effectiveOn: try $0.day("effective_on"), actorRole: $0["actor_role"],
                  actorSubject: $0["actor_subject"], recordedAt: Millis.date($0["recorded_at"]))
        }
    }
}

/// What the hash-chained audit log keeps of a title change.
private struct AuditedTitleChange: Encodable {
    var from: String?
    var to: String
    var detailsZh: String
    var reference: String?
    var effectiveOn: String
}
