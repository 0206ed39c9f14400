import Foundation
import GRDB
import StudioDomain

/// Art 16: 每二年 a joint inspection of each studio that received money. The first falls due two years after
/// the studio's first payment, each next one two years after the previous one's due date.
enum InspectionSchedule {
    static func ensureScheduled(studioID: StudioID, firstPaidOn: LocalDate? = nil, settings: FundingSettings, at millis: Int64, in db: Database) throws {
        let open = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inspection WHERE studio_id = ? AND status = 'scheduled')", arguments: [studioID.rawValue]) ?? false
        guard !open else { return }
        let dueOn: LocalDate
        if let last = try String.fetchOne(db, sql: "SELECT MAX(due_on) FROM inspection WHERE studio_id = ?", arguments: [studioID.rawValue]).map({ try LocalDate(stored: $0, column: "inspection.due_on") }) {
            dueOn = last.adding(years: settings.inspectionIntervalYears)
        } else if let first = try String.fetchOne(db, sql: "SELECT MIN(occurred_on) FROM ledger_entry WHERE studio_id = ? AND kind = 'paid'", arguments: [studioID.rawValue]).map({ try LocalDate(stored: $0, column: "ledger_entry.occurred_on") }) ?? firstPaidOn {
            dueOn = first.adding(years: settings.inspectionIntervalYears)
        } else {
            return  // no money received: nothing to inspect
        }
        try db.execute(sql: "INSERT INTO inspection (id, studio_id, due_on, status, created_at) VALUES (?, ?, ?, 'scheduled', ?)",
                       arguments: [InspectionID.new().rawValue, studioID.rawValue, dueOn.description, millis])
    }
}
