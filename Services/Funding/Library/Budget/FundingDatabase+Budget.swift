import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// The yearly budget: the department sets it, everyone who handles money reads it (`Budgets` derives the standing).
extension FundingDatabase {
    /// A page of years, oldest first (the cursor is the last year shown): every year with a budget or a grant.
    func budgets(page: PageRequest) async throws -> (items: [Budgets.Standing], nextCursor: String?, total: Int) {
        let after = try page.after.map { cursor -> Int in
            guard let year = Int(cursor[0]) else { throw QueryValues.invalidCursor }
            return year
        }
        return try await read { db in
            let years = try Budgets.years(in: db)
            let (shown, next) = page.page(Array(years.filter { after == nil || $0 > after! }.prefix(page.limit + 1))) { [String($0)] }
            return (try shown.map { try Budgets.standing(year: $0, in: db) }, next, years.count)
        }
    }

    func budget(year: Int) async throws -> Budgets.Standing {
        try await read { db in try Budgets.standing(year: year, in: db) }
    }

    /// Sets the year's budget (never below what is committed) and answers its standing.
    func setBudget(year: Int, amount: Money, by actor: Agent, at moment: Moment) async throws -> Budgets.Standing {
        try await write { db in
            try Self.setBudget(year: year, amount: amount, by: actor, at: moment.millis, in: db)
            return try Budgets.standing(year: year, in: db)
        }
    }

    /// Art 13 money within the year's budget: the department sets it, never below what is already committed.
    static func setBudget(year: Int, amount: Money, by actor: Agent, at millis: Int64, in db: Database) throws {
        let committed = try Budgets.committed(year: year, in: db)
        guard amount >= committed else {
            throw Problem.conflict("budget.below_committed", field: "amount", zh: "预算不能低于已承诺金额 \(committed.yuanString) 元",
                                   en: "the budget cannot be below the \(committed.yuanString) yuan already committed")
        }
        try db.execute(sql: """
            INSERT INTO budget (year, amount_fen, set_by, set_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (year) DO UPDATE SET amount_fen = excluded.amount_fen, set_by = excluded.set_by, set_at = excluded.set_at
            """, arguments: [year, amount.fen, actor.text, millis])
        try db.execute(sql: "INSERT INTO budget_change (year, amount_fen, set_by, set_at) VALUES (?, ?, ?, ?)",
                       arguments: [year, amount.fen, actor.text, millis])
        try DecisionAudit.record("budget.set", subject: "budget:\(year)", details: ["amountFen": amount.fen], by: actor, at: millis, in: db)
    }
}
