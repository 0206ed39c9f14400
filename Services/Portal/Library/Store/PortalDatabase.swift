import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The portal's own SQLite file (`portal.sqlite`): accounts, each account's bearer token per service, the
/// browser sessions and the hash-chained audit log of sign-ins. The portal holds no business data: every
/// application, round and studio stays in its service and is read over HTTP.
public struct PortalDatabase: Sendable {
    public let writer: any DatabaseWriter

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: configuration)
        } else {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // Tokens are held in clear (the portal must present them), so the file is the owner's alone.
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            writer = try ServiceDatabase.openPool(path: path, configuration: configuration)
        }
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        AuditLog.migrate(&migrator)
        migrator.registerMigration("portal-v1") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id TEXT PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    display_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    subject TEXT,
                    password_hash TEXT NOT NULL,
                    must_change_password INTEGER NOT NULL DEFAULT 1,
                    failed_attempts INTEGER NOT NULL DEFAULT 0,
                    locked_until INTEGER,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE account_token (
                    account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    service TEXT NOT NULL,
                    token TEXT NOT NULL,
                    token_id TEXT,
                    PRIMARY KEY (account_id, service)
                );
                CREATE TABLE web_session (
                    id TEXT PRIMARY KEY,
                    data BLOB NOT NULL,
                    expires_at INTEGER
                );
                """)
        }
        migrator.registerMigration("portal-v2-totp") { db in
            // 动态口令 (TOTP), the optional second factor; the last accepted time step refuses a replayed code.
            try db.execute(sql: """
                ALTER TABLE account ADD COLUMN totp_secret TEXT;
                ALTER TABLE account ADD COLUMN totp_last_step INTEGER;
                """)
        }
        // The inbox and the to-do lists it keeps (Store/Todos.swift).
        Todos.migrate(&migrator)
        return migrator
    }

    // MARK: Accounts

    public func insert(_ account: Account, tokens: [PlatformService: IssuedServiceToken]) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO account (id, username, display_name, role, subject, password_hash, must_change_password, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [account.id, account.username, account.displayName, account.role.rawValue, account.subject,
                                 account.passwordHash, account.mustChangePassword, Millis.from(account.createdAt)])
            for (service, token) in tokens {
                try db.execute(sql: "INSERT INTO account_token (account_id, service, token, token_id) VALUES (?, ?, ?, ?)",
                               arguments: [account.id, service.rawValue, token.token, token.id])
            }
            try AuditLog.append(actorRole: "operator", actorSubject: nil, action: "account.created", subject: account.username,
                                details: ["role": account.role.rawValue, "subject": account.subject ?? ""], at: account.createdAt, in: db)
        }
    }

    public func account(username: String) async throws -> Account? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE username = ?", arguments: [username]).map(Account.init(row:))
        }
    }

    public func account(id: String) async throws -> Account? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id]).map(Account.init(row:))
        }
    }

    public func accounts() async throws -> [Account] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY role, username").map(Account.init(row:)) }
    }

    public func tokens(accountID: String) async throws -> [PlatformService: String] {
        try await writer.read { db in
            var tokens: [PlatformService: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT service, token FROM account_token WHERE account_id = ?", arguments: [accountID]) {
                if let service = PlatformService(rawValue: row["service"]) { tokens[service] = row["token"] }
            }
            return tokens
        }
    }

    /// A failed sign-in: counted, and at `lockAfter` failures in a row the account locks until `lockUntil`.
    /// Returns the account's state after the attempt. Every attempt, for an existing account or not, is audited.
    public func recordFailedSignIn(username: String, account: Account?, lockAfter: Int, lockUntil: Date, at now: Date) async throws -> Int {
        try await writer.write { db in
            var failures = 0
            if let account {
                failures = account.failedAttempts + 1
                let locks = failures >= lockAfter
                try db.execute(sql: "UPDATE account SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                               arguments: [failures, locks ? Millis.from(lockUntil) : nil as Int64?, account.id])
                if locks {
                    try AuditLog.append(actorRole: account.role.rawValue, actorSubject: account.subject, action: "account.locked",
                                        subject: account.username, details: ["failures": failures], at: now, in: db)
                }
            }
            try AuditLog.append(actorRole: account?.role.rawValue ?? "anonymous", actorSubject: account?.subject, action: "signin.failed",
                                subject: username, details: ["failures": failures], at: now, in: db)
            return failures
        }
    }

    public func recordSignIn(_ account: Account, at now: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET failed_attempts = 0, locked_until = NULL WHERE id = ?", arguments: [account.id])
            try AuditLog.append(actorRole: account.role.rawValue, actorSubject: account.subject, action: "signin",
                                subject: account.username, details: [String: String](), at: now, in: db)
        }
    }

    public func recordSignOut(_ account: Account, at now: Date) async throws {
        try await writer.write { db in
            try AuditLog.append(actorRole: account.role.rawValue, actorSubject: account.subject, action: "signout",
                                subject: account.username, details: [String: String](), at: now, in: db)
        }
    }

    /// Turns the second factor on with `secret`, or off with nil.
    public func setTOTP(accountID: String, secret: String?, at now: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET totp_secret = ?, totp_last_step = NULL WHERE id = ?", arguments: [secret, accountID])
            let username: String = try String.fetchOne(db, sql: "SELECT username FROM account WHERE id = ?", arguments: [accountID]) ?? accountID
            try AuditLog.append(actorRole: "account", actorSubject: accountID, action: secret == nil ? "totp.disabled" : "totp.enabled",
                                subject: username, details: [String: String](), at: now, in: db)
        }
    }

    /// Records the time step of an accepted code; false when that step (or a later one) was used already.
    public func useTOTPStep(accountID: String, step: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
                           arguments: [step, accountID, step])
            return db.changesCount == 1
        }
    }

    public func setPassword(accountID: String, hash: String, mustChange: Bool, at now: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET password_hash = ?, must_change_password = ? WHERE id = ?",
                           arguments: [hash, mustChange, accountID])
            let username: String = try String.fetchOne(db, sql: "SELECT username FROM account WHERE id = ?", arguments: [accountID]) ?? accountID
            try AuditLog.append(actorRole: "account", actorSubject: accountID, action: mustChange ? "password.reset" : "password.changed",
                                subject: username, details: [String: String](), at: now, in: db)
        }
    }
}

/// A person who signs in to the portal, with one role of the platform and, for a screening body or an expert,
/// the subject (body code, expert id) that the services' tokens carry.
public struct Account: Sendable, Equatable {
    public var id: String
    public var username: String
    public var displayName: String
    public var role: Role
    public var subject: String?
    public var passwordHash: String
    public var mustChangePassword: Bool
    public var failedAttempts: Int
    public var lockedUntil: Date?
    public var disabled: Bool
    public var createdAt: Date
    /// The TOTP secret when the second factor is on.
    public var totpSecret: String?

    public init(id: String = UUID().uuidString.lowercased(), username: String, displayName: String, role: Role, subject: String?,
                passwordHash: String, mustChangePassword: Bool = true, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.subject = subject
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
        failedAttempts = 0
        lockedUntil = nil
        disabled = false
        self.createdAt = createdAt
    }

    init(row: Row) throws {
        id = row["id"]
        username = row["username"]
        displayName = row["display_name"]
        role = try row.stored("role", as: Role.self)
        subject = row["subject"]
        passwordHash = row["password_hash"]
        mustChangePassword = row["must_change_password"]
        failedAttempts = row["failed_attempts"]
        lockedUntil = (row["locked_until"] as Int64?).map(Millis.date)
        disabled = row["disabled"]
        createdAt = Millis.date(row["created_at"])
        totpSecret = row["totp_secret"]
    }
}

/// A bearer token a service issued for one portal account.
public struct IssuedServiceToken: Sendable {
    public var token: String
    public var id: String?
    public init(token: String, id: String?) {
        self.token = token
        self.id = id
    }
}

extension PortalDatabase {
    /// Funding records who acted as "role:token id"; the portal knows which of its accounts holds each token, so a
    /// sign-off or a ledger line reads as the person's account (显示名（用户名）) rather than a token.
    func fundingActorNames(_ actors: [String]) async throws -> [String: String] {
        let ids = Set(actors.compactMap { $0.split(separator: ":", maxSplits: 1).last.map(String.init) })
        guard !ids.isEmpty else { return [:] }
        let rows = try await writer.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT t.token_id, a.display_name, a.username FROM account_token t JOIN account a ON a.id = t.account_id
                WHERE t.service = 'funding' AND t.token_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments(Array(ids)))
        }
        var names: [String: String] = [:]
        for row in rows {
            let tokenID: String = row["token_id"]
            let name = "\(row["display_name"] as String)（\(row["username"] as String)）"
            for actor in actors where actor.hasSuffix(":" + tokenID) { names[actor] = name }
        }
        return names
    }
}
