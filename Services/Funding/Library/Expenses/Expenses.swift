import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// A studio's spending of grant money (Art 15), recorded against one of its grants, within what that grant
/// paid unless the settings say flag instead. Art 15 says 主要包括 (mainly includes): the five named categories
/// are accepted at once; another cost that serves the studio's work is recorded with a written justification
/// and enters the books only when the department approves it; a cost of a kind the department lists as
/// unrelated (banquets, gifts, vehicles …) is refused.
enum Expenses {
    struct ReceiptInput: Decodable, Sendable {
        var fileName: String
        /// What the uploader says the file is; not trusted: the stored and served type is the content's own.
        var contentType: String?
        var contentBase64: String
    }

    struct Input: Decodable, Sendable {
        var grantId: GrantID
        /// `analysisTesting` … or the Chinese name (分析测试, 人员劳务, 会议及调研, 资料印刷, 知识产权事务); any other
        /// text names an other cost (e.g. 设备维修), which needs `justification`.
        var category: String
        /// Why an other cost serves the studio's work (required for one).
        var justification: String?
        /// `talentTraining`, `technicalInnovation`, `dailyOperation` or the Chinese name.
        var purpose: String
        /// Integer fen.
        var amount: Money
        var spentOn: String
        var description: String
        var receipts: [ReceiptInput]?
    }

    struct ReceiptView: Codable, Sendable {
        var id: String
        var fileName: String
        var contentType: String
        var sha256: String
        var size: Int
    }

    struct View: Codable, ResponseEncodable, Sendable {
        var id: String
        var studioId: StudioID
        var grantId: GrantID
        var category: ExpenseCategory
        /// The named category's Chinese name, or the kind an other cost was recorded as.
        var categoryZh: String
        var justification: String?
        /// `notNeeded` (a named category), `pending`, `approved` or `rejected` (an other cost).
        var approval: String
        var decidedBy: String?
        var decidedAt: Date?
        var decisionNote: String?
        var purpose: ExpensePurpose
        var purposeZh: String
        var amount: Money
        var amountYuan: String
        var spentOn: String
        var description: String
        /// Recorded beyond the grant's balance under the `flag` policy: for the joint inspection (Art 16).
        var overBalance: Bool
        var recordedBy: String
        var recordedAt: Date
        var receipts: [ReceiptView]
    }

    static let maxReceiptBytes = 5 << 20

    /// What an input's category is: one of the five, or an other cost of the given kind.
    enum Kind: Sendable {
        case named(ExpenseCategory)
        case other(kind: String, justification: String)

        var category: ExpenseCategory {
            if case .named(let category) = self { return category }
            return .other
        }
    }

    static let maxOtherKindLength = 50
    static let maxJustificationLength = 1000

    /// Checks the input alone; every problem at once, each naming its field and, for the categories, Art 15.
    /// `unrelated` is the department's list of unrelated kinds.
    static func validate(_ input: Input, today: LocalDate, unrelated: [String]) throws -> (Kind, ExpensePurpose, LocalDate, [(ReceiptInput, Data)]) {
        var issues: [DomainIssue] = []
        var kind: Kind?
        let named = ExpenseCategory.named.map(\.nameZh).joined(separator: "、")
        let categoryText = input.category.trimmingCharacters(in: .whitespacesAndNewlines)
        let justification = input.justification?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if let category = ExpenseCategory.parse(categoryText) {
            kind = .named(category)
        } else if let keyword = unrelated.first(where: { categoryText.contains($0) }) {
            issues.append(DomainIssue(code: "expense.category_not_allowed", field: "category", article: Article.art15,
                                      messageZh: "「\(categoryText)」属于与工作室建设无关的开支（\(keyword)），不得使用补助经费；补助经费主要用于\(named)等费用",
                                      messageEn: "\(categoryText) is unrelated to the studio's work (\(keyword)) and may not be paid from a grant; grants mainly pay \(ExpenseCategory.named.map(\.nameEn).joined(separator: ", ")) costs"))
        } else if categoryText.isEmpty || categoryText.count > maxOtherKindLength {
            issues.append(DomainIssue(code: "expense.category", field: "category", article: Article.art15,
                                      messageZh: "须写明开支类别（\(named)，或其他开支的名称，不超过 \(maxOtherKindLength) 字）",
                                      messageEn: "a category is required: one of the five named ones or the name of another cost, at most \(maxOtherKindLength) characters"))
        } else if justification.isEmpty || (input.justification?.unicodeScalars.count ?? 0) > maxJustificationLength {
            issues.append(DomainIssue(code: "expense.justification_required", field: "justification", article: Article.art15,
                                      messageZh: "「\(categoryText)」不属于\(named)，须书面说明其如何服务于工作室建设（不超过 \(maxJustificationLength) 字），经经济工作部审核同意后列支",
                                      messageEn: "\(categoryText) is none of the five named categories: a written justification of how it serves the studio (at most \(maxJustificationLength) characters) is required, and the department approves it"))
        } else {
            kind = .other(kind: categoryText, justification: justification)
        }
        if (input.justification?.unicodeScalars.count ?? 0) > maxJustificationLength, !issues.contains(where: { $0.field == "justification" }) {
            issues.append(DomainIssue(code: "expense.justification_too_long", field: "justification", article: Article.art15,
                                      messageZh: "说明不超过 \(maxJustificationLength) 字", messageEn: "a justification is at most \(maxJustificationLength) characters"))
        } else if case .named = kind, !justification.isEmpty {
            issues.append(DomainIssue(code: "expense.justification_not_needed", field: "justification", article: Article.art15,
                                      messageZh: "\(named)无需审核说明", messageEn: "the five named categories need no justification"))
        }
        let purpose = ExpensePurpose.parse(input.purpose)
        if purpose == nil {
            issues.append(DomainIssue(code: "expense.purpose_not_allowed", field: "purpose", article: Article.art15,
                                      messageZh: "「\(input.purpose)」不是补助经费的用途；用途限于\(ExpensePurpose.allCases.map(\.nameZh).joined(separator: "、"))",
                                      messageEn: "\(input.purpose) is not a purpose of grant money; only \(ExpensePurpose.allCases.map(\.nameEn).joined(separator: ", "))"))
        }
        if input.amount.fen <= 0 {
            issues.append(DomainIssue(code: "amount_not_positive", field: "amount", messageZh: "金额须大于零（单位：分）", messageEn: "the amount must be positive (in fen)"))
        }
        if input.amount > largestInputAmount { issues.append(amountTooLarge("amount")) }
        let spentOn = parseDate(input.spentOn, field: "spentOn", into: &issues)
        if let spentOn, spentOn > today {
            issues.append(DomainIssue(code: "date.in_future", field: "spentOn", messageZh: "开支日期不能晚于今天", messageEn: "the spending date cannot be in the future"))
        }
        let description = input.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if description.isEmpty || description.count > 500 {
            issues.append(DomainIssue(code: "expense.description", field: "description", messageZh: "须填写开支说明（不超过 500 字）", messageEn: "a description of at most 500 characters is required"))
        }
        var receipts: [(ReceiptInput, Data)] = []
        for (index, receipt) in (input.receipts ?? []).enumerated() {
            guard let data = Data(base64Encoded: receipt.contentBase64), !data.isEmpty, data.count <= maxReceiptBytes else {
                issues.append(DomainIssue(code: "receipt.content", field: "receipts[\(index)].contentBase64",
                                          messageZh: "票据内容须为 base64，且不超过 5 MB", messageEn: "receipt content must be base64 of at most 5 MB"))
                continue
            }
            if receipt.fileName.trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(DomainIssue(code: "receipt.file_name", field: "receipts[\(index)].fileName", messageZh: "须填写票据文件名", messageEn: "a file name is required"))
            }
            receipts.append((receipt, data))
        }
        guard issues.isEmpty, let kind, let purpose, let spentOn else { throw Problem.validation(issues) }
        return (kind, purpose, spentOn, receipts)
    }

    /// The department's list of unrelated kinds, in order.
    static func unrelatedKinds(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT keyword FROM expense_unrelated_kind ORDER BY keyword")
    }

    /// Within the grant's available balance, or flagged as over it under the `flag` policy.
    static func checkBalance(_ amount: Money, grant: GrantRecord, settings: FundingSettings, in db: Database) throws -> Bool {
        let balance = try Ledger.balances(grantID: grant.id, in: db).available
        guard amount > balance else { return false }
        switch settings.overspend {
        case .refuse:
            throw Problem.invalid("expense.exceeds_balance", field: "amount", article: .art16,
                                  zh: "开支 \(amount.yuanString) 元超过补助 \(grant.reference) 的可用余额 \(balance.yuanString) 元（已拨付未列支部分）",
                                  en: "spending \(amount.yuanString) yuan exceeds the \(balance.yuanString) yuan available on grant \(grant.reference) (paid minus spent)")
        case .flag:
            return true
        }
    }

    struct Decision: Decodable, Sendable {
        /// `approve` or `reject`.
        var decision: String
        /// Required to reject.
        var note: String?
    }

    struct UnrelatedKinds: Codable, ResponseEncodable, Sendable {
        var article: String
        var keywords: [String]
    }

    /// One receipt of an expense: its file name and content.
    static func receipt(_ id: String, of expense: String, in db: Database) throws -> (fileName: String, content: Data)? {
        try Row.fetchOne(db, sql: "SELECT file_name, content FROM expense_receipt WHERE id = ? AND expense_id = ?", arguments: [id, expense])
            .map { ($0["file_name"], $0["content"]) }
    }

    static func list(studioID: StudioID, id: String? = nil, in db: Database) throws -> [View] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM expense WHERE studio_id = ?" + (id == nil ? "" : " AND id = ?") + " ORDER BY spent_on, recorded_at, id",
                                    arguments: StatementArguments([studioID.rawValue] + (id.map { [$0] } ?? [])))
        return try views(rows, in: db)
    }

    /// What people look a studio's spending up by: the year spent, the category, the purpose, the approval.
    struct Filter: Sendable {
        var year: Int?
        var category: String?
        var purpose: String?
        var approval: String?
    }

    /// One page of a studio's expenses matching `filter`, in the order spent (then recorded), keyset-paged over
    /// (spent_on, recorded_at, id); and how many match in all.
    static func page(studioID: StudioID, _ filter: Filter, page: PageRequest, in db: Database) throws -> (items: [View], nextCursor: String?, total: Int) {
        var conditions = ["studio_id = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [studioID.rawValue]
        if let year = filter.year { conditions.append("substr(spent_on, 1, 4) = ?"); arguments.append(String(format: "%04d", year)) }
        if let category = filter.category { conditions.append("category = ?"); arguments.append(category) }
        if let purpose = filter.purpose { conditions.append("purpose = ?"); arguments.append(purpose) }
        if let approval = filter.approval { conditions.append("approval = ?"); arguments.append(approval) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM expense WHERE " + conditions.joined(separator: " AND "),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            guard let recordedAt = Int64(after[1]) else { throw QueryValues.invalidCursor }
            conditions.append("(spent_on, recorded_at, id) > (?, ?, ?)")
            arguments += [after[0], recordedAt, after[2]]
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM expense WHERE " + conditions.joined(separator: " AND ") + " ORDER BY spent_on, recorded_at, id LIMIT ?",
                                    arguments: StatementArguments(arguments + [page.limit + 1]))
        let (items, next) = page.page(rows) { [$0["spent_on"] as String, String($0["recorded_at"] as Int64), $0["id"] as String] }
        return (try views(items, in: db), next, total)
    }

    private static func views(_ rows: [Row], in db: Database) throws -> [View] {
        try rows.map { row in
            let expenseID: String = row["id"]
            let receipts = try Row.fetchAll(db, sql: "SELECT id, file_name, content_type, sha256, length(content) AS size FROM expense_receipt WHERE expense_id = ? ORDER BY id",
                                            arguments: [expenseID]).map {
                ReceiptView(id: $0["id"], fileName: $0["file_name"], contentType: $0["content_type"], sha256: $0["sha256"], size: $0["size"])
            }
            let category = try row.stored("category", as: ExpenseCategory.self)
            let purpose = try row.stored("purpose", as: ExpensePurpose.self)
            let amount = Money(fen: row["amount_fen"])
            return View(id: expenseID, studioId: StudioID(row["studio_id"] as String), grantId: GrantID(row["grant_id"] as String), category: category,
                        categoryZh: (row["other_kind"] as String?) ?? category.nameZh, justification: row["justification"], approval: row["approval"],
                        decidedBy: row["decided_by"], decidedAt: (row["decided_at"] as Int64?).map(Millis.date), decisionNote: row["decision_note"],
                        purpose: purpose, purposeZh: purpose.nameZh, amount: amount, amountYuan: amount.yuanString, spentOn: row["spent_on"],
                        description: row["description"], overBalance: row["over_balance"], recordedBy: row["recorded_by"],
                        recordedAt: Millis.date(row["recorded_at"]), receipts: receipts)
        }
    }
}
