import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// An application as review holds it: intake's content plus where review has got with it.
struct ReviewApplication: Sendable {
    static let withdrawn = "withdrawn"

    var id: ApplicationID
    var roundID: RoundID
    var kind: ApplicationKind
    /// An `ApplicationStatus` raw value, or `withdrawn`.
    var status: String
    var version: Int
    var content: ApplicationContent
    var submittedOn: LocalDate

    var applicationStatus: ApplicationStatus? { ApplicationStatus(rawValue: status) }
    var isWithdrawn: Bool { status == Self.withdrawn }

    var facts: ApplicationFacts {
        ApplicationFacts(id: id, unitName: content.applicantUnit.name, unitCreditCode: content.applicantUnit.creditCode,
                         screeningBodyCode: content.screeningBodyCode, leaderName: content.leader.name,
                         memberNames: content.teamMemberNames ?? [])
    }
}

enum ApplicationStore {
    static func decode(_ row: Row) throws -> ReviewApplication {
        ReviewApplication(id: ApplicationID(row["id"] as String), roundID: RoundID(row["round_id"] as String), kind: try row.stored("kind", as: ApplicationKind.self),
                          status: row["status"], version: row["version"],
                          content: try JSONText.decode(ApplicationContent.self, row["content"]),
                          submittedOn: try row.day("submitted_on"))
    }

    static func find(_ id: ApplicationID, in db: Database) throws -> ReviewApplication? {
        try Row.fetchOne(db, sql: "SELECT * FROM review_application WHERE id = ?", arguments: [id.rawValue]).map(decode)
    }

    static func require(_ id: ApplicationID, in db: Database) throws -> ReviewApplication {
        guard let application = try find(id, in: db) else { throw Problem.notFound("application", zh: "申报", id: id) }
        return application
    }

    static func inRound(_ roundID: RoundID, in db: Database) throws -> [ReviewApplication] {
        try Row.fetchAll(db, sql: "SELECT * FROM review_application WHERE round_id = ? ORDER BY id", arguments: [roundID.rawValue]).map(decode)
    }

    /// Moves an application on and tells intake (`application.status_changed`), in the caller's transaction.
    static func setStatus(_ application: ReviewApplication, to status: ApplicationStatus, reasons: [DomainIssue] = [],
                          outbox: Outbox, nowMillis: Int64, in db: Database) throws {
        try db.execute(sql: "UPDATE review_application SET status = ?, updated_at = ? WHERE id = ?",
                       arguments: [status.rawValue, nowMillis, application.id.rawValue])
        try outbox.append(ApplicationStatusChanged(applicationID: application.id, kind: application.kind,
                                                   status: status, reasons: reasons), in: db)
    }
}
