import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Expiry (Art 17: the title is kept by a pass; see `Expiry`): the sweep, and the once-per-cycle overdue notice.
extension AssessmentDatabase {
    /// The sweep on the service's clock: a read that finds no candidate, and a write transaction only when
    /// there is one.
    func sweepExpiry(at moment: Moment) async throws {
        let today = moment.today
        let outbox = self.outbox
        let grace = settings.expiryGraceDays
        // Overdue (grace 0) is the wider bound: it holds every studio that may expire, less those already told.
        let bound = Expiry.candidateBound(today: today, graceDays: 0).description
        let expiryBound = Expiry.candidateBound(today: today, graceDays: grace).description
        let candidates = try await read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM studio WHERE status IN ('active', 'demonstration') AND level = 'city' AND cycle_start <= ?
                  AND (cycle_start <= ? OR NOT EXISTS (
                    SELECT 1 FROM overdue_report r WHERE r.studio_id = studio.id AND r.cycle_number = studio.cycle_number)))
                """, arguments: [bound, expiryBound]) ?? false
        }
        guard candidates else { return }
        try await write { db in
            _ = try Self.expire(today: today, graceDays: grace, outbox: outbox, nowMillis: moment.millis, in: db)
        }
    }

    /// Expires every city studio holding the title whose cycle's grace period has passed by `today`; returns them.
    @discardableResult
    static func expire(today: LocalDate, graceDays: Int, outbox: Outbox, nowMillis: Int64, in db: Database) throws -> [StudioID] {
        let due = try Row.fetchAll(db, sql: """
            SELECT * FROM studio WHERE status IN ('active', 'demonstration') AND level = 'city' AND cycle_start <= ? ORDER BY id
            """, arguments: [Expiry.candidateBound(today: today, graceDays: graceDays).description])
            .map(RegisteredStudio.init)
            .filter { today >= Expiry.expiresOn($0.cycle, graceDays: graceDays) }
        for var studio in due {
            let previous = studio.status
            let cycle = studio.cycle
            let expiredOn = Expiry.expiresOn(cycle, graceDays: graceDays)
            studio.status = .expired
            studio.updatedAt = nowMillis
            try studio.update(db)
            let notice = PublicNotice(id: .new(), expiryOf: studio, cycle: cycle, graceDays: graceDays, expiredOn: expiredOn)
            try notice.insert(actor: .system, nowMillis: nowMillis, in: db)
            try TitleHistory.append(
                studio: studio.id, kind: .expired, from: previous, to: .expired,
                detailsZh: "第\(cycle.number)周期于 \(cycle.lastDay) 期满，期满后 \(graceDays) 日内未经考核，称号到期；通报 \(notice.id)。",
                reference: "notice:\(notice.id.rawValue)", effectiveOn: expiredOn, actor: .system, nowMillis: nowMillis, in: db)
            try outbox.append(StudioExpired(studioID: studio.id, cycle: cycle, expiredOn: expiredOn, noticeID: notice.id), in: db)
        }
        try reportOverdue(today: today, graceDays: graceDays, outbox: outbox, nowMillis: nowMillis, in: db)
        return due.map(\.id)
    }

    /// Tells once per cycle (`studio.assessment_overdue`) of every city studio holding the title whose cycle has
    /// ended unassessed and whose grace period is running; returns them. Runs after the expiry above, so a studio
    /// already past its grace period is told only that it expired.
    @discardableResult
    static func reportOverdue(today: LocalDate, graceDays: Int, outbox: Outbox, nowMillis: Int64, in db: Database) throws -> [StudioID] {
        let overdue = try Row.fetchAll(db, sql: """
            SELECT * FROM studio WHERE status IN ('active', 'demonstration') AND level = 'city' AND cycle_start <= ?
              AND NOT EXISTS (SELECT 1 FROM overdue_report r WHERE r.studio_id = studio.id AND r.cycle_number = studio.cycle_number)
            ORDER BY id
            """, arguments: [Expiry.candidateBound(today: today, graceDays: 0).description])
            .map(RegisteredStudio.init)
            .filter { today >= $0.cycle.end && today < Expiry.expiresOn($0.cycle, graceDays: graceDays) }
        for studio in overdue {
            try db.execute(sql: "INSERT INTO overdue_report (studio_id, cycle_number, overdue_on, reported_at) VALUES (?, ?, ?, ?)",
                           arguments: [studio.id.rawValue, studio.cycle.number, today.description, nowMillis])
            try outbox.append(StudioAssessmentOverdue(studioID: studio.id, cycle: studio.cycle, overdueOn: today,
                                                      graceEndsOn: Expiry.expiresOn(studio.cycle, graceDays: graceDays)), in: db)
        }
        return overdue.map(\.id)
    }
}
