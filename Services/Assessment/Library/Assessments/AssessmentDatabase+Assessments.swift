import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The end-of-cycle assessment (Art 17): a pass starts the next cycle, a fail revokes the title.
extension AssessmentDatabase {
    /// Sweeps expiry first, so a studio past its grace period is assessed as the expired studio it is.
    func recordAssessment(studio: StudioID, _ input: CycleAssessmentInput, by actor: Agent, at moment: Moment) async throws -> CycleAssessment.Outcome {
        try await sweepExpiry(at: moment)
        let outbox = self.outbox, settings = self.settings
        return try await write { db in
            try Self.recordAssessment(input, studioID: studio, actor: actor, settings: settings, outbox: outbox,
                                      today: moment.today, nowMillis: moment.millis, in: db)
        }
    }

    /// Art 17: the current cycle's assessment of a city studio, within its window (or late, for an expired one); a pass
    /// starts the next cycle (and restores an expired studio), a fail revokes the title with its 通报.
    static func recordAssessment(_ input: CycleAssessmentInput, studioID: StudioID, actor: Agent, settings: AssessmentSettings,
                       outbox: Outbox, today: LocalDate, nowMillis: Int64, in db: Database) throws -> CycleAssessment.Outcome {
        var studio = try RegisteredStudio.require(studioID, in: db)
        // An expired studio is assessed late: a pass restores it, a fail revokes it.
        if studio.status != .expired { try studio.requireTitle() }
        guard studio.level == .city else {
            throw Problem(.conflict, code: "assessment.provincial", field: "studioId", article: Article(17).reference,
                          zh: "省级工作室不参加市级周期考核。", en: "provincial studios are not assessed by the city (Art 17 covers city-level studios).")
        }
        let cycle = studio.cycle
        guard input.cycleNumber == cycle.number else {
            throw Problem(.conflict, code: "assessment.stale_cycle", field: "cycleNumber", article: Article(17).reference,
                          zh: "工作室当前为第\(cycle.number)周期，不能考核第\(input.cycleNumber)周期。",
                          en: "the studio is in cycle \(cycle.number); cycle \(input.cycleNumber) cannot be assessed.")
        }
        let standing = CycleStanding.evaluate(cycle: cycle, today: today, windowDays: settings.assessmentWindowDays)
        var issues: [DomainIssue] = []
        issues += Check.notInFuture(input.assessedOn, today: today, field: "assessedOn", nameZh: "考核日期", nameEn: "assessedOn")
        if input.assessedOn < standing.assessmentWindowOpensOn {
            issues.append(DomainIssue(code: "assessment.window_not_open", field: "assessedOn", article: Article(17),
                                      messageZh: "第\(cycle.number)周期于 \(cycle.lastDay) 期满，考核自 \(standing.assessmentWindowOpensOn) 起方可进行。",
                                      messageEn: "cycle \(cycle.number) ends on \(cycle.lastDay); its assessment may be held from \(standing.assessmentWindowOpensOn)."))
        }
        if input.siteVisit.visitedOn > input.assessedOn || input.siteVisit.visitedOn < cycle.start {
            issues.append(DomainIssue(code: "assessment.site_visit_date", field: "siteVisit.visitedOn", article: Article(17),
                                      messageZh: "实地考察日期须在本周期开始（\(cycle.start)）之后、考核日期之前。",
                                      messageEn: "the site visit must fall between the cycle start (\(cycle.start)) and the assessment date."))
        }
        let visitors = input.siteVisit.visitors.map(\.trimmed).filter { !$0.isEmpty }
        if visitors.isEmpty {
            issues.append(.required("siteVisit.visitors", nameZh: "实地考察人员", nameEn: "the site visitors"))
        }
        for (index, name) in visitors.enumerated() where name.count > 50 {
            issues.append(DomainIssue(code: "too_long", field: "siteVisit.visitors[\(index)]", messageZh: "考察人员姓名不能超过 50 个字符。", messageEn: "a visitor name is at most 50 characters."))
        }
        issues += Criterion.validate(input.scores, field: "scores")
        issues += Check.text(input.reasons, field: "reasons", nameZh: "考核意见（不合格理由）", nameEn: "the reasons",
                             max: 2000, required: input.result == .fail)
        let publicText = Check.trimmed(input.publicText)
        issues += Check.noticeText(input.publicText, publishesNotice: input.result != .pass, article: Article(17),
                                   noNotice: ("考核合格不发布通报，无需填写公开文字。", "a pass publishes no notice; it has no public text."))
        guard issues.isEmpty else { throw Problem.validation(issues) }

        let id = AssessmentID.new()
        let reasons = Check.trimmed(input.reasons) ?? ""
        let total = input.scores.values.reduce(0, +)
        let late = input.assessedOn >= cycle.end
        try db.execute(sql: """
            INSERT INTO cycle_assessment (id, studio_id, cycle_number, cycle_start, cycle_end, result, scores, total_score,
                site_visit_on, site_visitors, plaque_displayed, reasons, assessed_on, late, recorded_by_role, recorded_by_subject, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id.rawValue, studio.id.rawValue, cycle.number, cycle.start.description, cycle.end.description,
                             input.result.rawValue, try Criterion.json(input.scores), total, input.siteVisit.visitedOn.description,
                             String(decoding: try JSONEncoder().encode(visitors), as: UTF8.self), input.siteVisit.plaqueDisplayed,
                             reasons, input.assessedOn.description, late, actor.role, actor.subject, nowMillis])

        var noticeID: NoticeID?
        switch input.result {
        case .pass:
            let next = cycle.next
            let previous = studio.status
            let restored = previous == .expired ? try Expiry.statusBeforeExpiry(of: studio.id, in: db) : nil
            studio.cycle = next
            studio.status = restored ?? previous
            studio.updatedAt = nowMillis
            try studio.update(db)
            try TitleHistory.append(
                studio: studio.id, kind: .renewed, from: previous, to: studio.status,
                detailsZh: "第\(cycle.number)周期期满考核合格（\(total)分），\(restored == nil ? "继续保留" : "补充考核合格，恢复")称号；第\(next.number)周期 \(next.start) 至 \(next.lastDay)。",
                reference: "assessment:\(id.rawValue)", effectiveOn: input.assessedOn, actor: actor, nowMillis: nowMillis, in: db)
            try outbox.append(StudioRenewed(studioID: studio.id, assessmentID: id, assessedOn: input.assessedOn, cycle: next,
                                            restoredStatus: restored), in: db)
            try outbox.append(StudioCycleChanged(studioID: studio.id, cycle: next), in: db)
        case .fail:
            noticeID = try Revoke.studio(
                studio, reason: .assessmentFailed,
                findingZh: "在第\(cycle.number)周期（\(cycle.start)至\(cycle.lastDay)）期满考核中考核不合格\(publicText.map { "（\($0)）" } ?? "")",
                details: reasons, decidedOn: input.assessedOn, reference: "assessment:\(id.rawValue)", actor: actor,
                outbox: outbox, nowMillis: nowMillis, in: db)
            studio = try RegisteredStudio.require(studio.id, in: db)
        }
        let view = try Row.fetchOne(db, sql: "SELECT * FROM cycle_assessment WHERE id = ?", arguments: [id.rawValue]).map(CycleAssessmentView.init)!
        return CycleAssessment.Outcome(assessment: view, studio: studio, noticeID: noticeID)
    }
}
