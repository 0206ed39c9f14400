import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// A studio's spending (Art 15): recorded against a grant within its available balance, an other cost approved by
/// the department first, and the department's list of unrelated kinds that are never spent on.
extension FundingDatabase {
    func expenses(studio: StudioID, _ filter: Expenses.Filter, page: PageRequest) async throws -> (items: [Expenses.View], nextCursor: String?, total: Int) {
        try await read { db in try Expenses.page(studioID: studio, filter, page: page, in: db) }
    }

    func recordExpense(studio: StudioID, _ input: Expenses.Input, by actor: Agent, at moment: Moment) async throws -> Expenses.View {
        let settings = self.settings
        return try await write { db in
            try Self.requireStudio(studio, in: db)
            return try Self.recordExpense(studioID: studio, input, by: actor, at: moment, settings: settings, in: db)
        }
    }

    func decideExpense(_ id: String, _ input: Expenses.Decision, by actor: Agent, at moment: Moment) async throws -> Expenses.View {
        let settings = self.settings
        return try await write { db in try Self.decideExpense(id, input, by: actor, at: moment, settings: settings, in: db) }
    }

    func unrelatedKinds() async throws -> Expenses.UnrelatedKinds {
        Expenses.UnrelatedKinds(article: Article(15).reference, keywords: try await read { db in try Expenses.unrelatedKinds(in: db) })
    }

    func replaceUnrelatedKinds(_ keywords: [String], by actor: Agent, at moment: Moment) async throws -> Expenses.UnrelatedKinds {
        try await write { db in try Self.replaceUnrelatedKinds(keywords, by: actor, at: moment, in: db) }
    }

    func receipt(_ id: String, of expense: String) async throws -> (fileName: String, content: Data)? {
        try await read { db in try Expenses.receipt(id, of: expense, in: db) }
    }

    /// Art 15: a named category enters the ledger at once, within the grant's available balance; an other cost waits for
    /// the department's approval; an unrelated kind is refused.
    static func recordExpense(studioID: StudioID, _ input: Expenses.Input, by actor: Agent, at moment: Moment, settings: FundingSettings, in db: Database) throws -> Expenses.View {
        let (kind, purpose, spentOn, receipts) = try Expenses.validate(input, today: moment.today, unrelated: try Expenses.unrelatedKinds(in: db))
        let category = kind.category
        guard let grant = try GrantRecord.find(input.grantId, in: db), grant.studioId == studioID else {
            throw Problem.invalid("expense.grant_unknown", field: "grantId", zh: "该工作室没有补助 \(input.grantId)", en: "the studio has no grant \(input.grantId)")
        }
        guard grant.status != .cancelled else {
            throw Problem.conflict("expense.grant_cancelled", field: "grantId", zh: "补助 \(grant.reference) 已取消，不能列支", en: "grant \(grant.reference) is cancelled; nothing can be spent against it")
        }
        let overBalance = try Expenses.checkBalance(input.amount, grant: grant, settings: settings, in: db)
        let id = "exp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let description = input.description.trimmingCharacters(in: .whitespacesAndNewlines)
        var otherKind: String?, justification: String?
        if case .other(let kind, let why) = kind { otherKind = kind; justification = why }
        try db.execute(sql: """
            INSERT INTO expense (id, studio_id, grant_id, category, other_kind, justification, purpose, amount_fen, spent_on, description,
                                 over_balance, approval, recorded_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, studioID.rawValue, grant.id.rawValue, category.rawValue, otherKind, justification, purpose.rawValue, input.amount.fen,
                             spentOn.description, description, overBalance, otherKind == nil ? "notNeeded" : "pending", actor.text, moment.millis])
        for (receipt, data) in receipts {
            try db.execute(sql: "INSERT INTO expense_receipt (id, expense_id, file_name, content_type, sha256, content) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: ["rcp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20), id,
                                       receipt.fileName, FileContent.checkedType(of: data), ContentHash.sha256Hex(data), data])
        }
        // An other cost enters the books when the department approves it
        if otherKind == nil {
            try Ledger.append(grantID: grant.id, studioID: studioID, kind: .expense, amount: input.amount, on: spentOn, reference: id,
                              note: "\(category.nameZh)／\(purpose.nameZh)：\(description)", by: actor, at: moment.millis, in: db)
        } else {
            try DecisionAudit.record("expense.submitted_for_approval", subject: "expense:\(id)",
                                     details: ["studioId": studioID.rawValue, "grantId": grant.id.rawValue, "kind": otherKind ?? "", "amountFen": String(input.amount.fen),
                                               "justification": justification ?? ""],
                                     by: actor, at: moment.millis, in: db)
        }
        return try Expenses.list(studioID: studioID, id: id, in: db)[0]
    }

    /// The department approves an other cost (it enters the ledger, within the balance) or rejects it (it never does).
    static func decideExpense(_ id: String, _ input: Expenses.Decision, by actor: Agent, at moment: Moment, settings: FundingSettings, in db: Database) throws -> Expenses.View {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM expense WHERE id = ?", arguments: [id]) else {
            throw Problem.notFound("expense", zh: "支出", id: id)
        }
        let note = input.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        var issues: [DomainIssue] = []
        if input.decision != "approve" && input.decision != "reject" {
            issues.append(DomainIssue(code: "expense.decision", field: "decision", messageZh: "decision 须为 approve（同意）或 reject（不同意）", messageEn: "decision must be approve or reject"))
        }
        if input.decision == "reject" && (note ?? "").isEmpty {
            issues.append(DomainIssue(code: "expense.note_required", field: "note", article: Article.art15, messageZh: "不同意列支须说明理由", messageEn: "a rejection needs a note"))
        }
        if (input.note?.unicodeScalars.count ?? 0) > 1000 {
            issues.append(DomainIssue(code: "expense.note", field: "note", messageZh: "说明不超过 1000 字", messageEn: "a note is at most 1000 characters"))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let approval: String = row["approval"]
        guard approval == "pending" else {
            throw Problem.conflict("expense.not_pending", field: "id", article: .art15,
                                   zh: approval == "notNeeded" ? "该开支属于第十五条列明的类别，无需审核" : "该开支已审核（\(approval)）",
                                   en: approval == "notNeeded" ? "the expense is of a named category and needs no approval" : "the expense was already decided (\(approval))")
        }
        let studioID = StudioID(row["studio_id"] as String)
        let amount = Money(fen: row["amount_fen"])
        if input.decision == "approve" {
            guard let grant = try GrantRecord.find(GrantID(row["grant_id"] as String), in: db), grant.status != .cancelled else {
                throw Problem.conflict("expense.grant_cancelled", field: "grantId", zh: "补助已取消，不能列支", en: "the grant is cancelled; nothing can be spent against it")
            }
            let overBalance = try Expenses.checkBalance(amount, grant: grant, settings: settings, in: db)
            try db.execute(sql: "UPDATE expense SET approval = 'approved', over_balance = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
                           arguments: [overBalance, actor.text, moment.millis, note, id])
            let purpose = try row.stored("purpose", as: ExpensePurpose.self).nameZh
            try Ledger.append(grantID: grant.id, studioID: studioID, kind: .expense, amount: amount, on: try row.day("spent_on"),
                              reference: id, note: "\(row["other_kind"] as String? ?? "")（经审核同意）／\(purpose)：\(row["description"] as String)",
                              by: actor, at: moment.millis, in: db)
        } else {
            try db.execute(sql: "UPDATE expense SET approval = 'rejected', decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?",
                           arguments: [actor.text, moment.millis, note, id])
        }
        try DecisionAudit.record("expense.\(input.decision == "approve" ? "approved" : "rejected")", subject: "expense:\(id)",
                                 details: ["studioId": studioID.rawValue, "amountFen": String(amount.fen), "note": note ?? ""],
                                 by: actor, at: moment.millis, in: db)
        return try Expenses.list(studioID: studioID, id: id, in: db)[0]
    }

    /// The department replaces its list of unrelated kinds (each 1–20 characters, at most 100).
    static func replaceUnrelatedKinds(_ keywords: [String], by actor: Agent, at moment: Moment, in db: Database) throws -> Expenses.UnrelatedKinds {
        let cleaned = keywords.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var issues: [DomainIssue] = []
        for (index, keyword) in cleaned.enumerated() where keyword.isEmpty || keywords[index].unicodeScalars.count > 20 {
            issues.append(DomainIssue(code: "expense.unrelated_keyword", field: "keywords[\(index)]", article: Article.art15,
                                      messageZh: "无关开支的名称须为 1 至 20 个字", messageEn: "an unrelated kind is 1 to 20 characters"))
        }
        if cleaned.count > 100 {
            issues.append(DomainIssue(code: "expense.unrelated_too_many", field: "keywords", messageZh: "至多 100 项", messageEn: "at most 100 kinds"))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let unique = Array(Set(cleaned)).sorted()
        try db.execute(sql: "DELETE FROM expense_unrelated_kind")
        for keyword in unique {
            try db.execute(sql: "INSERT INTO expense_unrelated_kind (keyword, added_by, added_at) VALUES (?, ?, ?)", arguments: [keyword, actor.text, moment.millis])
        }
        try DecisionAudit.record("expense.unrelated_kinds_replaced", subject: "expense_unrelated_kind", details: ["keywords": unique.joined(separator: "、")],
                                 by: actor, at: moment.millis, in: db)
        return Expenses.UnrelatedKinds(article: Article.art15.reference, keywords: unique)
    }
}
