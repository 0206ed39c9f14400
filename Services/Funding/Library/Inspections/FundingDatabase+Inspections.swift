import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Joint inspections (联合检查, Art 16): findings first, then each of the three offices signs for itself, then the
/// department closes it (see `Inspections` for the rules of each step).
extension FundingDatabase {
    func inspections(status: String?, studio: StudioID?, year: Int?, page: PageRequest) async throws -> (items: [Inspections.View], nextCursor: String?, total: Int) {
        try await read { db in try Inspections.page(status: status, studio: studio, year: year, page: page, in: db) }
    }

    func inspection(_ id: InspectionID) async throws -> Inspections.View {
        try await read { db in try Inspections.load(id, in: db) }
    }

    func addFinding(inspection id: InspectionID, _ input: Inspections.FindingInput, by actor: Agent, at moment: Moment) async throws -> Inspections.View {
        let outbox = self.outbox
        return try await write { db in try Self.addFinding(id, input, by: actor, at: moment, outbox: outbox, in: db) }
    }

    func withdrawFinding(inspection id: InspectionID, finding: String, by actor: Agent, at moment: Moment) async throws -> Inspections.View {
        try await write { db in try Self.withdrawFinding(id, finding: finding, by: actor, at: moment, in: db) }
    }

    func signOff(inspection id: InspectionID, identity: Identity, note: String?, at moment: Moment) async throws -> Inspections.View {
        try await write { db in try Self.signOff(id, identity: identity, note: note, at: moment, in: db) }
    }

    func close(inspection id: InspectionID, by actor: Agent, at moment: Moment) async throws -> Inspections.View {
        let outbox = self.outbox, settings = self.settings
        return try await write { db in try Self.close(id, by: actor, at: moment, settings: settings, outbox: outbox, in: db) }
    }

    /// A draft finding (compliant, or misuse with its amount and rectification deadline), before anyone signs off.
    static func addFinding(_ id: InspectionID, _ input: Inspections.FindingInput, by actor: Agent, at moment: Moment, outbox: Outbox, in db: Database) throws -> Inspections.View {
        let inspection = try Inspections.load(id, in: db)
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
            """, arguments: [findingID, id.rawValue, input.kind, input.grantId?.rawValue, isMisuse ? input.amount?.fen : nil, description,
                             deadline?.description, actor.text, moment.millis])
        try DecisionAudit.record("inspection.finding", subject: "inspection:\(id.rawValue)",
                                 details: ["finding": findingID, "kind": input.kind, "studioId": inspection.studioId.rawValue, "grantId": input.grantId?.rawValue ?? "",
                                           "amountFen": isMisuse ? String(input.amount?.fen ?? 0) : "", "description": description],
                                 by: actor, at: moment.millis, in: db)
        return try Inspections.load(id, in: db)
    }

    /// The signer who recorded a draft finding withdraws it, before anyone signs off; it stays on record as withdrawn.
    static func withdrawFinding(_ id: InspectionID, finding findingID: String, by actor: Agent, at moment: Moment, in db: Database) throws -> Inspections.View {
        let inspection = try Inspections.load(id, in: db)
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
                       arguments: [actor.text, moment.millis, findingID, id.rawValue])
        try DecisionAudit.record("inspection.finding_withdrawn", subject: "inspection:\(id.rawValue)",
                                 details: ["finding": findingID, "kind": finding.kind, "studioId": inspection.studioId.rawValue],
                                 by: actor, at: moment.millis, in: db)
        return try Inspections.load(id, in: db)
    }

    /// One of the three offices signs for itself, once, when there is a finding to sign.
    static func signOff(_ id: InspectionID, identity: Identity, note: String?, at moment: Moment, in db: Database) throws -> Inspections.View {
        let inspection = try Inspections.load(id, in: db)
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
                       arguments: [id.rawValue, identity.role.rawValue, Agent(identity).text, moment.millis, note])
        try DecisionAudit.record("inspection.signed_off", subject: "inspection:\(id.rawValue)", details: ["role": identity.role.rawValue, "note": note ?? ""],
                                 by: Agent(identity), at: moment.millis, in: db)
        return try Inspections.load(id, in: db)
    }

    /// The department closes a fully signed inspection: its misuse findings are announced (`inspection.misuse_found`)
    /// and the next inspection is scheduled two years on.
    static func close(_ id: InspectionID, by actor: Agent, at moment: Moment, settings: FundingSettings, outbox: Outbox, in db: Database) throws -> Inspections.View {
        let inspection = try Inspections.load(id, in: db)
        guard inspection.status == "scheduled" else {
            throw Problem.conflict("inspection.closed", field: "status", article: .art16, zh: "检查已结束", en: "the inspection is already closed")
        }
        guard inspection.missingSignOffs.isEmpty else {
            let missing = inspection.missingSignOffs.compactMap(Role.init(rawValue:))
            throw Problem.conflict("inspection.sign_offs_missing", field: "signOffs", article: .art16,
                                   zh: "联合检查须经济工作部、财务部、经审办共同签字，尚缺：\(missing.map(\.nameZh).joined(separator: "、"))",
                                   en: "a joint inspection closes with the department, finance and audit office signing; missing: \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        try db.execute(sql: "UPDATE inspection SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ?", arguments: [actor.text, moment.millis, id.rawValue])
        // The three offices' findings, announced together on the day they became final
        let misuse = try Row.fetchAll(db, sql: """
            SELECT * FROM inspection_finding WHERE inspection_id = ? AND kind = 'misuse' AND withdrawn_at IS NULL AND announced_at IS NULL
            ORDER BY recorded_at, id
            """, arguments: [id.rawValue])
        for row in misuse {
            let deadline = try row.day("rectification_deadline")
            try outbox.append(InspectionMisuseFound(studioID: inspection.studioId, inspectionID: id,
                                                    grantID: (row["grant_id"] as String?).map(GrantID.init), amount: Money(fen: row["amount_fen"]),
                                                    description: row["description"], foundOn: moment.today, rectificationDeadline: deadline), in: db)
            try db.execute(sql: "UPDATE inspection_finding SET announced_at = ? WHERE id = ?", arguments: [moment.millis, row["id"] as String])
        }
        try DecisionAudit.record("inspection.closed", subject: "inspection:\(id.rawValue)", details: ["studioId": inspection.studioId.rawValue], by: actor, at: moment.millis, in: db)
        try InspectionSchedule.ensureScheduled(studioID: inspection.studioId, settings: settings, at: moment.millis, in: db)
        return try Inspections.load(id, in: db)
    }
}
