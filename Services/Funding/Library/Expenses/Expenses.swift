import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// A studio's spending of grant money (Art 15): only the five cost categories for the three purposes,
/// recorded against one of its grants, within what that grant paid unless the settings say flag instead.
enum Expenses {
    struct ReceiptInput: Decodable, Sendable {
        var fileName: String
        /// What the uploader says the file is; not trusted: the stored and served type is the content's own.
        var contentType: String?
        var contentBase64: String
    }

    struct Input: Decodable, Sendable {
        var grantId: String
        /// `analysisTesting` … or the Chinese name (分析测试, 人员劳务, 会议及调研, 资料印刷, 知识产权事务).
        var category: String
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
        var studioId: String
        var grantId: String
        var category: ExpenseCategory
        var categoryZh: String
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

    /// Checks the input alone; every problem at once, each naming its field and, for the categories, Art 15.
    static func validate(_ input: Input, today: LocalDate) throws -> (ExpenseCategory, ExpensePurpose, LocalDate, [(ReceiptInput, Data)]) {
        var issues: [DomainIssue] = []
        let category = ExpenseCategory.parse(input.category)
        if category == nil {
            let allowed = ExpenseCategory.allCases.map(\.nameZh).joined(separator: "、")
            issues.append(DomainIssue(code: "expense.category_not_allowed", field: "category", article: Article.art15,
                                      messageZh: "「\(input.category)」不是补助经费允许的开支类别；只能用于\(allowed)等费用，不得用于与工作室建设无关的开支",
                                      messageEn: "\(input.category) is not an allowed use of grant money; only \(ExpenseCategory.allCases.map(\.nameEn).joined(separator: ", ")) costs, nothing unrelated to the studio"))
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
        guard issues.isEmpty, let category, let purpose, let spentOn else { throw Problem.validation(issues) }
        return (category, purpose, spentOn, receipts)
    }

    static func record(studioID: String, _ input: Input, by actor: Actor, at moment: Moment, settings: FundingSettings, in db: Database) throws -> View {
        let (category, purpose, spentOn, receipts) = try validate(input, today: moment.today)
        guard let grant = try GrantRecord.find(input.grantId, in: db), grant.studioId == studioID else {
            throw Problem.invalid("expense.grant_unknown", field: "grantId", zh: "该工作室没有补助 \(input.grantId)", en: "the studio has no grant \(input.grantId)")
        }
        guard grant.status != .cancelled else {
            throw Problem.conflict("expense.grant_cancelled", field: "grantId", zh: "补助 \(grant.reference) 已取消，不能列支", en: "grant \(grant.reference) is cancelled; nothing can be spent against it")
        }
        let balance = try Ledger.balances(grantID: grant.id, in: db).available
        var overBalance = false
        if input.amount > balance {
            switch settings.overspend {
            case .refuse:
                throw Problem.invalid("expense.exceeds_balance", field: "amount", article: .art16,
                                      zh: "开支 \(input.amount.yuanString) 元超过补助 \(grant.reference) 的可用余额 \(balance.yuanString) 元（已拨付未列支部分）",
                                      en: "spending \(input.amount.yuanString) yuan exceeds the \(balance.yuanString) yuan available on grant \(grant.reference) (paid minus spent)")
            case .flag:
                overBalance = true
            }
        }
        let id = "exp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let description = input.description.trimmingCharacters(in: .whitespacesAndNewlines)
        try db.execute(sql: """
            INSERT INTO expense (id, studio_id, grant_id, category, purpose, amount_fen, spent_on, description, over_balance, recorded_by, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, studioID, grant.id, category.rawValue, purpose.rawValue, input.amount.fen, spentOn.description, description,
                             overBalance, actor.text, moment.millis])
        for (receipt, data) in receipts {
            try db.execute(sql: "INSERT INTO expense_receipt (id, expense_id, file_name, content_type, sha256, content) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: ["rcp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20), id,
                                       receipt.fileName, FileContent.checkedType(of: data), ContentHash.sha256Hex(data), data])
        }
        try Ledger.append(grantID: grant.id, studioID: studioID, kind: .expense, amount: input.amount, on: spentOn, reference: id,
                          note: "\(category.nameZh)／\(purpose.nameZh)：\(description)", by: actor, at: moment.millis, in: db)
        return try list(studioID: studioID, id: id, in: db)[0]
    }

    /// One receipt of an expense: its file name and content.
    static func receipt(_ id: String, of expense: String, in db: Database) throws -> (fileName: String, content: Data)? {
        try Row.fetchOne(db, sql: "SELECT file_name, content FROM expense_receipt WHERE id = ? AND expense_id = ?", arguments: [id, expense])
            .map { ($0["file_name"], $0["content"]) }
    }

    static func list(studioID: String, id: String? = nil, in db: Database) throws -> [View] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM expense WHERE studio_id = ?" + (id == nil ? "" : " AND id = ?") + " ORDER BY spent_on, recorded_at, id",
                                    arguments: StatementArguments([studioID] + (id.map { [$0] } ?? [])))
        return try rows.map { row in
            let expenseID: String = row["id"]
            let receipts = try Row.fetchAll(db, sql: "SELECT id, file_name, content_type, sha256, length(content) AS size FROM expense_receipt WHERE expense_id = ? ORDER BY id",
                                            arguments: [expenseID]).map {
                ReceiptView(id: $0["id"], fileName: $0["file_name"], contentType: $0["content_type"], sha256: $0["sha256"], size: $0["size"])
            }
            let category = ExpenseCategory(rawValue: row["category"])!
            let purpose = ExpensePurpose(rawValue: row["purpose"])!
            let amount = Money(fen: row["amount_fen"])
            return View(id: expenseID, studioId: row["studio_id"], grantId: row["grant_id"], category: category, categoryZh: category.nameZh,
                        purpose: purpose, purposeZh: purpose.nameZh, amount: amount, amountYuan: amount.yuanString, spentOn: row["spent_on"],
                        description: row["description"], overBalance: row["over_balance"], recordedBy: row["recorded_by"],
                        recordedAt: Millis.date(row["recorded_at"]), receipts: receipts)
        }
    }
}
