import Foundation
import GRDB
import Logging
import Messaging
import ServiceKit
import ServiceLifecycle
import StudioDomain

/// Runs the scheduler every quarter of an hour beside the server, so grants turn due and overdue, and
/// inspections get scheduled, even when nobody reads them. Stops on SIGTERM.
struct FundingSchedulerService: Service {
    let environment: ServiceEnvironment
    let settings: FundingSettings
    var interval: Duration = .seconds(15 * 60)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = environment.now()
            let settings = settings
            do {
                let outcome = try await environment.database.write { db in
                    try FundingScheduler.run(today: LocalDate.today(now: now), settings: settings, at: Millis.from(now), in: db)
                }
                if outcome.overdue > 0 {
                    environment.logger.notice("grants overdue", metadata: ["overdue": "\(outcome.overdue)", "due": "\(outcome.due)"])
                }
            } catch {
                environment.logger.error("funding scheduler failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
