import Foundation
import GRDB
import StudioDomain

/// The service's scheduler: marks unpaid grants due (within the notice window before their payment date) and
/// overdue (past it), and makes sure every studio that received money has its next joint inspection (Art 16).
/// `FundingSchedulerService` runs it every 15 minutes and just after each business midnight, so what a read
/// shows is exact to the day without the read writing; moving the demo clock runs it too. It is idempotent.
public enum FundingScheduler {
    public struct Outcome: Sendable, Equatable {
        public var due: Int
        public var overdue: Int
    }

    @discardableResult
    public static func run(today: LocalDate, settings: FundingSettings, at millis: Int64, in db: Database) throws -> Outcome {
        let notice = today.adding(days: settings.dueNoticeDays).description
        let state = "CASE WHEN due_on < ?1 THEN 'overdue' WHEN due_on <= ?2 THEN 'due' ELSE 'not_due' END"
        try db.execute(sql: """
            UPDATE funding_grant SET due_state = \(state), updated_at = ?3
            WHERE status IN ('held', 'scheduled', 'approved') AND due_state <> \(state)
            """, arguments: [today.description, notice, millis])
        for studio in try String.fetchAll(db, sql: """
            SELECT DISTINCT studio_id FROM ledger_entry WHERE kind = 'paid'
            AND studio_id NOT IN (SELECT studio_id FROM inspection WHERE status = 'scheduled')
            """) {
            try InspectionSchedule.ensureScheduled(studioID: StudioID(studio), settings: settings, at: millis, in: db)
        }
        let counts = try Row.fetchOne(db, sql: """
            SELECT COALESCE(SUM(due_state = 'due'), 0) AS due, COALESCE(SUM(due_state = 'overdue'), 0) AS overdue
            FROM funding_grant WHERE status IN ('held', 'scheduled', 'approved')
            """)!
        return Outcome(due: counts["due"], overdue: counts["overdue"])
    }
}
