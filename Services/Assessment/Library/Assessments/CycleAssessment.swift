import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The end-of-cycle assessment (期满考核, Art 17) the department records: criteria scores, the site visit,
/// the result and the reasons. A pass opens the next cycle; a fail revokes the title with a public notice.
struct CycleAssessmentInput: Decodable, Sendable {
    struct SiteVisit: Decodable, Sendable {
        var visitedOn: LocalDate
        /// Who visited: the department's staff and experts (names, not ID numbers).
        var visitors: [String]
        /// Art 18: whether the plaque hangs in a visible place.
        var plaqueDisplayed: Bool
    }

    /// The cycle being assessed; must be the studio's current one (guards against a stale form).
    var cycleNumber: Int
    var assessedOn: LocalDate
    var scores: [String: Int]
    var siteVisit: SiteVisit
    var result: AssessmentResult
    /// Internal: the department's reasons, kept in the record, never published.
    var reasons: String?
    /// For a fail, the finding as the public notice (通报) words it; checked for ID and phone numbers. Without
    /// it the notice states the failed assessment and nothing more.
    var publicText: String?
}

struct CycleAssessmentView: Codable, Sendable, Equatable {
    struct SiteVisit: Codable, Sendable, Equatable {
        var visitedOn: LocalDate
        var visitors: [String]
        var plaqueDisplayed: Bool
    }

    var id: AssessmentID
    var studioId: StudioID
    var cycle: StudioCycle
    var result: AssessmentResult
    var scores: [String: Int]
    var totalScore: Int
    var siteVisit: SiteVisit
    var reasons: String
    var assessedOn: LocalDate
    /// Recorded after the cycle had ended (it was overdue).
    var late: Bool
    var recordedByRole: String
    var recordedBySubject: String?
    var recordedAt: Date

    init(row: Row) throws {
        id = AssessmentID(row["id"] as String)
        studioId = StudioID(row["studio_id"] as String)
        cycle = StudioCycle(number: row["cycle_number"], start: try row.day("cycle_start"))
        result = try row.stored("result", as: AssessmentResult.self)
        scores = try Criterion.decode(row["scores"]) ?? [:]
        totalScore = row["total_score"]
        let visitorsText: String = row["site_visitors"]
        guard let visitors = try? JSONDecoder().decode([String].self, from: Data(visitorsText.utf8)) else {
            throw StoredValueError(column: "site_visitors", value: visitorsText, expected: "a list of names (JSON)")
        }
        siteVisit = SiteVisit(visitedOn: try row.day("site_visit_on"), visitors: visitors, plaqueDisplayed: row["plaque_displayed"])
        reasons = row["reasons"]
        assessedOn = try row.day("assessed_on")
        late = row["late"]
        recordedByRole = row["recorded_by_role"]
        recordedBySubject = row["recorded_by_subject"]
        recordedAt = Millis.date(row["recorded_at"])
    }

    static func all(of studio: StudioID, in db: Database) throws -> [CycleAssessmentView] {
        try Row.fetchAll(db, sql: "SELECT * FROM cycle_assessment WHERE studio_id = ? ORDER BY cycle_number", arguments: [studio.rawValue])
            .map(CycleAssessmentView.init)
    }
}

enum CycleAssessment {
    struct Outcome: Sendable {
        var assessment: CycleAssessmentView
        var studio: RegisteredStudio
        var noticeID: NoticeID?
    }

}
