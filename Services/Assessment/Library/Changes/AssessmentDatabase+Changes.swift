import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Art 19 changes: the department reports a change of unit name or affiliation, the federation adjusts the register or declines.
extension AssessmentDatabase {
    /// Oldest reported first, over (reported_at, id); the year is the year of the change reported.
    func changeReports(_ filter: CaseFilter, page: PageRequest) async throws -> (items: [ChangeReportView], nextCursor: String?, total: Int) {
        try await read { db in
            try filter.page("change_report", order: [("reported_at", true), ("id", false)], yearColumn: "reported_on", page: page, in: db,
                            as: ChangeReportView.init(row:))
        }
    }

    func reportChange(studio: StudioID, _ input: ChangeReports.ReportInput, by actor: Agent, at moment: Moment) async throws -> ChangeReportView {
        let referenceData = settings.referenceData
        return try await write { db in
            try Self.reportChange(studioID: studio, input, referenceData: referenceData, actor: actor, today: moment.today, nowMillis: moment.millis, in: db)
        }
    }

    func decideChange(_ id: String, _ input: ChangeReports.DecisionInput, by actor: Agent, at moment: Moment) async throws -> ChangeReportView {
        let outbox = self.outbox
        return try await write { db in
            try Self.decideChange(reportID: id, input, actor: actor, outbox: outbox, today: moment.today, nowMillis: moment.millis, in: db)
        }
    }

    /// Art 19: a report names a new unit name or affiliation that differs from the register, on a past day.
    static func reportChange(studioID: StudioID, _ input: ChangeReports.ReportInput, referenceData: ReferenceData, actor: Agent, today: LocalDate,
                       nowMillis: Int64, in db: Database) throws -> ChangeReportView {
        let studio = try RegisteredStudio.require(studioID, in: db)
        try studio.requireTitle()
        let unitName = Check.trimmed(input.newUnitName)
        let bodyCode = Check.trimmed(input.newScreeningBodyCode)
        var issues: [DomainIssue] = []
        if unitName == nil && bodyCode == nil {
            issues.append(DomainIssue(code: "change.empty", field: "newUnitName", article: Article(19),
                                      messageZh: "请填写变更后的单位名称或隶属关系（初审单位）。", messageEn: "give the new unit name or the new affiliation (screening body)."))
        }
        issues += Check.text(unitName, field: "newUnitName", nameZh: "单位名称", nameEn: "newUnitName", required: false)
        if let unitName, unitName == studio.unitName, bodyCode == nil {
            issues.append(DomainIssue(code: "change.same_unit_name", field: "newUnitName", article: Article(19),
                                      messageZh: "单位名称与名册一致，无需变更。", messageEn: "the unit name is unchanged."))
        }
        if let bodyCode {
            if let body = referenceData.screeningBody(code: bodyCode) {
                if !body.active {
                    issues.append(DomainIssue(code: "change.screening_body_inactive", field: "newScreeningBodyCode", article: Article(19),
                                              messageZh: "初审单位\(body.nameZh)已停用。", messageEn: "the screening body \(bodyCode) is no longer active."))
                }
                if bodyCode == studio.screeningBodyCode {
                    issues.append(DomainIssue(code: "change.same_screening_body", field: "newScreeningBodyCode", article: Article(19),
                                              messageZh: "隶属关系与名册一致，无需变更。", messageEn: "the affiliation is unchanged."))
                }
            } else {
                issues.append(DomainIssue(code: "change.screening_body_unknown", field: "newScreeningBodyCode", article: Article(19),
                                          messageZh: "未知的初审单位代码：\(bodyCode)。", messageEn: "unknown screening body code \(bodyCode)."))
            }
        }
        issues += Check.notInFuture(input.reportedOn, today: today, field: "reportedOn", nameZh: "报告日期", nameEn: "reportedOn")
        issues += Check.text(input.note, field: "note", nameZh: "说明", nameEn: "the note", max: 2000, required: false)
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let id = "cr_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try db.execute(sql: """
            INSERT INTO change_report (id, studio_id, new_unit_name, new_screening_body_code, previous_unit_name, previous_screening_body_code,
                reported_on, note, reported_by_role, reported_by_subject, reported_at, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
            """, arguments: [id, studio.id.rawValue, unitName, bodyCode, studio.unitName, studio.screeningBodyCode,
                             input.reportedOn.description, Check.trimmed(input.note), actor.role, actor.subject, nowMillis])
        return try ChangeReportView.find(id, in: db)!
    }

    /// Art 19: the federation adjusts the register with what still differs (`studio.changed`) or declines with a note.
    static func decideChange(reportID: String, _ input: ChangeReports.DecisionInput, actor: Agent, outbox: Outbox, today: LocalDate, nowMillis: Int64,
                       in db: Database) throws -> ChangeReportView {
        guard let report = try ChangeReportView.find(reportID, in: db) else { throw Problem.notFound("change report", zh: "变更报告", id: reportID) }
        guard report.status == "pending" else {
            throw Problem(.conflict, code: "change.decided", field: "id", article: Article(19).reference,
                          zh: "该变更已处理（\(report.status)）。", en: "the change report is already decided (\(report.status)).")
        }
        var studio = try RegisteredStudio.require(report.studioId, in: db)
        try studio.requireTitle()
        let effectiveOn = input.effectiveOn ?? today
        var issues = Check.text(input.note, field: "note", nameZh: "说明", nameEn: "the note", max: 2000, required: input.decision == .decline)
        if effectiveOn < report.reportedOn.adding(days: -366) {
            issues.append(DomainIssue(code: "change.effective_on", field: "effectiveOn", article: Article(19),
                                      messageZh: "生效日期不能早于报告日期一年以上。", messageEn: "effectiveOn cannot be more than a year before the report."))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        if input.decision == .adjust {
            // The register may have moved on since the report: only what still differs is changed.
            let unitName = report.newUnitName.flatMap { $0 == studio.unitName ? nil : $0 }
            let bodyCode = report.newScreeningBodyCode.flatMap { $0 == studio.screeningBodyCode ? nil : $0 }
            if unitName != nil || bodyCode != nil {
                let before = "\(studio.unitName)（\(studio.screeningBodyCode)）"
                if let unitName { studio.unitName = unitName }
                if let bodyCode { studio.screeningBodyCode = bodyCode }
                studio.updatedAt = nowMillis
                try studio.update(db)
                try TitleHistory.append(
                    studio: studio.id, kind: .changed, from: studio.status, to: studio.status,
                    detailsZh: "单位名称或隶属关系变更：\(before) → \(studio.unitName)（\(studio.screeningBodyCode)）。\(Check.trimmed(input.note) ?? "")",
                    reference: "change_report:\(reportID)", effectiveOn: effectiveOn, actor: actor, nowMillis: nowMillis, in: db)
                try outbox.append(StudioChanged(studioID: studio.id, unitName: unitName, screeningBodyCode: bodyCode,
                                                effectiveOn: effectiveOn, note: Check.trimmed(input.note)), in: db)
            }
        }
        try db.execute(sql: """
            UPDATE change_report SET status = ?, decision_note = ?, effective_on = ?, decided_by_role = ?, decided_by_subject = ?, decided_at = ?
            WHERE id = ?
            """, arguments: [input.decision == .adjust ? "adjusted" : "declined", Check.trimmed(input.note),
                             input.decision == .adjust ? effectiveOn.description : nil, actor.role, actor.subject, nowMillis, reportID])
        return try ChangeReportView.find(reportID, in: db)!
    }
}
