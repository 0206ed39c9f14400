import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A revocation case (Art 20): a finding of plagiarism, falsification or misused funds, opened by the department
/// or by funding's `inspection.misuse_found`, and decided by the city federation, which named the studio (Art 11)
/// and so is the one to withdraw the naming.
struct RevocationCaseView: Codable, Sendable, Equatable {
    var id: String
    var studioId: StudioID
    var origin: String
    var inspectionId: InspectionID?
    var grantId: GrantID?
    var amount: Money?
    var description: String
    var foundOn: LocalDate
    var rectificationDeadline: LocalDate?
    var openedByRole: String
    var openedBySubject: String?
    var openedAt: Date
    var status: String
    var reason: RevocationReason?
    var decisionReasons: String?
    var decidedOn: LocalDate?
    var decidedByRole: String?
    var decidedBySubject: String?
    var decidedAt: Date?
    var noticeId: NoticeID?

    init(row: Row) {
        id = row["id"]
        studioId = StudioID(row["studio_id"] as String)
        origin = row["origin"]
        inspectionId = (row["inspection_id"] as String?).map(InspectionID.init)
        grantId = (row["grant_id"] as String?).map(GrantID.init)
        amount = (row["amount_fen"] as Int64?).map { Money(fen: $0) }
        description = row["description"]
        foundOn = row.date("found_on")
        rectificationDeadline = row.optionalDate("rectification_deadline")
        openedByRole = row["opened_by_role"]
        openedBySubject = row["opened_by_subject"]
        openedAt = Millis.date(row["opened_at"])
        status = row["status"]
        reason = (row["reason"] as String?).flatMap(RevocationReason.init(rawValue:))
        decisionReasons = row["decision_reasons"]
        decidedOn = row.optionalDate("decided_on")
        decidedByRole = row["decided_by_role"]
        decidedBySubject = row["decided_by_subject"]
        decidedAt = (row["decided_at"] as Int64?).map(Millis.date)
        noticeId = (row["notice_id"] as String?).map(NoticeID.init)
    }

    static func find(_ id: String, in db: Database) throws -> RevocationCaseView? {
        try Row.fetchOne(db, sql: "SELECT * FROM revocation_case WHERE id = ?", arguments: [id]).map(RevocationCaseView.init)
    }

    static func all(status: String?, in db: Database) throws -> [RevocationCaseView] {
        if let status {
            return try Row.fetchAll(db, sql: "SELECT * FROM revocation_case WHERE status = ? ORDER BY opened_at, id", arguments: [status]).map(RevocationCaseView.init)
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM revocation_case ORDER BY opened_at, id").map(RevocationCaseView.init)
    }
}

enum RevocationCases {
    /// Opens a case; an inspection id opens at most one case (a redelivered or repeated finding changes nothing).
    @discardableResult
    static func open(studio: StudioID, origin: String, inspection: InspectionID?, grant: GrantID?, amount: Money?,
                     description: String, foundOn: LocalDate, rectificationDeadline: LocalDate?, actor: Agent,
                     nowMillis: Int64, in db: Database) throws -> String {
        if let inspection,
           let existing = try String.fetchOne(db, sql: "SELECT id FROM revocation_case WHERE inspection_id = ?", arguments: [inspection.rawValue]) {
            return existing
        }
        let id = "rc_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try db.execute(sql: """
            INSERT INTO revocation_case (id, studio_id, origin, inspection_id, grant_id, amount_fen, description, found_on,
                rectification_deadline, opened_by_role, opened_by_subject, opened_at, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
            """, arguments: [id, studio.rawValue, origin, inspection?.rawValue, grant?.rawValue, amount?.fen, description,
                             foundOn.description, rectificationDeadline?.description, actor.role, actor.subject, nowMillis])
        return id
    }

    /// `inspection.misuse_found` (funding, Art 15, 16) → a case the federation decides.
    static func apply(_ envelope: Envelope<InspectionMisuseFound>, nowMillis: Int64, in db: Database) throws {
        let finding = envelope.data
        guard try RegisteredStudio.find(finding.studioID, in: db) != nil else {
            throw EventRejected([DomainIssue(code: "studio.unknown", field: "data.studioId",
                                             messageZh: "名册中没有工作室 \(finding.studioID)。", messageEn: "no studio \(finding.studioID) in the register.")])
        }
        let description = finding.description.trimmed.isEmpty ? "经费检查发现违规使用" : finding.description.trimmed
        try open(studio: finding.studioID, origin: "inspection", inspection: finding.inspectionID, grant: finding.grantID,
                 amount: finding.amount, description: description, foundOn: finding.foundOn,
                 rectificationDeadline: finding.rectificationDeadline, actor: .service(envelope.source), nowMillis: nowMillis, in: db)
    }

    enum Decision: String, Codable, Sendable { case revoke, dismiss }

    struct DecisionInput: Decodable, Sendable {
        var decision: Decision
        /// Default `plagiarismOrFraud` (Art 20); `assessmentFailed` belongs to the Art 17 path and is refused here.
        var reason: RevocationReason?
        /// Internal: the federation's reasons, kept with the case, never published.
        var reasons: String
        /// For a revocation, what the public notice (通报) says was found; checked for ID and phone numbers.
        /// Without it the notice names the kind of breach and nothing more.
        var publicText: String?
    }

    static func decide(caseID: String, _ input: DecisionInput, actor: Agent, outbox: Outbox, today: LocalDate,
                       nowMillis: Int64, in db: Database) throws -> RevocationCaseView {
        guard let found = try RevocationCaseView.find(caseID, in: db) else { throw Problem.notFound("revocation case", zh: "撤销案件", id: caseID) }
        guard found.status == "open" else {
            throw Problem(.conflict, code: "revocation.decided", field: "id", article: Article(20).reference,
                          zh: "该案件已作出决定（\(found.status)）。", en: "the case is already decided (\(found.status)).")
        }
        var issues = Check.text(input.reasons, field: "reasons", nameZh: "决定理由", nameEn: "the reasons", max: 2000)
        let reason = input.reason ?? .plagiarismOrFraud
        if input.decision == .revoke, reason == .assessmentFailed {
            issues.append(DomainIssue(code: "revocation.reason", field: "reason", article: Article(17),
                                      messageZh: "考核不合格须通过期满考核记录撤销。", messageEn: "a failed assessment revokes through the Art 17 assessment, not a case."))
        }
        let publicText = Check.trimmed(input.publicText)
        if let publicText {
            if input.decision == .dismiss {
                issues.append(DomainIssue(code: "public_text.without_notice", field: "publicText", article: Article(20),
                                          messageZh: "驳回不发布通报，无需填写公开文字。", messageEn: "a dismissal publishes no notice; it has no public text."))
            }
        }
        // Checked as sent: a text over the limit is refused even when trimming would shorten it
        if let raw = input.publicText { issues += PublicText.issues(raw, field: "publicText") }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let reasons = input.reasons.trimmed
        var noticeID: NoticeID?
        switch input.decision {
        case .revoke:
            let studio = try RegisteredStudio.require(found.studioId, in: db)
            try studio.requireTitle(field: "studioId")
            noticeID = try Revoke.studio(
                studio, reason: reason, findingZh: "经查实，存在\(reason == .plagiarismOrFraud ? "剽窃、弄虚作假行为" : "违反管理办法的行为")\(publicText.map { "（\($0)）" } ?? "")",
                details: reasons, decidedOn: today, reference: "revocation_case:\(caseID)", actor: actor, outbox: outbox,
                nowMillis: nowMillis, in: db)
        case .dismiss:
            break
        }
        try db.execute(sql: """
            UPDATE revocation_case SET status = ?, reason = ?, decision_reasons = ?, decided_on = ?, decided_by_role = ?,
                decided_by_subject = ?, decided_at = ?, notice_id = ? WHERE id = ?
            """, arguments: [input.decision == .revoke ? "revoked" : "dismissed", input.decision == .revoke ? reason.rawValue : nil,
                             reasons, today.description, actor.role, actor.subject, nowMillis, noticeID?.rawValue, caseID])
        return try RevocationCaseView.find(caseID, in: db)!
    }
}
