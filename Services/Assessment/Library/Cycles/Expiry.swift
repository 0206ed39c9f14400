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



    /// Cycles starting after this day cannot have expired by `today` (a cycle lasts at least three calendar
    /// years; the two days' margin covers a 29 February start), so the sweep reads only the few before it.
    static func candidateBound(today: LocalDate, graceDays: Int) -> LocalDate {
        today.adding(days: 2 - graceDays).adding(years: -StudioCycle.lengthInYears)
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
enum ExpiryService {
    static func make(environment: ServiceEnvironment, database: AssessmentDatabase, interval: Duration = .seconds(60 * 60)) -> PeriodicService {
        PeriodicService("expiry sweep", logger: environment.logger, pause: { interval }) {
            try await database.sweepExpiry(at: environment.moment())
        }
    }
}
