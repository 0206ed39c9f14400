import Foundation
import GRDB

/// The head of a service's hash-chained audit log (`audit_log`, ServiceKit's `AuditLog`) exported beside each
/// backup: how many entries the chain had and the last one's hash. A chain can be rewritten and re-hashed
/// consistently by someone who holds the database; it cannot be made to agree with a head kept elsewhere.
/// `check` tells whether a database's chain still extends an exported head.
public struct AuditChainHead: Codable, Sendable, Equatable {
    public var service: String
    public var entries: Int
    /// The hash of entry `entries`; nil for an empty log.
    public var lastHash: String?
    public var exportedAt: Date

    public init(service: String, entries: Int, lastHash: String?, exportedAt: Date) {
        self.service = service
        self.entries = entries
        self.lastHash = lastHash
        self.exportedAt = exportedAt
    }

    /// The head of the chain in `db` now.
    public static func read(service: String, at now: Date = Date(), in db: Database) throws -> AuditChainHead {
        let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS entries, (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS last FROM audit_log")
        return AuditChainHead(service: service, entries: row?["entries"] ?? 0, lastHash: row?["last"], exportedAt: now)
    }

    /// The head file written beside a backup copy: `review.sqlite` → `review.audit-head.json`.
    public static func path(besideBackup copy: String) -> String {
        (copy.hasSuffix(".sqlite") ? String(copy.dropLast(".sqlite".count)) : copy) + ".audit-head.json"
    }

    /// Written 0600 (as private as the backups; it is not signed: keep a copy where the database's holder cannot write).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try PrivateFiles.createEmptyFile(path)
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
        try PrivateFiles.restrict(path)
    }

    public static func load(from path: String) throws -> AuditChainHead {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AuditChainHead.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Why the chain in `db` does not extend this head (empty when it does): it is shorter than the head, or its
    /// entry at the head's position has another hash, so history up to the export was rewritten or cut.
    public func problems(in db: Database) throws -> [String] {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") ?? 0
        if count < entries {
            return ["the log has \(count) entries, fewer than the \(entries) exported on \(exportedAt): entries were removed"]
        }
        guard entries > 0 else { return [] }
        let hash = try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE seq = ?", arguments: [entries])
        guard hash == lastHash else {
            return ["entry \(entries) has hash \(hash ?? "none"), the head exported on \(exportedAt) says \(lastHash ?? "none"): the log was rewritten"]
        }
        return []
    }
}
