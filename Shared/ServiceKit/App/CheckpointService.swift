import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Checkpoints the service's WAL in the background, on a connection of its own.
///
/// SQLite's automatic checkpoint runs on the committing connection: every 1,000 WAL pages one commit also copied
/// the WAL back into the database file and fsynced it, and the writer (every write of the service, in order)
/// waited meanwhile; that was the tail of intake's submission latency and of deliveries. A PASSIVE checkpoint
/// never waits for, nor blocks, the writer or the readers: it copies what it can and the next one goes on.
///
/// When it copies: once the writer's `WALMeter` counts `copyFrames` frames committed since the last copy, or `maxAge`
/// after it when fewer were (`CopySchedule`); the meter is looked at every `interval`. Copying by work done instead of by the clock matters at a low rate of commits: a page that many
/// small commits change (an index's leaf, a table's last page) is copied into the file, and the file synced, once
/// per copy, so a copy every 50 ms cost the delivery pair about a fifth of its system calls per event
/// (BENCHMARKS.md, issue 20, seventh round). At intake's peak, 2,048 frames are a few hundredths of a second.
///
/// Under a steady stream of commits a background checkpoint never finishes the WAL: the writer commits more frames
/// while it copies. SQLite starts the WAL again from its beginning only when a write transaction begins on a WAL
/// that is copied to its last frame, so it grew until the automatic checkpoint (the backstop, at 10,000 pages)
/// ran on the commit path and copied everything since the last background checkpoint while the writer waited. So
/// once the WAL holds `restartFrames`, each background checkpoint is followed by one on the writer (`writer`,
/// queued between its batches like any write): no commit can add frames meanwhile, so it copies only what was
/// committed during the background one and leaves the WAL wholly copied, and the next commit starts it again from
/// the beginning.
struct CheckpointService: Service {
    let path: String
    /// The service's own writer, for the short checkpoint that lets the WAL restart.
    let writer: any DatabaseWriter
    /// The writer's count of appended frames.
    let meter: WALMeter
    let logger: Logger
    var interval: Duration = .milliseconds(50)
    /// 4 MiB of 1 KiB pages: well under the backstop's 10,000, and a few hundredths of a second of commits.
    var restartFrames = 4096
    /// Half of `restartFrames`: two copies, then the writer's short one lets the WAL restart.
    var copyFrames = 2048
    var maxAge: Duration = .seconds(1)

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
        var schedule = CopySchedule(copyFrames: copyFrames, maxAge: maxAge, start: .now)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let appended = meter.appendedFrames
            let now = ContinuousClock.now
            if schedule.isDue(appended: appended, now: now) {
                do {
                    let walFrames = try await connection.writeWithoutTransaction { db in try Self.checkpoint(db) }
                    if walFrames >= restartFrames {
                        _ = try await writer.writeWithoutTransaction { db in try Self.checkpoint(db) }
                    }
                    // What was committed while it copied stays pending for the next copy.
                    schedule.copied(upTo: appended, at: now)
                } catch {
                    logger.warning("background checkpoint failed; the next one retries", metadata: ["error": "\(error)"])
                }
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

/// When the background checkpointer copies: once `copyFrames` frames were appended since the last copy, or `maxAge`
/// after the last copy when any were.
struct CopySchedule {
    let copyFrames: Int
    let maxAge: Duration
    /// The meter's count at the last copy.
    private(set) var copiedUpTo = 0
    private(set) var lastCopy: ContinuousClock.Instant

    init(copyFrames: Int, maxAge: Duration, start: ContinuousClock.Instant) {
        self.copyFrames = copyFrames
        self.maxAge = maxAge
        self.lastCopy = start
    }

    func isDue(appended: Int, now: ContinuousClock.Instant) -> Bool {
        let pending = appended - copiedUpTo
        return pending >= copyFrames || (pending > 0 && now - lastCopy >= maxAge)
    }

    mutating func copied(upTo appended: Int, at now: ContinuousClock.Instant) {
        copiedUpTo = appended
        lastCopy = now
    }
}
