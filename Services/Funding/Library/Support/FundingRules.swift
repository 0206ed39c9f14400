import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// The largest amount any request may name: ten billion yuan. Far above any budget, and far enough below
/// `Int64` that no sum of ledger entries can overflow.
let largestInputAmount = Money(fen: 1_000_000_000_000)

func amountTooLarge(_ field: String) -> DomainIssue {
    DomainIssue(code: "amount_out_of_range", field: field, messageZh: "金额超出允许范围（最多 100 亿元）", messageEn: "the amount is too large (at most 10 billion yuan)")
}

extension Article {
    static let art12 = Article(12)
    static let art13 = Article(13)
    static let art14 = Article(14)
    static let art15 = Article(15)
    static let art16 = Article(16)
}

/// The department's and the inspectors' decisions that are not money movements (approvals, releases,
/// budgets, inspection findings, sign-offs and closing) go into the kit's hash-chained audit log too, in the
/// caller's transaction, beside the ledger's money movements.
enum DecisionAudit {
    static func record(_ action: String, subject: String, details: some Encodable, by actor: Agent, at millis: Int64, in db: Database) throws {
        try AuditLog.append(actorRole: actor.role, actorSubject: actor.subject, action: action, subject: subject, details: details,
                            at: Millis.date(millis), in: db)
    }
}
