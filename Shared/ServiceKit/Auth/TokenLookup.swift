import GRDB

/// Where `AuthMiddleware` looks a bearer token up.
///
/// A service's file gets a connection of its own for it, read on the request's own thread: the lookup is one cached
/// primary-key read, and an asynchronous read of the pool sent it to a reader's queue and back, two thread
/// wake-ups and two task switches on every authenticated request. The connection is used for nothing else and its
/// read never waits on another task (only, for microseconds, on another request's lookup), so blocking the calling
/// thread cannot deadlock the way a synchronous read of the pool did (a pool's reader can be held by a suspended
/// asynchronous read; `300f44d`). An in-memory database (tests) has no second connection: the lookup reads it as
/// before.
public final class TokenLookup: Sendable {
    private let connection: DatabaseQueue?
    private let fallback: any DatabaseReader

    /// `path`: the service's database file, already migrated (or `:memory:`); `database`: its pool.
    public init(path: String, database: any DatabaseReader) throws {
        fallback = database
        guard path != ":memory:" else {
            connection = nil
            return
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "tokens"
        configuration.prepareDatabase { db in
            // One table's few pages; the cache is dropped at each of the writer's commits anyway.
            try db.execute(sql: "PRAGMA cache_size = -64")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    public func identify(_ token: String) async throws -> Identity? {
        if let connection { return try Self.identify(token, on: connection) }
        return try await fallback.read { db in try Tokens.identify(token, in: db) }
    }

    /// The synchronous read (in an `async` function the call would pick GRDB's asynchronous overload). One SELECT is
    /// consistent in SQLite's own implicit read transaction, so there is no `BEGIN`/`COMMIT` around it (`unsafeRead`).
    private static func identify(_ token: String, on connection: DatabaseQueue) throws -> Identity? {
        try connection.unsafeRead { db in try Tokens.identify(token, in: db) }
    }
}
