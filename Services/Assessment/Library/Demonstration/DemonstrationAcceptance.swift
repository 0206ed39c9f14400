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

    init(row: Row) throws {
        id = row["id"]
        studioId = StudioID(row["studio_id"] as String)
        applicationId = ApplicationID(row["application_id"] as String)
        roundId = RoundID(row["round_id"] as String)
        year = row["year"]
        status = row["status"]
        openedAt = Millis.date(row["opened_at"])
        scores = try Criterion.decode(row["scores"])
        totalScore = row["total_score"]
        reasons = row["reasons"]
        assessedOn = try row.dayIfPresent("assessed_on")
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
        return try rows.map(DemonstrationAcceptanceView.init)
    }
}

enum DemonstrationAcceptance {

    struct Input: Decodable, Sendable {
        var assessedOn: LocalDate
        var scores: [String: Int]
        var result: AssessmentResult
        var reasons: String?
    }

}
