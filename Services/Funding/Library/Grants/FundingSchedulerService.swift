import Foundation
import GRDB
import Logging
import Messaging
import ServiceKit
import ServiceLifecycle
import StudioDomain

/// Runs the scheduler every quarter of an hour beside the server, so grants turn due and overdue, and
/// inspections get scheduled, without any read writing; it also wakes just after each business midnight
/// (Asia/Shanghai), so a grant turns due on its day. Stops on SIGTERM.
enum FundingSchedulerService {
    static func make(environment: ServiceEnvironment, database: FundingDatabase, interval: Duration = .seconds(15 * 60)) -> PeriodicService {
        PeriodicService("funding scheduler", logger: environment.logger, pause: { pause(after: environment.now(), interval: interval) }) {
            let outcome = try await database.runScheduler(at: environment.moment())
            if outcome.overdue > 0 {
                environment.logger.notice("grants overdue", metadata: ["overdue": "\(outcome.overdue)", "due": "\(outcome.due)"])
            }
        }
    }

    /// The interval, or less when the business day ends sooner (one second past midnight).
    static func pause(after now: Date, interval: Duration) -> Duration {
        let tomorrow = LocalDate(now).adding(days: 1)
        let untilMidnight = tomorrow.startInstant().timeIntervalSince(now) + 1
        return untilMidnight > 0 ? min(interval, .milliseconds(Int64(untilMidnight * 1000))) : interval
    }
}
