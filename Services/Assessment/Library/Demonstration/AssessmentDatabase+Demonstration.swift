import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Demonstration acceptances (Art 14): opened by review's selection, recorded by the department.
extension AssessmentDatabase {
    /// By the round's year, then opened, over (year, opened_at, id).
    func demonstrationAcceptances(_ filter: CaseFilter, page: PageRequest) async throws -> (items: [DemonstrationAcceptanceView], nextCursor: String?, total: Int) {
        try await read { db in
            try filter.page("demonstration_acceptance", order: [("year", true), ("opened_at", true), ("id", false)], yearColumn: "year", yearIsInteger: true,
                            page: page, in: db, as: DemonstrationAcceptanceView.init(row:))
        }
    }

    /// The acceptance, or a 404 naming it.
    func demonstrationAcceptance(_ id: String) async throws -> DemonstrationAcceptanceView {
        guard let found = try await read({ db in try DemonstrationAcceptanceView.find(id, in: db) }) else {
            throw Problem.notFound("demonstration acceptance", zh: "示范验收", id: id)
        }
        return found
    }

    func recordAcceptance(_ id: String, _ input: DemonstrationAcceptance.Input, by actor: Agent, at moment: Moment) async throws -> DemonstrationAcceptanceView {
        let outbox = self.outbox
        return try await write { db in
            try Self.recordAcceptance(acceptanceID: id, input, actor: actor, outbox: outbox, today: moment.today, nowMillis: moment.millis, in: db)
        }
    }

    /// `demonstration.selected` (review) → a pending acceptance; one per application.
    static func openAcceptance(_ envelope: Envelope<DemonstrationSelected>, nowMillis: Int64, in db: Database) throws {
        let selected = envelope.data
        guard let studio = try RegisteredStudio.find(selected.studioID, in: db) else {
            throw EventRejected([DomainIssue(code: "studio.unknown", field: "data.studioId", article: Article(14),
                                             messageZh: "名册中没有工作室 \(selected.studioID)；示范性工作室须从已命名的市级、省级工作室中产生。",
                                             messageEn: "no studio \(selected.studioID) in the register; demonstration studios come from named city or provincial studios.")])
        }
        guard studio.status.holdsTitle else {
            throw EventRejected([DomainIssue(code: "studio.no_title", field: "data.studioId", article: Article(14),
                                             messageZh: "工作室已\(studio.status.nameZh)，不能参加示范性工作室验收。",
                                             messageEn: "the studio is \(studio.status.nameEn) and cannot be accepted as a demonstration studio.")])
        }
        try db.execute(sql: """
            INSERT INTO demonstration_acceptance (id, studio_id, application_id, round_id, year, status, opened_at)
            VALUES (?, ?, ?, ?, ?, 'pending', ?)
            ON CONFLICT (application_id) DO NOTHING
            """, arguments: ["da_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), studio.id.rawValue,
                             selected.applicationID.rawValue, selected.roundID.rawValue, selected.year, nowMillis])
    }

    /// Art 14: the acceptance's scores and result, once; a pass gives the demonstration title and `demonstration.accepted`.
    static func recordAcceptance(acceptanceID: String, _ input: DemonstrationAcceptance.Input, actor: Agent, outbox: Outbox, today: LocalDate, nowMillis: Int64,
                       in db: Database) throws -> DemonstrationAcceptanceView {
        guard let acceptance = try DemonstrationAcceptanceView.find(acceptanceID, in: db) else {
            throw Problem.notFound("demonstration acceptance", zh: "示范验收", id: acceptanceID)
        }
        guard acceptance.status == "pending" else {
            throw Problem(.conflict, code: "demonstration.decided", field: "id", article: Article(14).reference,
                          zh: "该验收已有结论（\(acceptance.status)），不能重复记录。", en: "the acceptance is already decided (\(acceptance.status)).")
        }
        var studio = try RegisteredStudio.require(acceptance.studioId, in: db)
        try studio.requireTitle()
        var issues = Check.notInFuture(input.assessedOn, today: today, field: "assessedOn", nameZh: "验收日期", nameEn: "assessedOn")
        issues += Criterion.validate(input.scores, field: "scores")
        issues += Check.text(input.reasons, field: "reasons", nameZh: "验收意见", nameEn: "the reasons", max: 2000, required: input.result == .fail)
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let total = input.scores.values.reduce(0, +)
        let reasons = Check.trimmed(input.reasons)
        try db.execute(sql: """
            UPDATE demonstration_acceptance SET status = ?, scores = ?, total_score = ?, reasons = ?, assessed_on = ?,
                recorded_by_role = ?, recorded_by_subject = ?, recorded_at = ?
            WHERE id = ? AND status = 'pending'
            """, arguments: [input.result == .pass ? "accepted" : "failed", try Criterion.json(input.scores), total, reasons,
                             input.assessedOn.description, actor.role, actor.subject, nowMillis, acceptanceID])
        if input.result == .pass {
            let previous = studio.status
            studio.status = .demonstration
            studio.updatedAt = nowMillis
            try studio.update(db)
            try TitleHistory.append(
                studio: studio.id, kind: .demonstrationAccepted, from: previous, to: .demonstration,
                detailsZh: "\(acceptance.year)年度示范性创新工作室考核验收合格（\(total)分），授予“衢州市高技能人才（劳模）示范性创新工作室”称号。",
                reference: "demonstration_acceptance:\(acceptanceID)", effectiveOn: input.assessedOn, actor: actor, nowMillis: nowMillis, in: db)
            try outbox.append(DemonstrationAccepted(studioID: studio.id, applicationID: acceptance.applicationId, year: acceptance.year,
                                                    acceptedOn: input.assessedOn), in: db)
        }
        return try DemonstrationAcceptanceView.find(acceptanceID, in: db)!
    }
}
