import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Checkpoints the service's WAL in the background, on a connection of its own, a few times a second.
///
/// SQLite's automatic checkpoint runs on the committing connection: every 1,000 WAL pages one commit also copied
/// the WAL back into the database file and fsynced it, and the writer (every write of the service, in order)
/// waited meanwhile; that was the tail of intake's submission latency and of deliveries. A PASSIVE checkpoint
/// never waits for, nor blocks, the writer or the readers: it copies what it can and the next one goes on.
///
/// Under a steady stream of commits a background checkpoint never finishes the WAL: the writer commits more frames
/// while it copies. SQLite starts the WAL again from its beginning only when a write transaction begins on a WAL
/// that is copied to its last frame, so it grew until the automatic checkpoint (the backstop, at 10,000 pages,
/// `ServiceDatabase`) ran on the commit path and copied everything since the last background checkpoint, up to an
/// interval's worth of commits, while the writer waited. So once the WAL holds `restartFrames`, each background
/// checkpoint is followed by one on the writer (`writer`, queued between its batches like any write): no commit
/// can add frames meanwhile, so it copies only what was committed during the background one and leaves the WAL
/// wholly copied, and the next commit starts it again from the beginning.
struct CheckpointService: Service {
    let path: String
    /// The service's own writer, for the short checkpoint that lets the WAL restart (nil: background only).
    var writer: (any DatabaseWriter)? = nil
    let logger: Logger
    var interval: Duration = .milliseconds(50)
    /// 4 MiB of 1 KiB pages: well under the backstop's 10,000, and a few hundredths of a second of commits.
    var restartFrames = 4096

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
                let walFrames = try await connection.writeWithoutTransaction { db in try Self.checkpoint(db) }
                if walFrames >= restartFrames, let writer {
                    _ = try await writer.writeWithoutTransaction { db in try Self.checkpoint(db) }
                }
            } catch {
                logger.warning("background checkpoint failed; the next one retries", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        try? connection.close()
    }

    /// `PRAGMA wal_checkpoint(PASSIVE)`; the frames in the WAL (its second column).
    static func checkpoint(_ db: Database) throws -> Int {
        try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")?[1] ?? 0
    }

    private func idleUntilShutdown() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
