import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The acceptance assessment (考核验收, Art 14) of a studio review selected for demonstration status. A pass gives
/// the title 衢州市高技能人才（劳模）示范性创新工作室 and emits `demonstration.accepted` exactly once (funding then
/// pays 50,000 yuan); a fail closes the acceptance with no event.
struct DemonstrationAcceptanceView: Codable, Sendable, Equatable {
    var id: String
    var studioId: StudioID
    var applicationId: ApplicationID
    var roundId: RoundID
    var year: Int
    var status: String
    var openedAt: Date
    var scores: [String: Int]?
    var totalScore: Int?
    var reasons: String?
    var assessedOn: LocalDate?
    var recordedByRole: String?
    var recordedBySubject: String?
    var recordedAt: Date?

    init(row: Row) {
        id = row["id"]
        studioId = StudioID(row["studio_id"] as String)
        applicationId = ApplicationID(row["application_id"] as String)
        roundId = RoundID(row["round_id"] as String)
        year = row["year"]
        status = row["status"]
        openedAt = Millis.date(row["opened_at"])
        scores = Criterion.decode(row["scores"])
        totalScore = row["total_score"]
        reasons = row["reasons"]
        assessedOn = row.optionalDate("assessed_on")
        recordedByRole = row["recorded_by_role"]
        recordedBySubject = row["recorded_by_subject"]
        recordedAt = (row["recorded_at"] as Int64?).map(Millis.date)
    }

    static func find(_ id: String, in db: Database) throws -> DemonstrationAcceptanceView? {
        try Row.fetchOne(db, sql: "SELECT * FROM demonstration_acceptance WHERE id = ?", arguments: [id]).map(DemonstrationAcceptanceView.init)
    }

    static func all(status: String?, in db: Database) throws -> [DemonstrationAcceptanceView] {
        let rows = status == nil
            ? try Row.fetchAll(db, sql: "SELECT * FROM demonstration_acceptance ORDER BY year, opened_at, id")
            : try Row.fetchAll(db, sql: "SELECT * FROM demonstration_acceptance WHERE status = ? ORDER BY year, opened_at, id", arguments: [status])
        return rows.map(DemonstrationAcceptanceView.init)
    }
}

enum DemonstrationAcceptance {
    /// `demonstration.selected` (review) → a pending acceptance; one per application.
    static func open(_ envelope: Envelope<DemonstrationSelected>, nowMillis: Int64, in db: Database) throws {
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

    struct Input: Decodable, Sendable {
        var assessedOn: LocalDate
        var scores: [String: Int]
        var result: AssessmentResult
        var reasons: String?
    }

    static func record(acceptanceID: String, _ input: Input, actor: Agent, outbox: Outbox, today: LocalDate, nowMillis: Int64,
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
