import Crypto
import Foundation
import GRDB
import Hummingbird

/// Who may call what. Each token carries one role and, for a screening body or an expert, its subject.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// 初审单位: a county-level federation, city system committee, cluster union or city industry union.
    case screeningBody = "screening_body"
    /// 市总工会经济工作部 (Art 8).
    case department
    /// 专家组成员 (Art 11).
    case expert
    /// 市总工会 (decides the naming, Art 11).
    case federation
    /// 财务部 (Art 16).
    case finance
    /// 经审办 (Art 16).
    case auditOffice = "audit_office"
    /// The people who run the platform: subscriptions, dead letters, replay, tokens.
    case `operator`

    public var nameZh: String {
        switch self {
        case .screeningBody: "初审单位"
        case .department: "经济工作部"
        case .expert: "评审专家"
        case .federation: "市总工会"
        case .finance: "财务部"
        case .auditOffice: "经审办"
        case .operator: "系统运维"
        }
    }

    /// A role that acts for someone specific needs a subject (the body's code, the expert's id).
    public var needsSubject: Bool { self == .screeningBody || self == .expert }
}

/// The caller, once its bearer token checked out.
public struct Identity: Sendable, Equatable {
    public var tokenID: String
    public var role: Role
    public var subject: String?
}

public struct TokenView: Codable, Sendable {
    public var id: String
    public var role: Role
    public var subject: String?
    public var label: String?
    public var createdAt: Date
    public var revokedAt: Date?
}

/// Bearer tokens, stored only as SHA-256 hashes: a stolen database does not yield usable tokens.
/// Tokens are 32 random bytes, so a plain hash (no salt or stretching) is the right tool.
public enum Tokens {
    public static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("kit-tokens-v1") { db in
            try db.execute(sql: """
                CREATE TABLE api_token (
                    id TEXT PRIMARY KEY NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    subject TEXT,
                    label TEXT,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                """)
        }
    }

    public static func hash(_ token: String) -> String {
        ContentHash.sha256Hex(token.utf8)
    }

    /// Issues a token; the plain token is returned once and never stored.
    public static func issue(role: Role, subject: String?, label: String?, nowMillis: Int64, in db: Database) throws -> (token: String, view: TokenView) {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max) }  // SystemRandomNumberGenerator: getrandom(2)
        let token = "qzs_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let id = "tok_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try db.execute(sql: """
            INSERT INTO api_token (id, token_hash, role, subject, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [String(id), hash(token), role.rawValue, subject, label, nowMillis])
        return (token, TokenView(id: String(id), role: role, subject: subject, label: label, createdAt: Millis.date(nowMillis), revokedAt: nil))
    }

    /// Stores the hash of a token made elsewhere (the launcher makes one per role for all services).
    /// Returns false when that token is already known.
    public static func add(token: String, role: Role, subject: String?, label: String?, nowMillis: Int64, in db: Database) throws -> Bool {
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_token WHERE token_hash = ?)", arguments: [hash(token)]) ?? false { return false }
        let id = "tok_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try db.execute(sql: """
            INSERT INTO api_token (id, token_hash, role, subject, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [String(id), hash(token), role.rawValue, subject, label, nowMillis])
        return true
    }

    public static func identify(_ token: String, in db: Database) throws -> Identity? {
        // A cached statement: this runs on every authenticated request, and compiling it each time costs more than the lookup.
        let statement = try db.cachedStatement(sql: "SELECT id, role, subject FROM api_token WHERE token_hash = ? AND revoked_at IS NULL")
        statement.setUncheckedArguments([hash(token)])
        // The cursor's row reads the statement's columns in place (`fetchOne` copies the row first), so the cursor must
        // live until they are read: its end resets the statement, which also ends an implicit read transaction.
        let cursor = try Row.fetchCursor(statement)
        return try withExtendedLifetime(cursor) {
            guard let row = try cursor.next(), let role = Role(rawValue: row[1]) else { return nil }
            return Identity(tokenID: row[0], role: role, subject: row[2])
        }
    }

    public static func list(in db: Database) throws -> [TokenView] {
        try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY created_at").compactMap { row in
            guard let role = Role(rawValue: row["role"]) else { return nil }
            return TokenView(id: row["id"], role: role, subject: row["subject"], label: row["label"],
                             createdAt: Millis.date(row["created_at"]), revokedAt: (row["revoked_at"] as Int64?).map(Millis.date))
        }
    }

    public static func revoke(id: String, nowMillis: Int64, in db: Database) throws -> Bool {
        try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [nowMillis, id])
        return db.changesCount > 0
    }
}

import Messaging
