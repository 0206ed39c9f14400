import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A change of unit name or affiliation (变更单位名称或改变隶属关系, Art 19): the department records the report,
/// the federation adjusts the register (视情作出调整) or declines; an adjustment emits `studio.changed`.
struct ChangeReportView: Codable, FetchableRecord, Sendable, Equatable {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseDateDecodingStrategy = DatabaseDateDecodingStrategy.millisecondsSince1970

    var id: String
    var studioId: StudioID
    var newUnitName: String?
    var newScreeningBodyCode: String?
    var previousUnitName: String
    var previousScreeningBodyCode: String
    var reportedOn: LocalDate
    var note: String?
    var reportedByRole: String
    var reportedBySubject: String?
    var reportedAt: Date
    var status: String
    var decisionNote: String?
    var effectiveOn: LocalDate?
    var decidedByRole: String?
    var decidedBySubject: String?
    var decidedAt: Date?

    static func find(_ id: String, in db: Database) throws -> ChangeReportView? {
        try ChangeReportView.fetchOne(db, sql: "SELECT * FROM change_report WHERE id = ?", arguments: [id])
    }

    static func all(status: String?, in db: Database) throws -> [ChangeReportView] {
        status == nil
            ? try ChangeReportView.fetchAll(db, sql: "SELECT * FROM change_report ORDER BY reported_at, id")
            : try ChangeReportView.fetchAll(db, sql: "SELECT * FROM change_report WHERE status = ? ORDER BY reported_at, id", arguments: [status])
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
