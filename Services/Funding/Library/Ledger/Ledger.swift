import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The kinds of money movement. `granted` commits money to a studio, `cancelled` withdraws an unpaid
/// commitment, `paid` is money that left the federation's account, `expense` is the studio spending it (Art 15).
public enum LedgerEntryKind: String, Codable, Sendable {
    case granted, cancelled, paid, expense
}

/// One append-only ledger line.
struct LedgerEntry: Codable, FetchableRecord, Sendable {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var id: Int64
    var grantId: GrantID
    var studioId: StudioID
    var kind: LedgerEntryKind
    var amountFen: Int64
    var occurredOn: String
    var reference: String?
    var note: String?
    var recordedBy: String
    var recordedAt: Int64
}

/// Balances derived from the ledger, never stored.
public struct Balances: Codable, Sendable, Equatable {
    /// Committed: granted minus cancelled.
    public var granted: Money
    public var paid: Money
    public var spent: Money
    /// Granted but not yet paid.
    public var outstanding: Money { granted - paid }
    /// Paid to the studio and not yet spent.
    public var available: Money { paid - spent }

    public static let zero = Balances(granted: .zero, paid: .zero, spent: .zero)
}

/// The ledger: append and derive. There is deliberately no update or delete (the triggers refuse them too).
enum Ledger {
    static func append(grantID: GrantID, studioID: StudioID, kind: LedgerEntryKind, amount: Money, on day: LocalDate,
                       reference: String? = nil, note: String? = nil, by actor: Agent, at millis: Int64, in db: Database) throws {
        precondition(amount.fen > 0, "ledger amounts are positive; the kind gives the direction")
        try db.execute(sql: """
            INSERT INTO ledger_entry (grant_id, studio_id, kind, amount_fen, occurred_on, reference, note, recorded_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [grantID.rawValue, studioID.rawValue, kind.rawValue, amount.fen, day.description, reference, note, actor.text, millis])
        // Every money movement also goes into the hash-chained audit log, in the same transaction.
        struct Movement: Encodable {
            var studioId: StudioID
            var amountFen: Int64
            var on: String
            var reference: String?
            var note: String?
        }
        let (role, subject) = (actor.role, actor.subject)
        try AuditLog.append(actorRole: role, actorSubject: subject, action: "ledger.\(kind.rawValue)", subject: "grant:\(grantID)",
                            details: Movement(studioId: studioID, amountFen: amount.fen, on: day.description, reference: reference, note: note),
                            at: Millis.date(millis), in: db)
    }

    private static let sums = """
        SELECT COALESCE(SUM(CASE kind WHEN 'granted' THEN amount_fen WHEN 'cancelled' THEN -amount_fen ELSE 0 END), 0) AS granted,
               COALESCE(SUM(CASE kind WHEN 'paid' THEN amount_fen ELSE 0 END), 0) AS paid,
               COALESCE(SUM(CASE kind WHEN 'expense' THEN amount_fen ELSE 0 END), 0) AS spent
        FROM ledger_entry
        """

    static func balances(grantID: GrantID, in db: Database) throws -> Balances {
        try balances(row: Row.fetchOne(db, sql: sums + " WHERE grant_id = ?", arguments: [grantID.rawValue]))
    }

    static func balances(studioID: StudioID, in db: Database) throws -> Balances {
        try balances(row: Row.fetchOne(db, sql: sums + " WHERE studio_id = ?", arguments: [studioID.rawValue]))
    }

    static func entries(studioID: StudioID, in db: Database) throws -> [LedgerEntry] {
        try LedgerEntry.fetchAll(db, sql: "SELECT * FROM ledger_entry WHERE studio_id = ? ORDER BY id", arguments: [studioID.rawValue])
    }

    private static func balances(row: Row?) -> Balances {
        guard let row else { return .zero }
        return Balances(granted: Money(fen: row["granted"]), paid: Money(fen: row["paid"]), spent: Money(fen: row["spent"]))
    }
}
