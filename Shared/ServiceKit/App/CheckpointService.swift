import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Checkpoints the service's WAL in the background, on a connection of its own, a few times a second.
///
/// SQLite's automatic checkpoint runs on the committing connection: every 1,000 WAL pages one commit also copied
/// the WAL back into the database file and fsynced it, and the writer (every write of the service, in order)
/// waited meanwhile; that was the tail of intake's submission latency and of deliveries. A PASSIVE checkpoint
/// never waits for, nor blocks, the writer or the readers: it copies what it can and the next one goes on. The
/// automatic checkpoint stays as a backstop, at 10,000 pages (`ServiceDatabase`), in case this one falls behind.
struct CheckpointService: Service {
    let path: String
    let logger: Logger
    var interval: Duration = .milliseconds(50)

    func run() async throws {
        // A service that returns ends the whole service group, so with nothing to do this one waits for shutdown.
        guard path != ":memory:" else { return await idleUntilShutdown() }
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        configuration.prepareDatabase { db in
            // It reads WAL frames and writes database pages; it needs no cache of its own to speak of.
            try db.execute(sql: "PRAGMA cache_size = -128")
        }
        let connection: DatabaseQueue
        do {
            connection = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            logger.error("checkpointer could not open the database; SQLite's automatic checkpoint remains", metadata: ["error": "\(error)"])
            return await idleUntilShutdown()
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            } catch {
                logger.warning("background checkpoint failed; the next one retries", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        try? connection.close()
    }

    private func idleUntilShutdown() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
