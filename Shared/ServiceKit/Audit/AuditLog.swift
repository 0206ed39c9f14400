import Foundation
import GRDB
import Messaging
import StudioDomain

/// The tamper-evident log of decisions and money movements: every entry carries the SHA-256 of the
/// previous entry and of its own content, so an edit anywhere breaks the chain from that entry on.
/// Append inside the transaction of the decision itself, so an entry exists exactly when the decision does.
public enum AuditLog {
    public static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("kit-audit-v1") { db in
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    actor_role TEXT NOT NULL,
                    actor_subject TEXT,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    details TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                -- The application only ever appends; these stop an accidental edit through it.
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var seq: Int64
        public var at: Date
        public var actorRole: String
        public var actorSubject: String?
        public var action: String
        public var subject: String
        public var details: String
        public var prevHash: String
        public var hash: String
    }

    static let genesis = String(repeating: "0", count: 64)

    /// Appends an entry; `details` is any JSON-encodable value (amounts in fen, reasons, …).
    @discardableResult
    public static func append(actorRole: String, actorSubject: String?, action: String, subject: String,
                              details: some Encodable, at: Date, in db: Database) throws -> Entry {
        let detailsText = try detailsJSON(details)
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
        let seq = (last?["seq"] as Int64? ?? 0) + 1
        let prevHash = last?["hash"] as String? ?? genesis
        let millis = Millis.from(at)
        let hash = digest(seq: seq, at: millis, actorRole: actorRole, actorSubject: actorSubject, action: action,
                          subject: subject, details: detailsText, prevHash: prevHash)
        try db.cachedStatement(sql: """
            INSERT INTO audit_log (seq, at, actor_role, actor_subject, action, subject, details, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [seq, millis, actorRole, actorSubject, action, subject, detailsText, prevHash, hash])
        return Entry(seq: seq, at: Millis.date(millis), actorRole: actorRole, actorSubject: actorSubject, action: action,
                     subject: subject, details: detailsText, prevHash: prevHash, hash: hash)
    }

    /// `details` as `DomainJSON.encoder()` writes it. The most common details, a few named strings, are written
    /// directly (keys in the encoder's order, the encoder's escapes): an entry is appended inside the decision's own
    /// transaction, on the single writer, and the encoder cost more there than the row. `AuditLogTests` holds the bytes equal.
    static func detailsJSON(_ details: some Encodable) throws -> String {
        // Keys of plain printable ASCII only: for those the encoder's order is the bytes' order, and nothing is escaped.
        guard let fields = details as? [String: String],
              fields.keys.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }) else {
            return String(decoding: try DomainJSON.encoder().encode(details), as: UTF8.self)
        }
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (index, key) in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            DomainJSON.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            DomainJSON.appendString(fields[key]!, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func digest(seq: Int64, at: Int64, actorRole: String, actorSubject: String?, action: String,
                       subject: String, details: String, prevHash: String) -> String {
        // Length-prefixed fields: no two different entries can serialise to the same bytes.
        let fields = [String(seq), String(at), actorRole, actorSubject ?? "\u{0}", action, subject, details, prevHash]
        return ContentHash.sha256Hex(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8)
    }

    public struct Verification: Codable, Sendable, Equatable {
        public var entries: Int
        public var intact: Bool
        /// The first entry whose content or link does not match, with why.
        public var firstBroken: Int64?
        public var problem: String?
        /// The hash of the last entry. Kept somewhere else (a printout, another machine), it also
        /// exposes a tail that was cut off and rewritten, which a chain alone cannot.
        public var headHash: String?
    }

    /// Walks the chain from the first entry and names the first one that does not match.
    public static func verify(in db: Database) throws -> Verification {
        var previous = genesis
        var expectedSeq: Int64 = 1
        var count = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
        while let row = try cursor.next() {
            count += 1
            let seq: Int64 = row["seq"]
            if seq != expectedSeq {
                return Verification(entries: count, intact: false, firstBroken: expectedSeq, problem: "entry \(expectedSeq) is missing", headHash: nil)
            }
            let stored: String = row["hash"]
            let prev: String = row["prev_hash"]
            if prev != previous {
                return Verification(entries: count, intact: false, firstBroken: seq, problem: "entry \(seq) does not link to entry \(seq - 1)", headHash: nil)
            }
            let recomputed = digest(seq: seq, at: row["at"], actorRole: row["actor_role"], actorSubject: row["actor_subject"],
                                    action: row["action"], subject: row["subject"], details: row["details"], prevHash: prev)
            if recomputed != stored {
                return Verification(entries: count, intact: false, firstBroken: seq, problem: "entry \(seq) was altered after it was written", headHash: nil)
            }
            previous = stored
            expectedSeq += 1
        }
        return Verification(entries: count, intact: true, firstBroken: nil, problem: nil, headHash: count == 0 ? nil : previous)
    }

    public static func entries(after seq: Int64, limit: Int, in db: Database) throws -> [Entry] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]).map { row in
            Entry(seq: row["seq"], at: Millis.date(row["at"]), actorRole: row["actor_role"], actorSubject: row["actor_subject"],
                  action: row["action"], subject: row["subject"], details: row["details"], prevHash: row["prev_hash"], hash: row["hash"])
        }
    }
}

extension AuditLog {
    /// Appends an entry for the caller of a request.
    @discardableResult
    public static func append(_ identity: Identity, action: String, subject: String, details: some Encodable, at: Date, in db: Database) throws -> Entry {
        try append(actorRole: identity.role.rawValue, actorSubject: identity.subject, action: action, subject: subject, details: details, at: at, in: db)
    }
}
