import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// The joint inspection of fund use (联合检查, Art 16) by the department, the finance department and the audit
/// office. Findings are recorded first; each of the three roles then signs off for itself; only then may the
/// department close it. Sign-offs approve the findings, so no finding is added or withdrawn after the first
/// sign-off. A finding is the inspection's, not one person's: until then it is its signer's draft, which they
/// may withdraw; a misuse finding is announced (`inspection.misuse_found`) only when the inspection closes.
enum Inspections {
    static let signingRoles: [Role] = [.department, .finance, .auditOffice]

    struct SignOff: Codable, Sendable {
        var role: String
        var roleZh: String
        var signedBy: String
        var signedAt: Date
        var note: String?
    }

    struct Finding: Codable, Sendable {
        var id: String
        var kind: String
        var grantId: GrantID?
        var amount: Money?
        var description: String
        var rectificationDeadline: String?
        var recordedBy: String
        var recordedAt: Date
        /// `draft` while the inspection is open, `final` once it closed, `withdrawn` by its signer.
        var status: String
        var withdrawnBy: String?
        var withdrawnAt: Date?
    }

    struct View: Codable, ResponseEncodable, Sendable {
        var id: InspectionID
        var studioId: StudioID
        var dueOn: String
        var status: String
        var article: String
        var balances: Balances
        var signOffs: [SignOff]
        var missingSignOffs: [String]
        var findings: [Finding]
        var closedBy: String?
        var closedAt: Date?
    }

    struct FindingInput: Decodable, Sendable {
        /// `compliant` or `misuse`.
        var kind: String
        var grantId: GrantID?
        /// Integer fen; required for misuse.
        var amount: Money?
        var description: String
        /// Required for misuse.
        var rectificationDeadline: String?
    }


    /// Inspections by due date, filtered by status and studio.
    /// A page of inspections by due day (then id), keyset over (due_on, id); filtered by status, studio and the
    /// year due; and how many match in all.
    static func page(status: String?, studio: StudioID?, year: Int?, page: PageRequest, in db: Database) throws -> (items: [View], nextCursor: String?, total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status { conditions.append("status = ?"); arguments.append(status) }
        if let studio { conditions.append("studio_id = ?"); arguments.append(studio.rawValue) }
        if let year { conditions.append("substr(due_on, 1, 4) = ?"); arguments.append(String(format: "%04d", year)) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspection" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after { conditions.append("(due_on, id) > (?, ?)"); arguments += [after[0], after[1]] }
        let sql = "SELECT id, due_on FROM inspection" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY due_on, id LIMIT ?"
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + [page.limit + 1]))
        let (keys, next) = page.page(rows) { [$0["due_on"] as String, $0["id"] as String] }
        return (try keys.map { try load(InspectionID($0["id"] as String), in: db) }, next, total)
    }

    static func load(_ id: InspectionID, in db: Database) throws -> View {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inspection WHERE id = ?", arguments: [id.rawValue]) else {
            throw Problem.notFound("inspection", zh: "经费检查", id: id.rawValue)
        }
        let signOffs = try Row.fetchAll(db, sql: "SELECT * FROM inspection_signoff WHERE inspection_id = ? ORDER BY signed_at, role", arguments: [id.rawValue]).map { row in
            let role: String = row["role"]
            return SignOff(role: role, roleZh: Role(rawValue: role)?.nameZh ?? role, signedBy: row["signed_by"], signedAt: Millis.date(row["signed_at"]), note: row["note"])
        }
        let closed = (row["status"] as String) == "closed"
        let findings = try Row.fetchAll(db, sql: "SELECT * FROM inspection_finding WHERE inspection_id = ? ORDER BY recorded_at, id", arguments: [id.rawValue]).map { row in
            let withdrawnAt = (row["withdrawn_at"] as Int64?).map(Millis.date)
            return Finding(id: row["id"], kind: row["kind"], grantId: (row["grant_id"] as String?).map(GrantID.init), amount: (row["amount_fen"] as Int64?).map(Money.init(fen:)),
                    description: row["description"], rectificationDeadline: row["rectification_deadline"], recordedBy: row["recorded_by"],
                    recordedAt: Millis.date(row["recorded_at"]), status: withdrawnAt != nil ? "withdrawn" : closed ? "final" : "draft",
                    withdrawnBy: row["withdrawn_by"], withdrawnAt: withdrawnAt)
        }
        let studio = StudioID(row["studio_id"] as String)
        let signed = Set(signOffs.map(\.role))
        return View(id: id, studioId: studio, dueOn: row["due_on"], status: row["status"], article: Article.art16.reference,
                    balances: try Ledger.balances(studioID: studio, in: db), signOffs: signOffs,
                    missingSignOffs: signingRoles.map(\.rawValue).filter { !signed.contains($0) }, findings: findings,
                    closedBy: row["closed_by"], closedAt: (row["closed_at"] as Int64?).map(Millis.date))
    }
}
