import Foundation
import GRDB
import Messaging
import ServiceKit
import ServiceLifecycle
import StudioDomain

/// A studio whose cycle ended unassessed does not keep its title for ever (Art 17: the title is kept by a
/// pass). Once the grace period after the cycle's end has passed (`AssessmentSettings.expiryGraceDays`) it
/// is `expired`: off the public register, with a public notice, and `studio.expired` for the replicas. A late
/// assessment that passes restores it; one that fails revokes it.
///
/// While the grace period runs the studio is overdue: the same sweep tells it once per cycle
/// (`studio.assessment_overdue`, the department's to-do in the portal) on the business day it finds it.
///
/// Expiry is written by a sweep that a background service runs at start and hourly, that the demo clock's move
/// runs before it answers, and that recording an assessment runs first. Reads never write: a studio past its
/// grace period shows as expired from the sweep on (within the hour on real time).
enum Expiry {
    /// The first day a studio whose `cycle` ended unassessed is expired.
    static func expiresOn(_ cycle: StudioCycle, graceDays: Int) -> LocalDate { cycle.end.adding(days: graceDays) }

    /// Expires every city studio holding the title whose cycle's grace period has passed by `today`; returns them.
    @discardableResult
    static func sweep(today: LocalDate, graceDays: Int, outbox: Outbox, nowMillis: Int64, in db: Database) throws -> [StudioID] {
        let due = try Row.fetchAll(db, sql: """
            SELECT * FROM studio WHERE status IN ('active', 'demonstration') AND level = 'city' AND cycle_start <= ? ORDER BY id
            """, arguments: [candidateBound(today: today, graceDays: graceDays).description])
            .map(RegisteredStudio.init)
            .filter { today >= expiresOn($0.cycle, graceDays: graceDays) }
        for var studio in due {
            let previous = studio.status
            let cycle = studio.cycle
            let expiredOn = expiresOn(cycle, graceDays: graceDays)
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
            """, arguments: [candidateBound(today: today, graceDays: 0).description])
            .map(RegisteredStudio.init)
            .filter { today >= $0.cycle.end && today < expiresOn($0.cycle, graceDays: graceDays) }
        for studio in overdue {
            try db.execute(sql: "INSERT INTO overdue_report (studio_id, cycle_number, overdue_on, reported_at) VALUES (?, ?, ?, ?)",
                           arguments: [studio.id.rawValue, studio.cycle.number, today.description, nowMillis])
            try outbox.append(StudioAssessmentOverdue(studioID: studio.id, cycle: studio.cycle, overdueOn: today,
                                                      graceEndsOn: expiresOn(studio.cycle, graceDays: graceDays)), in: db)
        }
        return overdue.map(\.id)
    }

    /// Cycles starting after this day cannot have expired by `today` (a cycle lasts at least three calendar
    /// years; the two days' margin covers a 29 February start), so the sweep reads only the few before it.
    static func candidateBound(today: LocalDate, graceDays: Int) -> LocalDate {
        today.adding(days: 2 - graceDays).adding(years: -StudioCycle.lengthInYears)
    }

    /// The sweep on the service's clock: a read that finds no candidate, and a write transaction only when
    /// there is one.
    static func sweep(_ environment: ServiceEnvironment, settings: AssessmentSettings) async throws {
        let now = environment.now()
        let today = LocalDate(now)
        let outbox = environment.outbox
        let grace = settings.expiryGraceDays
        // Overdue (grace 0) is the wider bound: it holds every studio that may expire, less those already told.
        let bound = candidateBound(today: today, graceDays: 0).description
        let expiryBound = candidateBound(today: today, graceDays: grace).description
        let candidates = try await environment.database.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM studio WHERE status IN ('active', 'demonstration') AND level = 'city' AND cycle_start <= ?
                  AND (cycle_start <= ? OR NOT EXISTS (
                    SELECT 1 FROM overdue_report r WHERE r.studio_id = studio.id AND r.cycle_number = studio.cycle_number)))
                """, arguments: [bound, expiryBound]) ?? false
        }
        guard candidates else { return }
        try await environment.database.write { db in
            try sweep(today: today, graceDays: grace, outbox: outbox, nowMillis: Millis.from(now), in: db)
        }
    }

    /// The status a late pass restores an expired studio to: the one it held before it expired.
    static func statusBeforeExpiry(of studio: StudioID, in db: Database) throws -> StudioStatus {
        let from = try String.fetchOne(db, sql: "SELECT from_status FROM title_history WHERE studio_id = ? AND kind = 'expired' ORDER BY id DESC LIMIT 1",
                                       arguments: [studio.rawValue])
        return from.flatMap(StudioStatus.init(rawValue:)).flatMap { $0.holdsTitle ? $0 : nil } ?? .active
    }
}

extension Agent {
    /// The register's own clock: expiry is nobody's decision but the regulation's.
    static let system = Agent(role: "system", subject: "expiry")
}

/// Runs the sweep hourly beside the server, so a studio expires on its day even when nobody reads the
/// register. Stops on SIGTERM.
struct ExpiryService: Service {
    let environment: ServiceEnvironment
    let settings: AssessmentSettings
    var interval: Duration = .seconds(60 * 60)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await Expiry.sweep(environment, settings: settings)
            } catch {
                environment.logger.error("expiry sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
