import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The record of who decided what and when, written in the same transaction as the decision.
enum Audit {
    static func record(_ action: String, round: String?, application: String? = nil, detail: some Encodable,
                       actor: String, at millis: Int64, in db: Database) throws {
        let json = String(decoding: try DomainJSON.encoder().encode(detail), as: UTF8.self)
        try db.execute(sql: "INSERT INTO review_audit (round_id, application_id, action, detail, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [round, application, action, json, actor, millis])
        // The same record in the kit's hash-chained log: review_audit answers queries, the chain proves
        // that nothing was changed afterwards.
        let agent = Agent(text: actor)
        try AuditLog.append(actorRole: agent.role, actorSubject: agent.subject, action: action,
                            subject: application.map { "application:\($0)" } ?? round.map { "round:\($0)" } ?? "-",
                            details: AuditedDecision(round: round, application: application, detail: json),
                            at: Millis.date(millis), in: db)
    }
}

/// What the hash-chained log keeps of a review decision.
private struct AuditedDecision: Encodable {
    var round: String?
    var application: String?
    var detail: String
}

extension Identity {
    /// `department:tok_…` or `expert:E1`: who acted, as the audit records it.
    var actor: String { Agent(self).text }
}

enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try DomainJSON.encoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try DomainJSON.decoder().decode(T.self, from: Data(text.utf8))
    }
}
