import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The record of who decided what and when, written in the same transaction as the decision.
enum Audit {
    static func record(_ action: String, round: RoundID?, application: ApplicationID? = nil, detail: some Encodable,
                       actor: String, at millis: Int64, in db: Database) throws {
        let json = String(decoding: try DomainJSON.encoder().encode(detail), as: UTF8.self)
        try db.execute(sql: "INSERT INTO review_audit (round_id, application_id, action, detail, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [round?.rawValue, application?.rawValue, action, json, actor, millis])
        // The same record in the kit's hash-chained log: review_audit answers queries, the chain proves
        // that nothing was changed afterwards.
        let agent = Agent(text: actor)
        try AuditLog.append(actorRole: agent.role, actorSubject: agent.subject, action: action,
                            subject: application.map { "application:\($0)" } ?? round.map { "round:\($0)" } ?? "-",
                            details: AuditedDecision(round: round?.rawValue, application: application?.rawValue, detail: json),
                            at: Millis.date(millis), in: db)
    }
}

extension Audit {
    /// One page of a round's audit rows, oldest first, keyset-paged by id; `application` and `action` (a prefix, as
    /// `round.` or `score_sheet.`) narrow it. And how many match in all.
    static func page(round: RoundID, application: ApplicationID?, action: String?, page: PageRequest, in db: Database) throws -> (rows: [Row], nextCursor: String?, total: Int) {
        var conditions = ["round_id = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [round.rawValue]
        if let application { conditions.append("application_id = ?"); arguments.append(application.rawValue) }
        if let action { conditions.append("substr(action, 1, length(?)) = ?"); arguments += [action, action] }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_audit WHERE " + conditions.joined(separator: " AND "),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            guard let id = Int64(after[0]) else { throw QueryValues.invalidCursor }
            conditions.append("id > ?"); arguments.append(id)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM review_audit WHERE " + conditions.joined(separator: " AND ") + " ORDER BY id LIMIT ?",
                                    arguments: StatementArguments(arguments + [page.limit + 1]))
        let (items, next) = page.page(rows) { [String($0["id"] as Int64)] }
        return (items, next, total)
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

    /// The expert an expert's token speaks for (its subject).
    var expertID: ExpertID { ExpertID(subject ?? "") }
}

enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try DomainJSON.encoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try DomainJSON.decoder().decode(T.self, from: Data(text.utf8))
    }
}
