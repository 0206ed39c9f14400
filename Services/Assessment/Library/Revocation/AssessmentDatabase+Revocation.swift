import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Revocation cases (Art 20): opened by the department or by funding's misuse finding, decided by the federation.
extension AssessmentDatabase {
    /// Oldest opened first, over (opened_at, id); the year is the year the facts were found.
    func revocationCases(_ filter: CaseFilter, page: PageRequest) async throws -> (items: [RevocationCaseView], nextCursor: String?, total: Int) {
        try await read { db in
            try filter.page("revocation_case", order: [("opened_at", true), ("id", false)], yearColumn: "found_on", page: page, in: db,
                            as: RevocationCaseView.init(row:))
        }
    }

    /// The case, or a 404 naming it.
    func revocationCase(_ id: String) async throws -> RevocationCaseView {
        guard let found = try await read({ db in try RevocationCaseView.find(id, in: db) }) else {
            throw Problem.notFound("revocation case", zh: "撤销案件", id: id)
        }
        return found
    }

    /// The department opens a case against a studio that holds its title.
    func openCase(studio: StudioID, description: String, foundOn: LocalDate, by actor: Agent, at moment: Moment) async throws -> RevocationCaseView {
        try await write { db in
            let studio = try RegisteredStudio.require(studio, in: db)
            try studio.requireTitle()
            let id = try Self.openCase(studio: studio.id, origin: "department", inspection: nil, grant: nil, amount: nil,
                                       description: description, foundOn: foundOn, rectificationDeadline: nil,
                                       actor: actor, nowMillis: moment.millis, in: db)
            return try RevocationCaseView.find(id, in: db)!
        }
    }

    func decideCase(_ id: String, _ input: RevocationCases.DecisionInput, by actor: Agent, at moment: Moment) async throws -> RevocationCaseView {
        let outbox = self.outbox
        return try await write { db in
            try Self.decideCase(caseID: id, input, actor: actor, outbox: outbox, today: moment.today, nowMillis: moment.millis, in: db)
        }
    }

    /// Opens a case; an inspection id opens at most one case (a redelivered or repeated finding changes nothing).
    @discardableResult
    static func openCase(studio: StudioID, origin: String, inspection: InspectionID?, grant: GrantID?, amount: Money?,
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
    static func openCase(_ envelope: Envelope<InspectionMisuseFound>, nowMillis: Int64, in db: Database) throws {
        let finding = envelope.data
        guard try RegisteredStudio.find(finding.studioID, in: db) != nil else {
            throw EventRejected([DomainIssue(code: "studio.unknown", field: "data.studioId",
                                             messageZh: "名册中没有工作室 \(finding.studioID)。", messageEn: "no studio \(finding.studioID) in the register.")])
        }
        let description = finding.description.trimmed.isEmpty ? "经费检查发现违规使用" : finding.description.trimmed
        try openCase(studio: finding.studioID, origin: "inspection", inspection: finding.inspectionID, grant: finding.grantID,
                     amount: finding.amount, description: description, foundOn: finding.foundOn,
                     rectificationDeadline: finding.rectificationDeadline, actor: .service(envelope.source), nowMillis: nowMillis, in: db)
    }

    /// Art 20: the federation revokes (the title, its 通报, `studio.revoked`) or dismisses an open case, with its reasons.
    static func decideCase(caseID: String, _ input: RevocationCases.DecisionInput, actor: Agent, outbox: Outbox, today: LocalDate,
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
        issues += Check.noticeText(input.publicText, publishesNotice: input.decision != .dismiss, article: Article(20),
                                   noNotice: ("驳回不发布通报，无需填写公开文字。", "a dismissal publishes no notice; it has no public text."))
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
