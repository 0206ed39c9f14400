import Foundation

/// A year's grant budget (年度补助经费预算, Art 12–14) and what counts against it, as funding answers
/// `GET /budgets/{year}` (and the list and the setting of it) and the portal's funds desk reads it: one definition
/// for the service and its client. Money is integer fen.
public struct BudgetStanding: Codable, Sendable, Equatable {
    public var year: Int
    /// Nil until the department sets one.
    public var budget: Money?
    /// Scheduled, approved and paid grants of the year.
    public var committed: Money
    /// Grants held because they do not fit (or no budget is set), and how many.
    public var held: Money
    public var heldCount: Int
    /// `budget − committed`; nil while no budget is set.
    public var remaining: Money?
    public var setBy: String?
    public var setAt: Date?

    public init(year: Int, budget: Money?, committed: Money, held: Money, heldCount: Int, remaining: Money?, setBy: String?, setAt: Date?) {
        self.year = year
        self.budget = budget
        self.committed = committed
        self.held = held
        self.heldCount = heldCount
        self.remaining = remaining
        self.setBy = setBy
        self.setAt = setAt
    }
}
