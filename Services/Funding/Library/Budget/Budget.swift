import Foundation
import Messaging
import GRDB
import ServiceKit
import StudioDomain

/// The yearly grant budget the department sets. Commitments (scheduled, approved and paid grants of the
/// year) count against it; a grant that does not fit is held, never dropped and never silently paid.
enum Budgets {
    /// The year's standing, as the portal reads it too (`StudioDomain`).
    typealias Standing = BudgetStanding

    static func budget(year: Int, in db: Database) throws -> Money? {
        try Int64.fetchOne(db, sql: "SELECT amount_fen FROM budget WHERE year = ?", arguments: [year]).map(Money.init(fen:))
    }

    static func committed(year: Int, in db: Database) throws -> Money {
        Money(fen: try Int64.fetchOne(db, sql: """
            SELECT COALESCE(SUM(amount_fen), 0) FROM funding_grant WHERE year = ? AND status IN ('scheduled', 'approved', 'paid')
            """, arguments: [year]) ?? 0)
    }

    /// Nil when `amount` fits into the year's budget; otherwise why not, in both languages.
    static func holdReason(year: Int, adding amount: Money, in db: Database) throws -> (code: String, zh: String, en: String)? {
        guard let budget = try budget(year: year, in: db) else {
            return ("budget.not_set", "\(year) 年度补助经费预算尚未设定，待经济工作部决定",
                    "no grant budget is set for \(year); waiting for the department's decision")
        }
        let committed = try committed(year: year, in: db)
        guard committed + amount <= budget else {
            return ("budget.exceeded",
                    "超出 \(year) 年度预算：预算 \(budget.yuanString) 元，已承诺 \(committed.yuanString) 元，本笔 \(amount.yuanString) 元",
                    "exceeds the \(year) budget: budget \(budget.yuanString) yuan, committed \(committed.yuanString), this grant \(amount.yuanString)")
        }
        return nil
    }

    static func standing(year: Int, in db: Database) throws -> Standing {
        let row = try Row.fetchOne(db, sql: "SELECT * FROM budget WHERE year = ?", arguments: [year])
        let budget = row.map { Money(fen: $0["amount_fen"]) }
        let committed = try committed(year: year, in: db)
        let held = try Row.fetchOne(db, sql: "SELECT COALESCE(SUM(amount_fen), 0) AS total, COUNT(*) AS n FROM funding_grant WHERE year = ? AND status = 'held'", arguments: [year])!
        return Standing(year: year, budget: budget, committed: committed, held: Money(fen: held["total"]), heldCount: held["n"],
                        remaining: budget.map { $0 - committed }, setBy: row?["set_by"],
                        setAt: (row?["set_at"] as Int64?).map (Millis.date))
    }

    static func years(in db: Database) throws -> [Int] {
        try Int.fetchAll(db, sql: "SELECT year FROM budget UNION SELECT year FROM funding_grant ORDER BY 1")
    }
}
