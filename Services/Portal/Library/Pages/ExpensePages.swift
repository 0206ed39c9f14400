import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// A studio's expenses (Art 15) on its ledger page: by category with the receipts attached, and the form that
/// records one (department or finance). Funding applies Art 15 (the categories, the unrelated spending it refuses,
/// the balance); a refusal is shown beside the field it names.
extension FinancePages {
    struct Expense: Decodable {
        var id: String
        var grantId: String
        var category: String
        var categoryZh: String
        var justification: String?
        var approval: String
        var decisionNote: String?
        var purpose: String
        var purposeZh: String
        var amount: Money
        var spentOn: String
        var description: String
        var receipts: [Receipt]?
        var overBalance: Bool
        var recordedBy: String
        struct Receipt: Decodable { var id: String; var fileName: String; var size: Int }
    }

    struct ExpenseRow {
        var id: String
        var spentOn: String
        var purpose: String
        var amount: String
        var description: String
        var approval: String
        var receipts: [KeyValue]
        var note: String
        /// An other cost waiting for the department's approval (Art 15 「等」).
        var pending: Bool
    }

    struct CategoryGroup { var name: String; var total: String; var rows: [ExpenseRow] }

    struct ExpenseForm {
        var canRecord: Bool
        var grants: [SelectOption]
        var categories: [SelectOption]
        /// The name of a cost outside the five named categories (Art 15 「等」), with its justification.
        var otherKind: String
        var purposes: [SelectOption]
        var amount: String
        var spentOn: String
        var description: String
        var justification: String
        var errors: [String: [IssueView]]
        var formErrors: [IssueView]
    }

    static func approvalZh(_ approval: String) -> String {
        switch approval {
        case "notNeeded", "notRequired": "无需审批"
        case "pending": "待审批"
        case "approved": "已批准"
        case "rejected": "未批准"
        default: approval
        }
    }

    func expenseGroups(_ expenses: [Expense]) -> [CategoryGroup] {
        let order = ExpenseCategory.allCases.map(\.rawValue)
        let grouped = Dictionary(grouping: expenses, by: \.category)
        return grouped.keys.sorted { (order.firstIndex(of: $0) ?? 99) < (order.firstIndex(of: $1) ?? 99) }.map { category in
            let items = grouped[category] ?? []
            return CategoryGroup(
                name: items.first?.categoryZh ?? category,
                total: Self.yuan(items.reduce(Money.zero) { $0 + $1.amount }),
                rows: items.map { expense in
                    ExpenseRow(id: expense.id, spentOn: expense.spentOn, purpose: expense.purposeZh, amount: Self.yuan(expense.amount),
                               description: expense.description, approval: Self.approvalZh(expense.approval),
                               receipts: (expense.receipts ?? []).map { KeyValue(key: "/funds/expenses/\(expense.id)/receipts/\($0.id)", value: $0.fileName) },
                               note: [expense.justification, expense.decisionNote, expense.overBalance ? "超出可用余额" : nil].compactMap { $0 }.joined(separator: "；"),
                               pending: expense.approval == "pending")
                })
        }
    }

    func expenseForm(_ context: PortalContext, grants: [Grant], issues: [DomainIssue]) -> ExpenseForm {
        let form = context.form
        let role = context.account?.role
        let known: Set<String> = ["grantId", "category", "purpose", "amount", "spentOn", "description", "justification", "receipts"]
        let (errors, formErrors) = FieldIssues.sorted(issues) { field in
            let input = field.split(separator: ".").first.map(String.init) ?? field
            return known.contains(input) ? input : nil
        }
        return ExpenseForm(
            canRecord: role == .department || role == .finance,
            grants: grants.filter { $0.status == "paid" }.map { SelectOption(value: $0.id, label: "\($0.reference) \($0.kindZh) \(Self.yuan($0.amount))", selected: form["grantId"] == $0.id) },
            categories: ExpenseCategory.named.map { SelectOption(value: $0.rawValue, label: $0.nameZh, selected: form["category"] == $0.rawValue) }
                + [SelectOption(value: "other", label: "其他（填写名称）", selected: form["category"] == "other")],
            otherKind: form["otherKind"] ?? "",
            purposes: ExpensePurpose.allCases.map { SelectOption(value: $0.rawValue, label: $0.nameZh, selected: form["purpose"] == $0.rawValue) },
            amount: form["amount"] ?? "", spentOn: form["spentOn"] ?? "", description: form["description"] ?? "", justification: form["justification"] ?? "",
            errors: errors, formErrors: formErrors)
    }

    @Sendable func recordExpense(_ request: Request, context: PortalContext) async throws -> Response {
        let studio = try context.parameters.require("id")
        let form = context.form
        var issues: [DomainIssue] = []
        var amount: Money?
        do {
            amount = try Money.parse(yuan: (form["amount"] ?? "").replacingOccurrences(of: ",", with: ""))
        } catch {
            issues.append(DomainIssue(code: "amount.format", field: "amount", messageZh: "金额须为元，最多两位小数，如 1200.50", messageEn: "amount in yuan with at most two decimals"))
        }
        struct Receipt: Encodable { var fileName: String; var contentType: String?; var contentBase64: String }
        struct Body: Encodable {
            var grantId: String; var category: String; var justification: String?; var purpose: String; var amount: Money
            var spentOn: String; var description: String; var receipts: [Receipt]
        }
        let receipts = form.files.filter { $0.field == "receipts" && !$0.bytes.isEmpty }.map {
            Receipt(fileName: $0.fileName, contentType: $0.contentType, contentBase64: Data($0.bytes).base64EncodedString())
        }
        if let amount, issues.isEmpty {
            let justification = form["justification"].flatMap { $0.isEmpty ? nil : $0 }
            let category = form["category"] == "other" ? (form["otherKind"] ?? "") : (form["category"] ?? "")
            let body = Body(grantId: form["grantId"] ?? "", category: category, justification: justification, purpose: form["purpose"] ?? "",
                            amount: amount, spentOn: form["spentOn"] ?? "", description: form["description"] ?? "", receipts: receipts)
            let reply = try await gateway.call(.funding, "POST", "/studios/\(PublicPages.pathComponent(studio))/expenses", token: context.token(.funding), json: body)
            if let refused = try reply.refusal() {
                issues = refused
            } else {
                return Redirect.to("/funds/studios/\(PublicPages.pathComponent(studio))", flash: "已记录支出 \(Self.yuan(amount))。", context: context)
            }
        }
        return try await ledgerPage(studio, context: context, issues: issues, status: .unprocessableContent)
    }

    /// The department approves or rejects an other cost (a rejection needs its note; funding says so if missing).
    @Sendable func decideExpense(_ request: Request, context: PortalContext) async throws -> Response {
        let studio = try context.parameters.require("id"), expense = try context.parameters.require("expense")
        struct Body: Encodable { var decision: String; var note: String? }
        let body = Body(decision: context.form["decision"] ?? "", note: context.form["note"].flatMap { $0.isEmpty ? nil : $0 })
        return try await gateway.post(.funding, "/expenses/\(PublicPages.pathComponent(expense))/approval", json: body, context: context,
                                      orShow: { try await ledgerPage(studio, context: context, issues: $0, status: .unprocessableContent) },
                                      then: "/funds/studios/\(PublicPages.pathComponent(studio))", flash: body.decision == "approve" ? "已同意列支。" : "已不同意列支。")
    }

    @Sendable func receipt(_ request: Request, context: PortalContext) async throws -> Response {
        let expense = try context.parameters.require("expense"), receipt = try context.parameters.require("receipt")
        let reply = try await gateway.get(.funding, "/expenses/\(PublicPages.pathComponent(expense))/receipts/\(PublicPages.pathComponent(receipt))",
                                          token: context.token(.funding)).orFail()
        var headers: HTTPFields = [.contentType: reply.contentType ?? "application/octet-stream"]
        if let disposition = reply.contentDisposition { headers[.contentDisposition] = disposition }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
