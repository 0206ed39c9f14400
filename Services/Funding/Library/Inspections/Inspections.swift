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
        var grantId: String?
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
        var id: String
        var studioId: String
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
        var grantId: String?
        /// Integer fen; required for misuse.
        var amount: Money?
        var description: String
        /// Required for misuse.
        var rectificationDeadline: String?
    }


    /// Inspections by due date, filtered by status and studio.
    /// A page of inspections by due day (then id), keyset over (due_on, id); filtered by status, studio and the
    /// year due; and how many match in all.
    static func page(status: String?, studio: String?, year: Int?, page: PageRequest, in db: Database) throws -> (items: [View], nextCursor: String?, total: Int) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status { conditions.append("status = ?"); arguments.append(status) }
        if let studio { conditions.append("studio_id = ?"); arguments.append(studio) }
        if let year { conditions.append("substr(due_on, 1, 4) = ?"); arguments.append(String(format: "%04d", year)) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspection" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after { conditions.append("(due_on, id) > (?, ?)"); arguments += [after[0], after[1]] }
        let sql = "SELECT id, due_on FROM inspection" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY due_on, id LIMIT ?"
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + [page.limit + 1]))
        let (keys, next) = page.page(rows) { [$0["due_on"] as String, $0["id"] as String] }
        return (try keys.map { try load($0["id"] as String, in: db) }, next, total)
    }

    static func load(_ id: String, in db: Database) throws -> View {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM inspection WHERE id = ?", arguments: [id]) else {
            throw Problem.notFound("inspection", zh: "经费检查", id: id)
        }
        let signOffs = try Row.fetchAll(db, sql: "SELECT * FROM inspection_signoff WHERE inspection_id = ? ORDER BY signed_at, role", arguments: [id]).map { row in
            let role: String = row["role"]
            return SignOff(role: role, roleZh: Role(rawValue: role)?.nameZh ?? role, signedBy: row["signed_by"], signedAt: Millis.date(row["signed_at"]), note: row["note"])
        }
        let closed = (row["status"] as String) == "closed"
        let findings = try Row.fetchAll(db, sql: "SELECT * FROM inspection_finding WHERE inspection_id = ? ORDER BY recorded_at, id", arguments: [id]).map { row in
            let withdrawnAt = (row["withdrawn_at"] as Int64?).map(Millis.date)
            return Finding(id: row["id"], kind: row["kind"], grantId: row["grant_id"], amount: (row["amount_fen"] as Int64?).map(Money.init(fen:)),
                    description: row["description"], rectificationDeadline: row["rectification_deadline"], recordedBy: row["recorded_by"],
                    recordedAt: Millis.date(row["recorded_at"]), status: withdrawnAt != nil ? "withdrawn" : closed ? "final" : "draft",
                    withdrawnBy: row["withdrawn_by"], withdrawnAt: withdrawnAt)
        }
        let studio: String = row["studio_id"]
        let signed = Set(signOffs.map(\.role))
        return View(id: id, studioId: studio, dueOn: row["due_on"], status: row["status"], article: Article.art16.reference,
                    balances: try Ledger.balances(studioID: studio, in: db), signOffs: signOffs,
                    missingSignOffs: signingRoles.map(\.rawValue).filter { !signed.contains($0) }, findings: findings,
                    closedBy: row["closed_by"], closedAt: (row["closed_at"] as Int64?).map(Millis.date))
    }

    static func addFinding(_ id: String, _ input: FindingInput, by actor: Agent, at moment: Moment, outbox: Outbox, in db: Database) throws -> View {
        let inspection = try load(id, in: db)
        guard inspection.status == "scheduled" else {
            throw Problem.conflict("inspection.closed", field: "status", article: .art16, zh: "检查已结束，不能再记录检查结论", en: "the inspection is closed")
        }
        guard inspection.signOffs.isEmpty else {
            throw Problem.conflict("inspection.signing_started", field: "status", article: .art16,
                                   zh: "已有部门签字确认，不能再增加检查结论", en: "sign-off has started; findings can no longer be added")
        }
        var issues: [DomainIssue] = []
        let isMisuse = input.kind == "misuse"
        if input.kind != "compliant" && !isMisuse {
            issues.append(DomainIssue(code: "finding.kind", field: "kind", messageZh: "检查结论须为 compliant（合规）或 misuse（违规使用）", messageEn: "kind must be compliant or misuse"))
        }
        let description = input.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if description.isEmpty || description.count > 1000 {
            issues.append(DomainIssue(code: "finding.description", field: "description", messageZh: "须填写检查情况说明（不超过 1000 字）", messageEn: "a description of at most 1000 characters is required"))
        }
        var deadline: LocalDate?
        if isMisuse {
            if (input.amount?.fen ?? 0) <= 0 {
                issues.append(DomainIssue(code: "finding.amount", field: "amount", article: Article.art16, messageZh: "违规使用须写明金额（分，大于零）", messageEn: "a misuse finding needs a positive amount in fen"))
            }
            if let amount = input.amount, amount > largestInputAmount { issues.append(amountTooLarge("amount")) }
            deadline = parseDate(input.rectificationDeadline, field: "rectificationDeadline", into: &issues)
            if let deadline, deadline <= moment.today {
                issues.append(DomainIssue(code: "finding.deadline_past", field: "rectificationDeadline", messageZh: "整改期限须晚于今天", messageEn: "the rectification deadline must be after today"))
            }
        } else if input.amount != nil || input.rectificationDeadline != nil {
            issues.append(DomainIssue(code: "finding.compliant_extra", field: "amount", messageZh: "合规结论不填写金额和整改期限", messageEn: "a compliant finding has no amount or deadline"))
        }
        if let grantID = input.grantId, try GrantRecord.find(grantID, in: db)?.studioId != inspection.studioId {
            issues.append(DomainIssue(code: "finding.grant_unknown", field: "grantId", messageZh: "该工作室没有补助 \(grantID)", messageEn: "the studio has no grant \(grantID)"))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let findingID = "fnd_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try db.execute(sql: """
            INSERT INTO inspection_finding (id, inspection_id, kind, grant_id, amount_fen, description, rectification_deadline, recorded_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [findingID, id, input.kind, input.grantId, isMisuse ? input.amount?.fen : nil, description,
                             deadline?.description, actor.text, moment.millis])
        try DecisionAudit.record("inspection.finding", subject: "inspection:\(id)",
                                 details: ["finding": findingID, "kind": input.kind, "studioId": inspection.studioId, "grantId": input.grantId ?? "",
                                           "amountFen": isMisuse ? String(input.amount?.fen ?? 0) : "", "description": description],
                                 by: actor, at: moment.millis, in: db)
        return try load(id, in: db)
    }

    /// The signer who recorded a draft finding withdraws it, before anyone signs off; it stays on record as withdrawn.
    static func withdrawFinding(_ id: String, finding findingID: String, by actor: Agent, at moment: Moment, in db: Database) throws -> View {
        let inspection = try load(id, in: db)
        guard let finding = inspection.findings.first(where: { $0.id == findingID }) else {
            throw Problem.notFound("finding", zh: "检查发现", id: findingID)
        }
        guard inspection.status == "scheduled" else {
            throw Problem.conflict("inspection.closed", field: "status", article: .art16, zh: "检查已结束，检查结论不能撤回", en: "the inspection is closed; its findings are final")
        }
        guard finding.withdrawnAt == nil else {
            throw Problem.conflict("finding.withdrawn", field: "findingId", article: .art16, zh: "该检查结论已撤回", en: "the finding is already withdrawn")
        }
        guard finding.recordedBy == actor.text else {
            throw Problem(.forbidden, code: "finding.not_own", field: "findingId", article: Article.art16.reference,
                          zh: "只有记录该检查结论的人可以撤回它", en: "only the signer who recorded a finding may withdraw it")
        }
        guard inspection.signOffs.isEmpty else {
            throw Problem.conflict("inspection.signing_started", field: "status", article: .art16,
                                   zh: "已有部门签字确认，检查结论不能再撤回", en: "sign-off has started; findings can no longer be withdrawn")
        }
        try db.execute(sql: "UPDATE inspection_finding SET withdrawn_by = ?, withdrawn_at = ? WHERE id = ? AND inspection_id = ?",
                       arguments: [actor.text, moment.millis, findingID, id])
        try DecisionAudit.record("inspection.finding_withdrawn", subject: "inspection:\(id)",
                                 details: ["finding": findingID, "kind": finding.kind, "studioId": inspection.studioId],
                                 by: actor, at: moment.millis, in: db)
        return try load(id, in: db)
    }

    static func signOff(_ id: String, identity: Identity, note: String?, at moment: Moment, in db: Database) throws -> View {
        let inspection = try load(id, in: db)
        guard inspection.status == "scheduled" else {
            throw Problem.conflict("inspection.closed", field: "status", article: .art16, zh: "检查已结束", en: "the inspection is closed")
        }
        guard inspection.findings.contains(where: { $0.withdrawnAt == nil }) else {
            throw Problem.conflict("inspection.no_findings", field: "findings", article: .art16, zh: "尚无检查结论，不能签字", en: "there are no findings to sign off yet")
        }
        guard !inspection.signOffs.contains(where: { $0.role == identity.role.rawValue }) else {
            throw Problem.conflict("inspection.already_signed", field: "role", article: .art16,
                                   zh: "\(identity.role.nameZh)已签字", en: "\(identity.role.rawValue) has already signed off")
        }
        try db.execute(sql: "INSERT INTO inspection_signoff (inspection_id, role, signed_by, signed_at, note) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, identity.role.rawValue, Agent(identity).text, moment.millis, note])
        try DecisionAudit.record("inspection.signed_off", subject: "inspection:\(id)", details: ["role": identity.role.rawValue, "note": note ?? ""],
                                 by: Agent(identity), at: moment.millis, in: db)
        return try load(id, in: db)
    }

    static func close(_ id: String, by actor: Agent, at moment: Moment, settings: FundingSettings, outbox: Outbox, in db: Database) throws -> View {
        let inspection = try load(id, in: db)
        guard inspection.status == "scheduled" else {
            throw Problem.conflict("inspection.closed", field: "status", article: .art16, zh: "检查已结束", en: "the inspection is already closed")
        }
        guard inspection.missingSignOffs.isEmpty else {
            let missing = inspection.missingSignOffs.compactMap(Role.init(rawValue:))
            throw Problem.conflict("inspection.sign_offs_missing", field: "signOffs", article: .art16,
                                   zh: "联合检查须经济工作部、财务部、经审办共同签字，尚缺：\(missing.map(\.nameZh).joined(separator: "、"))",
                                   en: "a joint inspection closes with the department, finance and audit office signing; missing: \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        try db.execute(sql: "UPDATE inspection SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ?", arguments: [actor.text, moment.millis, id])
        // The three offices' findings, announced together on the day they became final
        let misuse = try Row.fetchAll(db, sql: """
            SELECT * FROM inspection_finding WHERE inspection_id = ? AND kind = 'misuse' AND withdrawn_at IS NULL AND announced_at IS NULL
            ORDER BY recorded_at, id
            """, arguments: [id])
        for row in misuse {
            guard let deadline = LocalDate(row["rectification_deadline"] as String) else { continue }
            try outbox.append(InspectionMisuseFound(studioID: StudioID(inspection.studioId), inspectionID: InspectionID(id),
                                                    grantID: (row["grant_id"] as String?).map(GrantID.init), amount: Money(fen: row["amount_fen"]),
                                                    description: row["description"], foundOn: moment.today, rectificationDeadline: deadline), in: db)
            try db.execute(sql: "UPDATE inspection_finding SET announced_at = ? WHERE id = ?", arguments: [moment.millis, row["id"] as String])
        }
        try DecisionAudit.record("inspection.closed", subject: "inspection:\(id)", details: ["studioId": inspection.studioId], by: actor, at: moment.millis, in: db)
        try InspectionSchedule.ensureScheduled(studioID: inspection.studioId, settings: settings, at: moment.millis, in: db)
        return try load(id, in: db)
    }
}
