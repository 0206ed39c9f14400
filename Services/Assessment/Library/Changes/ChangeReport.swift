import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A change of unit name or affiliation (变更单位名称或改变隶属关系, Art 19): the department records the report,
/// the federation adjusts the register (视情作出调整) or declines; an adjustment emits `studio.changed`. The view
/// is StudioDomain's `ChangeReportView`, which the portal decodes too.
extension ChangeReportView {
    init(row: Row) throws {
        self.init(id: row["id"], studioId: StudioID(row["studio_id"] as String), newUnitName: row["new_unit_name"],
                  newScreeningBodyCode: row["new_screening_body_code"], previousUnitName: row["previous_unit_name"],
                  previousScreeningBodyCode: row["previous_screening_body_code"], reportedOn: try row.day("reported_on"), note: row["note"],
                  reportedByRole: row["reported_by_role"], reportedBySubject: row["reported_by_subject"], reportedAt: Millis.date(row["reported_at"]),
                  status: row["status"], decisionNote: row["decision_note"], effectiveOn: try row.dayIfPresent("effective_on"),
                  decidedByRole: row["decided_by_role"], decidedBySubject: row["decided_by_subject"],
                  decidedAt: (row["decided_at"] as Int64?).map(Millis.date))
    }

    static func find(_ id: String, in db: Database) throws -> ChangeReportView? {
        try Row.fetchOne(db, sql: "SELECT * FROM change_report WHERE id = ?", arguments: [id]).map(ChangeReportView.init(row:))
    }

    static func all(status: String?, in db: Database) throws -> [ChangeReportView] {
        status == nil
            ? try Row.fetchAll(db, sql: "SELECT * FROM change_report ORDER BY reported_at, id").map(ChangeReportView.init(row:))
            : try Row.fetchAll(db, sql: "SELECT * FROM change_report WHERE status = ? ORDER BY reported_at, id", arguments: [status]).map(ChangeReportView.init(row:))
    }
}

enum ChangeReports {
    struct ReportInput: Decodable, Sendable {
        var newUnitName: String?
        var newScreeningBodyCode: String?
        var reportedOn: LocalDate
        var note: String?
    }


    enum Decision: String, Codable, Sendable { case adjust, decline }

    struct DecisionInput: Decodable, Sendable {
        var decision: Decision
        /// The day the adjustment takes effect; default today.
        var effectiveOn: LocalDate?
        var note: String?
    }

}
