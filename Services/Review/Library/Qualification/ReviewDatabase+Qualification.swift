import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// 资格审查、项目审查 (Art 11) and the application as review shows it.
extension ReviewDatabase {
    typealias ApplicationView = QualificationController.ApplicationView

    /// Pass (the studio's standing allowing), fail or return with reasons; kept with who and when, and told to intake.
    func decideQualification(application id: ApplicationID, outcome: QualificationController.Outcome, reasons: [DomainIssue], by actor: String, at now: Int64) async throws -> ApplicationView {
        let input = (outcome: outcome, reasons: reasons)
        let outbox = self.outbox
        return try await write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .open else {
                throw Problem.conflict("round.not_open", zh: "批次已开始评分，不能再作资格审查", en: "the round has started scoring; qualification review is over")
            }
            guard application.applicationStatus == .submitted || application.applicationStatus == .qualificationPassed else {
                throw Problem.conflict("application.not_awaiting_qualification", field: "status",
                                              zh: "申报当前状态为\(application.applicationStatus?.nameZh ?? "已撤回")，不能作资格审查",
                                              en: "the application is \(application.applicationStatus?.nameEn ?? "withdrawn"); it is not awaiting qualification review")
            }
            let status: ApplicationStatus
            switch input.outcome {
            case .pass:
                let blocking = QualificationRules.blockingIssues(application, studio: try application.content.studioID.flatMap { try StudioReplica.find($0, in: db) })
                guard blocking.isEmpty else { throw Problem.validation(blocking) }
                status = .qualificationPassed
            case .fail, .return:
                guard !reasons.isEmpty else {
                    throw Problem.invalid("qualification.reasons_required", field: "reasons", article: Article(11),
                                                 zh: "不通过或退回补正须说明理由", en: "a failure or a return needs at least one reason")
                }
                let bad = reasons.enumerated().filter { $0.element.messageZh.isEmpty || $0.element.messageEn.isEmpty || $0.element.code.isEmpty }
                if !bad.isEmpty {
                    throw Problem.validation(bad.map { DomainIssue(code: "qualification.reason_incomplete", field: "reasons[\($0.offset)]", messageZh: "理由须有代码及中英文说明", messageEn: "a reason needs a code and messages in Chinese and English") })
                }
                status = input.outcome == .fail ? .qualificationFailed : .returnedForAmendment
            }
            try db.execute(sql: """
                INSERT INTO qualification_decision (application_id, application_version, outcome, reasons, decided_by, decided_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id.rawValue, application.version, input.outcome.rawValue, try JSONText.encode(reasons), actor, now])
            try Audit.record("qualification.\(input.outcome.rawValue)", round: round.id, application: id, detail: reasons, actor: actor, at: now, in: db)
            if application.applicationStatus != status {
                try ApplicationStore.setStatus(application, to: status, reasons: reasons, outbox: outbox, nowMillis: now, in: db)
            }
            return try Self.applicationView(try ApplicationStore.require(id, in: db), full: true, in: db)
        }
    }

    /// The application for `identity`: whole for the department and the federation; for an expert only their own
    /// conflict-free assignment, without the team's names.
    func application(_ id: ApplicationID, readBy identity: Identity) async throws -> ApplicationView {
        try await read { db in
            if identity.role == .expert {
                // To an expert, an application not assigned to them (conflicted ones never are) does not exist: 404, not 403,
                // so an expert cannot even learn which applications are in the round.
                guard try ExpertAccess.mayRead(expert: identity.expertID, application: id, in: db),
                      let application = try ApplicationStore.find(id, in: db) else { throw Problem.notFound("application", zh: "申报", id: id) }
                return try Self.applicationView(application, full: false, in: db)
            }
            return try Self.applicationView(try ApplicationStore.require(id, in: db), full: true, in: db)
        }
    }

    static func applicationView(_ application: ReviewApplication, full: Bool, in db: Database) throws -> ApplicationView {
        var result = ApplicationView(applicationId: application.id, roundId: application.roundID, status: application.status, version: application.version,
                                     submittedOn: application.submittedOn, content: application.content)
        guard full else {
            result.content.teamMemberNames = nil  // for conflict checks only, never an expert's reading
            return result
        }
        result.qualification = try Row.fetchAll(db, sql: "SELECT * FROM qualification_decision WHERE application_id = ? ORDER BY id", arguments: [application.id.rawValue]).map {
            QualificationController.DecisionView(outcome: $0["outcome"], reasons: try JSONText.decode([DomainIssue].self, $0["reasons"]), applicationVersion: $0["application_version"],
                         decidedBy: $0["decided_by"], decidedAt: Millis.date($0["decided_at"]))
        }
        result.experts = try AssignmentStore.experts(of: application.id, in: db)
        return result
    }
}
