import Foundation
import GRDB
import Messaging

/// Opens a service's SQLite file (WAL, foreign keys, busy timeout) and migrates it:
/// the kit's tables, the backbone's, then the service's own.
public enum ServiceDatabase {
    public static func open(path: String, module: some ServiceModule) throws -> any DatabaseWriter {
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
                // backstop for when that one falls behind.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
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
            writer = try DatabasePool(path: path, configuration: configuration)
        }
        try migrator(for: module).migrate(writer)
        return writer
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
