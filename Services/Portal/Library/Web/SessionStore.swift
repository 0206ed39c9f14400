import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceLifecycle
import StudioDomain

/// What a browser session carries: the signed-in account (nil before sign-in) and the session's CSRF token,
/// which every form posts back.
public struct PortalSession: Codable, Sendable {
    public var accountID: String?
    public var csrf: String
    /// A one-time message for the next page (POST, then redirect, then this).
    public var flash: String?
    /// The account whose password was right and whose second factor is still to come.
    public var pendingAccountID: String?
    /// A TOTP secret shown for enrolment, until a code confirms it.
    public var pendingTOTPSecret: String?

    public init(accountID: String? = nil, csrf: String = PortalSession.newToken(), flash: String? = nil, pendingAccountID: String? = nil) {
        self.accountID = accountID
        self.csrf = csrf
        self.flash = flash
        self.pendingAccountID = pendingAccountID
    }

    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}

/// hummingbird-auth's session storage, kept in `portal.sqlite` so sessions survive a restart and a signed-out
/// session is gone for good.
public struct SQLiteSessionDriver: PersistDriver {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiresAt = expires.map { Millis.from(Date()) + $0.milliseconds }
        do {
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO web_session (id, data, expires_at) VALUES (?, ?, ?)", arguments: [key, data, expiresAt])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw PersistError.duplicate
        }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiresAt = expires.map { Millis.from(Date()) + $0.milliseconds }
        try await writer.write { db in
            if let expiresAt {
                try db.execute(sql: """
                    INSERT INTO web_session (id, data, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at
                    """, arguments: [key, data, expiresAt])
            } else {
                try db.execute(sql: """
                    INSERT INTO web_session (id, data, expires_at) VALUES (?, ?, NULL)
                    ON CONFLICT(id) DO UPDATE SET data = excluded.data
                    """, arguments: [key, data])
            }
        }
    }

    public func get<Object: Codable & Sendable>(key: String, as object: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: object)?.object
    }

    public func getWithTTL<Object: Codable & Sendable>(key: String, as object: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = Millis.from(Date())
        guard let row = try await writer.read({ db in
            try Row.fetchOne(db, sql: "SELECT data, expires_at FROM web_session WHERE id = ?", arguments: [key])
        }) else { return nil }
        let expiresAt: Int64? = row["expires_at"]
        if let expiresAt, expiresAt <= now { return nil }
        let data: Data = row["data"]
        guard let value = try? JSONDecoder().decode(Object.self, from: data) else { throw PersistError.invalidConversion }
        return (value, expiresAt.map { .milliseconds($0 - now) })
    }

    public func remove(key: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM web_session WHERE id = ?", arguments: [key]) }
    }

    /// Drops expired sessions now and then until shutdown.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await writer.write { db in
                try db.execute(sql: "DELETE FROM web_session WHERE expires_at IS NOT NULL AND expires_at <= ?", arguments: [Millis.from(Date())])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(600)) }
        }
    }
}
