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
        configuration.prepareDatabase { db in
            // FULL: a 2xx means the change and its events are on disk, not only in the OS cache.
            try db.execute(sql: "PRAGMA synchronous = FULL")
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

    /// SQLite's online backup into `path`: a consistent copy while the service keeps writing.
    public static func backup(_ database: any DatabaseWriter, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let target = try DatabaseQueue(path: path)
        try database.backup(to: target)
        try target.close()
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
