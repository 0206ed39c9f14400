import Foundation
import GRDB
import Logging
import Messaging

/// Hourly housekeeping: forgets inbox ids past their retention and fully delivered outbox messages
/// past theirs.
enum Maintenance {
    static func service(writer: any DatabaseWriter, configuration: ServiceConfiguration, logger: Logger, now: @escaping @Sendable () -> Date) -> PeriodicService {
        PeriodicService("maintenance", logger: logger, pause: { .seconds(3600) }) {
            let nowMillis = Millis.from(now())
            let pruned = try await writer.write { db in
                try MessagingOperations.prune(nowMillis: nowMillis, inboxRetention: configuration.inboxRetention,
                                              outboxRetention: configuration.outboxRetention, in: db)
            }
            if pruned.inbox + pruned.outbox > 0 {
                logger.info("pruned", metadata: ["inbox": "\(pruned.inbox)", "outbox": "\(pruned.outbox)"])
            }
        }
    }
}
