import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Who did something to money, as stored beside every movement: the role and the token that acted,
/// or the service itself for effects of events.
struct Actor: Sendable, Equatable {
    var text: String

    init(_ identity: Identity) {
        text = "\(identity.role.rawValue):\(identity.subject ?? identity.tokenID)"
    }

    init(event envelopeID: String, source: String) {
        text = "event:\(source):\(envelopeID)"
    }

    /// (role, subject) for the audit log: `finance:tok_…` → ("finance", "tok_…").
    var parts: (String, String?) {
        guard let colon = text.firstIndex(of: ":") else { return (text, nil) }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

}

/// The clock of a request: the instant in ms UTC and the business day in Asia/Shanghai.
struct Moment: Sendable {
    var millis: Int64
    var today: LocalDate

    init(_ date: Date) {
        millis = Millis.from(date)
        today = LocalDate(date)
    }
}

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

extension Problem {
    /// A state-machine refusal: 409 with the article the rule rests on, where one does.
    static func conflict(_ code: String, field: String, article: Article? = nil, zh: String, en: String) -> Problem {
        Problem(.conflict, code: code, field: field, article: article?.reference, zh: zh, en: en)
    }

    static func invalid(_ code: String, field: String, article: Article? = nil, zh: String, en: String) -> Problem {
        .validation([DomainIssue(code: code, field: field, article: article?.reference, messageZh: zh, messageEn: en)])
    }
}

/// The department's and the inspectors' decisions that are not money movements (approvals, releases,
/// budgets, inspection findings, sign-offs and closing) go into the kit's hash-chained audit log too, in the
/// caller's transaction, beside the ledger's money movements.
enum DecisionAudit {
    static func record(_ action: String, subject: String, details: some Encodable, by actor: Actor, at millis: Int64, in db: Database) throws {
        let (role, actorSubject) = actor.parts
        try AuditLog.append(actorRole: role, actorSubject: actorSubject, action: action, subject: subject, details: details,
                            at: Millis.date(millis), in: db)
    }
}
