import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// An expert's score sheet (评分表) for one application: points per criterion, comments, draft or submitted.
struct ScoreSheet: Codable, Sendable {
    var applicationId: ApplicationID
    var expertId: ExpertID
    var scores: [String: Int]
    var comments: [String: String]
    var comment: String?
    /// `draft` or `submitted`.
    var status: String
    var submittedAt: Date?
    /// Out of 100, shown as `87.50` once every criterion is scored.
    var total: String?
    /// A paper sheet from the review meeting (评审会) entered by the department on the expert's behalf: who
    /// entered it and when, and when the expert confirmed it (their own submission of a correction confirms too).
    var enteredBy: String? = nil
    var enteredAt: Date? = nil
    var confirmedAt: Date? = nil
}

enum ScoreSheetStore {
    static func decode(_ row: Row, rubric: Rubric) throws -> ScoreSheet {
        let scores = try JSONText.decode([String: Int].self, row["scores"])
        let complete = rubric.criteria.allSatisfy { scores[$0.key] != nil }
        return ScoreSheet(applicationId: ApplicationID(row["application_id"] as String), expertId: ExpertID(row["expert_id"] as String), scores: scores,
                          comments: try JSONText.decode([String: String].self, row["comments"]), comment: row["comment"],
                          status: row["status"], submittedAt: (row["submitted_at"] as Int64?).map(Millis.date),
                          total: complete ? rubric.total(scores).description : nil,
                          enteredBy: row["entered_by"], enteredAt: (row["entered_at"] as Int64?).map(Millis.date),
                          confirmedAt: (row["confirmed_at"] as Int64?).map(Millis.date))
    }

    static func find(application: ApplicationID, expert: ExpertID, rubric: Rubric, in db: Database) throws -> ScoreSheet? {
        try Row.fetchOne(db, sql: "SELECT * FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.rawValue, expert.rawValue])
            .map { try decode($0, rubric: rubric) }
    }

    /// `draft` or `submitted`; nil when the expert has no sheet for the application.
    static func status(application: ApplicationID, expert: ExpertID, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT status FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.rawValue, expert.rawValue])
    }

    static func forApplication(_ application: ApplicationID, rubric: Rubric, in db: Database) throws -> [ScoreSheet] {
        try Row.fetchAll(db, sql: "SELECT * FROM score_sheet WHERE application_id = ? ORDER BY expert_id", arguments: [application.rawValue])
            .map { try decode($0, rubric: rubric) }
    }

    static func save(_ sheet: ScoreSheet, round: RoundID, nowMillis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO score_sheet (application_id, expert_id, round_id, scores, comments, comment, status, submitted_at, updated_at,
                                     entered_by, entered_at, confirmed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (application_id, expert_id) DO UPDATE SET scores = excluded.scores, comments = excluded.comments,
                comment = excluded.comment, status = excluded.status, submitted_at = excluded.submitted_at, updated_at = excluded.updated_at,
                entered_by = excluded.entered_by, entered_at = excluded.entered_at, confirmed_at = excluded.confirmed_at
            """, arguments: [sheet.applicationId.rawValue, sheet.expertId.rawValue, round.rawValue, try JSONText.encode(sheet.scores), try JSONText.encode(sheet.comments),
                             sheet.comment, sheet.status, sheet.submittedAt.map(Millis.from), nowMillis,
                             sheet.enteredBy, sheet.enteredAt.map(Millis.from), sheet.confirmedAt.map(Millis.from)])
    }

    /// Every submitted sheet of a round as exact totals, for aggregation.
    static func submittedTotals(round: ReviewRound, in db: Database) throws -> [SheetTotal] {
        try Row.fetchAll(db, sql: """
            SELECT s.* FROM score_sheet s JOIN review_application a ON a.id = s.application_id
            WHERE s.round_id = ? AND s.status = 'submitted' AND a.status != 'withdrawn' ORDER BY s.application_id, s.expert_id
            """, arguments: [round.id.rawValue]).map {
            SheetTotal(application: $0["application_id"], expert: $0["expert_id"], total: round.rubric.total(try JSONText.decode([String: Int].self, $0["scores"])))
        }
    }
}

extension ScoreSheet: ResponseEncodable {}
