import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// A revocation case (Art 20): a finding of plagiarism, falsification or misused funds, opened by the department
/// or by funding's `inspection.misuse_found`, and decided by the city federation, which named the studio (Art 11)
/// and so is the one to withdraw the naming.
struct RevocationCaseView: Codable, Sendable, Equatable {
    var id: String
    var studioId: StudioID
    var origin: String
    var inspectionId: InspectionID?
    var grantId: GrantID?
    var amount: Money?
    var description: String
    var foundOn: LocalDate
    var rectificationDeadline: LocalDate?
    var openedByRole: String
    var openedBySubject: String?
    var openedAt: Date
    var status: String
    var reason: RevocationReason?
    var decisionReasons: String?
    var decidedOn: LocalDate?
    var decidedByRole: String?
    var decidedBySubject: String?
    var decidedAt: Date?
    var noticeId: NoticeID?

    init(row: Row) throws {
        id = row["id"]
        studioId = StudioID(row["studio_id"] as String)
        origin = row["origin"]
        inspectionId = (row["inspection_id"] as String?).map(InspectionID.init)
        grantId = (row["grant_id"] as String?).map(GrantID.init)
        amount = (row["amount_fen"] as Int64?).map { Money(fen: $0) }
        description = row["description"]
        foundOn = try row.day("found_on")
        rectificationDeadline = try row.dayIfPresent("rectification_deadline")
        openedByRole = row["opened_by_role"]
        openedBySubject = row["opened_by_subject"]
        openedAt = Millis.date(row["opened_at"])
        status = row["status"]
        reason = (row["reason"] as String?).flatMap(RevocationReason.init(rawValue:))
        decisionReasons = row["decision_reasons"]
        decidedOn = try row.dayIfPresent("decided_on")
        decidedByRole = row["decided_by_role"]
        decidedBySubject = row["decided_by_subject"]
        decidedAt = (row["decided_at"] as Int64?).map(Millis.date)
        noticeId = (row["notice_id"] as String?).map(NoticeID.init)
    }

    static func find(_ id: String, in db: Database) throws -> RevocationCaseView? {
        try Row.fetchOne(db, sql: "SELECT * FROM revocation_case WHERE id = ?", arguments: [id]).map(RevocationCaseView.init)
    }

    static func all(status: String?, in db: Database) throws -> [RevocationCaseView] {
        if let status {
            return try Row.fetchAll(db, sql: "SELECT * FROM revocation_case WHERE status = ? ORDER BY opened_at, id", arguments: [status]).map(RevocationCaseView.init)
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM revocation_case ORDER BY opened_at, id").map(RevocationCaseView.init)
    }
}

enum RevocationCases {


    enum Decision: String, Codable, Sendable { case revoke, dismiss }

    struct DecisionInput: Decodable, Sendable {
        var decision: Decision
        /// Default `plagiarismOrFraud` (Art 20); `assessmentFailed` belongs to the Art 17 path and is refused here.
        var reason: RevocationReason?
        /// Internal: the federation's reasons, kept with the case, never published.
        var reasons: String
        /// For a revocation, what the public notice (通报) says was found; checked for ID and phone numbers.
        /// Without it the notice names the kind of breach and nothing more.
        var publicText: String?
    }

}
