import Foundation
import GRDB
import Logging
import Messaging
import ServiceLifecycle

/// Hourly housekeeping: forgets inbox ids past their retention and fully delivered outbox messages
/// past theirs.
struct MaintenanceService: Service {
    let writer: any DatabaseWriter
    let configuration: ServiceConfiguration
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        // Cancellation (tests tear the application down that way) ends the loop as well as SIGTERM.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let nowMillis = Millis.from(now())
                let pruned = try await writer.write { db in
                    try MessagingOperations.prune(nowMillis: nowMillis, inboxRetention: configuration.inboxRetention,
                                                  outboxRetention: configuration.outboxRetention, in: db)
                }
                if pruned.inbox + pruned.outbox > 0 {
                    logger.info("pruned", metadata: ["inbox": "\(pruned.inbox)", "outbox": "\(pruned.outbox)"])
                }
            } catch {
                logger.error("maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
