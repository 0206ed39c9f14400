import CWALBuffer
import Foundation
import GRDB
import Messaging

/// Opens a service's SQLite file (WAL, foreign keys, busy timeout) and migrates it:
/// the kit's tables, the backbone's, then the service's own.
public enum ServiceDatabase {
    /// `walMeter`: the writer's count of the WAL frames it appends, for `CheckpointService`; it becomes the writer's WAL
    /// hook and keeps the automatic checkpoint's backstop (nil: SQLite's automatic checkpoint, at the same 10,000).
    public static func open(path: String, module: some ServiceModule, walMeter: WALMeter? = nil) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        // Three readers, not GRDB's five: a service's reads are short (a request, a dispatcher pass), and each reader
        // keeps a page cache (part of the footprint budget in BENCHMARKS.md).
        configuration.maximumReaderCount = 3
        configuration.prepareDatabase { db in
            // FULL: a 2xx means the change and its events are on disk, not only in the OS cache.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if !db.configuration.readonly {
                // `CheckpointService` checkpoints in the background; the writer's own (on the commit path) is a
                // backstop for when that one falls behind: the meter's, or SQLite's automatic one.
                if let walMeter {
                    walMeter.install(on: db)
                } else {
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALMeter.defaultBackstop)")
                }
                // Group commit runs each caller's work in a savepoint, and a batch's savepoint journal outgrew SQLite's
                // 64 KiB in-memory spill threshold: a temporary file opened, written and closed per batch (`openat`,
                // `pwrite64`, `close` in `studiobench --only counters`). In memory it is the pages the batch changed,
                // dropped at its commit; durability is the WAL's, unchanged.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
            if db.configuration.readonly {
                // A reader's cache is dropped whenever the writer commits (WAL), which under load is all the time:
                // 512 KiB instead of 2 MiB costs nothing there and keeps the resident size down.
                try db.execute(sql: "PRAGMA cache_size = -512")
            }
        }
        let writer: any DatabaseWriter
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: configuration)
        } else {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            writer = try openPool(path: path, configuration: configuration)
        }
        try migrator(for: module).migrate(writer)
        return writer
    }

    /// The page size of every service's file (and the portal's). SQLite appends a whole page to the WAL for each
    /// page a commit changes, and a submission changes about one leaf page in each of some twenty B-trees (its
    /// tables and their indexes) whatever their size: 4,096-byte pages (SQLite's default) made a submission
    /// append about 100 KB to the WAL for about 6 KB of new rows. With 1,024-byte pages each touched index leaf
    /// costs a quarter of that; a 2 KB form row spills into overflow pages of the same small size. More, smaller
    /// frames would mean more `pwrite` calls, two a frame, but the WAL buffer (`registerWALBuffer`) writes a
    /// transaction's frames together. 2,048 and 4,096 were measured beside it (BENCHMARKS.md, issue 20).
    public static let pageSize = 1024

    /// A WAL `DatabasePool` on `path` whose writer syncs every commit, in pages of `pageSize`.
    ///
    /// `synchronous = FULL` is set again once the pool is open: `DatabasePool` turns WAL on after the
    /// configuration's `prepareDatabase` has run and sets `synchronous = NORMAL` on its writer as it does
    /// (GRDB's `setUpWALMode`), which in WAL mode syncs only at checkpoints, so a commit acknowledged with a 2xx
    /// could be lost to a power cut. The pool keeps that one writer connection for its life (`ServiceDatabaseTests`).
    ///
    /// A new file gets `pageSize` before its first table; an existing file in another page size is rebuilt
    /// into it once (`PRAGMA page_size` then `VACUUM`, which SQLite allows only outside WAL mode, so it runs in
    /// rollback-journal mode, atomic as any transaction, before the pool opens).
    public static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        try registerWALBuffer()
        var configuration = configuration
        configuration.prepareDatabase { db in
            if !db.configuration.readonly, try Int.fetchOne(db, sql: "PRAGMA page_count") == 0 {
                try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            }
        }
        if FileManager.default.fileExists(atPath: path) { try convertPageSize(path: path) }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    /// The process's default SQLite VFS becomes the system's with the WAL's writes combined
    /// (`Shared/CWALBuffer/wal_buffer.c`): SQLite writes each frame it appends to the WAL as two `pwrite` calls, its
    /// 24-byte header and its page, so a commit of 30 pages made 60 system calls before its fsync; the shim hands a
    /// transaction's frames to the kernel together (64 KiB a write), before SQLite publishes them and before every sync, so what
    /// is on disk at each fsync, and what another connection can read, is unchanged (`WALBufferTests`).
    static func registerWALBuffer() throws {
        let code = studio_wal_buffer_register()
        guard code == 0 else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot register the WAL write-combining VFS") }
    }

    private static func convertPageSize(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .default
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.writeWithoutTransaction { db in
            guard let pages = try Int.fetchOne(db, sql: "PRAGMA page_count"), pages > 0,
                  let size = try Int.fetchOne(db, sql: "PRAGMA page_size"), size != pageSize else { return }
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
    }

    /// SQLite's online backup into `path`: a consistent copy while the service keeps writing, mode 0600 in
    /// folders this creates 0700 (the copy holds the same personal data as the database).
    public static func backup(_ database: any DatabaseWriter, to path: String) throws {
        try PrivateFiles.createEmptyFile(path)
        let target = try DatabaseQueue(path: path)
        try database.backup(to: target)
        try target.close()
        try PrivateFiles.restrict(path)
    }

    public static func migrator(for module: some ServiceModule) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        Tokens.migrate(&migrator)
        AuditLog.migrate(&migrator)
        MessagingSchema.register(in: &migrator)
        module.registerMigrations(&migrator)
        return migrator
    }
}
