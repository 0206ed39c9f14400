import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// 经费 (Art 12–16) over funding's API, for the department (approves), finance (财务部: pays, through the bank's
/// batch file and its confirmation) and the audit office (reads): the year's budget and what is committed, held,
/// approved and paid; the grants by state; a studio's ledger and balance. Funding decides every rule; a refusal
/// is shown with its issues.
struct FinancePages {
    let renderer: Renderer
    let gateway: ServiceGateway
    let database: PortalDatabase

    /// Who reaches the funds desk (`/funds`, and its inspections): the department, finance and the audit office only.
    static let deskRoles: Set<Role> = [.department, .finance, .auditOffice]

    var routes: RouteCollection<PortalContext> {
        let routes = RouteCollection.desk(for: Self.deskRoles)
        routes.get("", use: overview)
        routes.post("grants/:id/approve", use: approve)
        routes.post("grants/:id/release", use: release)
        routes.post("grants/:id/cancel", use: cancel)
        routes.post("payments", use: payOne)
        routes.post("budget", use: setBudget)
        routes.post("batches", use: createBatch)
        routes.get("batches/:id/csv", use: downloadBatch)
        routes.post("confirmations", use: importConfirmation)
        routes.get("studios/:id", use: ledger)
        routes.post("studios/:id/expenses", use: recordExpense)
        routes.post("studios/:id/expenses/:expense/approval", use: decideExpense)
        routes.get("expenses/:expense/receipts/:receipt", use: receipt)
        return routes
    }

    // MARK: Funding's documents (the fields the pages show)

    struct Grant: Decodable {
        var id: String
        var reference: String
        var kind: String
        var kindZh: String
        var article: String
        var studioId: String
        var year: Int
        var amount: Money
        var dueOn: String
        var status: String
        var statusZh: String
        var holdReason: String?
        var payeeName: String
        var paidOn: String?
        var paymentReference: String?
        var cancelReason: String?
        var batchId: String?
    }


    struct BatchCreated: Decodable {
        var batchId: String?
        var grantCount: Int
        var total: Money
        var grantIds: [String]
        var missingPayeeAccount: [Missing]
        struct Missing: Decodable { var grantId: String?; var studioId: String? }
    }

    struct ConfirmationReport: Decodable {
        var mode: String
        var applied: Int
        var rejected: Int
        var withheld: Int
        var rows: [RowReport]
        struct RowReport: Decodable {
            var line: Int
            var reference: String
            var grantId: String?
            var outcome: String
            var issues: [DomainIssue]
        }
    }

    /// A refused file: funding's problem with the report of every row inside it.
    struct RefusedConfirmation: Decodable {
        var title: String?
        var report: ConfirmationReport?
    }

    struct LedgerDocument: Decodable {
        var studioId: String
        var balances: Balances
        var outstanding: Money
        var available: Money
        var entries: [Entry]
        struct Balances: Decodable { var granted: Money; var paid: Money; var spent: Money }
        struct Entry: Decodable {
            var grantId: String
            var kind: String
            var amount: Money
            var occurredOn: String
            var reference: String?
            var note: String?
            var recordedBy: String
        }
    }

    // MARK: Views

    struct Figure { var label: String; var value: String; var note: String? }

    struct GrantRow {
        var id: String
        var reference: String
        var kind: String
        var article: String
        var studioId: String
        var payee: String
        var amount: String
        var dueOn: String
        var status: String
        var statusClass: String
        var note: String
        /// Department: a scheduled grant may be approved; a held one released (it must fit the budget) or cancelled
        /// with a reason.
        var canApprove: Bool
        var canRelease: Bool
        var canCancel: Bool
        var year: Int

        /// The grant's row, with the department's buttons where `department` may use them.
        init(_ grant: Grant, note: String, department: Bool = false) {
            id = grant.id
            reference = grant.reference
            kind = grant.kindZh
            article = Bilingual.chinese(grant.article)
            studioId = grant.studioId
            payee = grant.payeeName
            amount = FinancePages.yuan(grant.amount)
            dueOn = grant.dueOn
            status = grant.statusZh
            statusClass = FinancePages.statusClass(grant.status)
            self.note = note
            canApprove = department && grant.status == "scheduled"
            canRelease = department && grant.status == "held"
            canCancel = department && grant.status == "held"
            year = grant.year
        }
    }

    struct Section { var title: String; var hint: String; var rows: [GrantRow]; var empty: Bool }

    struct OverviewView {
        var year: Int
        var years: [SelectOption]
        var figures: [Figure]
        var sections: [Section]
        var isFinance: Bool
        var isDepartment: Bool
        var batch: BatchView?
        var confirmation: ConfirmationView?
        var issues: [IssueView]
        var hasIssues: Bool
        /// Refusals of the budget and single-payment forms, beside the field they name.
        var fieldErrors: [String: [IssueView]]
        /// Department: the year's budget (元), as typed when refused.
        var budgetAmount: String
        /// Finance: the approved grants that may be paid one by one, outside a batch.
        var payable: [SelectOption]
        var hasPayable: Bool
        var payment: PaymentForm
    }

    struct PaymentForm { var paymentReference: String; var paidOn: String }

    struct BatchView { var id: String?; var count: Int; var total: String; var missing: [String] }

    struct ConfirmationView {
        var title: String
        var applied: Bool
        var summary: String
        var rows: [ConfirmationRow]
    }

    struct ConfirmationRow { var line: Int; var reference: String; var outcome: String; var ok: Bool; var issues: [IssueView] }

    /// Funding's bilingual reasons ("budget.not_set: 中文 / English", a revocation's "中文 / English") in Chinese only.
    static func chineseReason(_ reason: String) -> String {
        var text = Bilingual.chinese(reason)
        if let colon = text.range(of: ": "), text[..<colon.lowerBound].allSatisfy({ $0.isASCII && !$0.isWhitespace }) {
            text = String(text[colon.upperBound...])
        }
        return text
    }

    static func statusClass(_ status: String) -> String {
        switch status {
        case "paid": "good"
        case "cancelled": "closed"
        case "held": "attention"
        default: "open"
        }
    }

    /// `12,345.00 元`: integer fen shown as yuan, grouped by thousands.
    static func yuan(_ money: Money?) -> String {
        guard let money else { return "未设定" }
        let text = money.yuanString
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".")
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (negative ? "-" : "") + whole + grouped + "." + (parts.count > 1 ? parts[1] : "00") + " 元"
    }

    // MARK: Pages

    @Sendable func overview(_ request: Request, context: PortalContext) async throws -> Response {
        try await page(request, context: context)
    }

    func page(_ request: Request, context: PortalContext, batch: BatchView? = nil, confirmation: ConfirmationView? = nil,
              issues: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let account = try context.requireAccount()
        let thisYear = Dates.today().year
        let year = request.uri.queryParameters["year"].flatMap { Int(String($0)) }.flatMap { (2000...2100).contains($0) ? $0 : nil } ?? thisYear
        let token = context.token(.funding)
        async let standingReply = gateway.get(.funding, "/budgets/\(year)", token: token)
        async let grantsReply = gateway.all(.funding, "/grants?year=\(year)", token: token, as: Grant.self)
        let standing = try await standingReply.orFail().decode(BudgetStanding.self)
        let grants = try await grantsReply
        func total(_ status: String) -> Money { grants.filter { $0.status == status }.reduce(Money.zero) { $0 + $1.amount } }
        let figures = [
            Figure(label: "年度预算", value: Self.yuan(standing.budget), note: standing.budget == nil ? "经济工作部尚未设定本年度预算" : nil),
            Figure(label: "已承诺", value: Self.yuan(standing.committed), note: "已决定、未取消的补助"),
            Figure(label: "暂缓", value: Self.yuan(standing.held), note: "\(standing.heldCount) 笔，超出预算或未设预算，待经济工作部决定"),
            Figure(label: "待审批", value: Self.yuan(total("scheduled")), note: nil),
            Figure(label: "已批准待拨付", value: Self.yuan(total("approved")), note: nil),
            Figure(label: "已拨付", value: Self.yuan(total("paid")), note: nil),
            Figure(label: "预算余额", value: Self.yuan(standing.remaining), note: nil),
        ]
        let isDepartment = account.role == .department, isFinance = account.role == .finance
        func row(_ grant: Grant) -> GrantRow {
            let note = [grant.holdReason.map { "暂缓原因：" + Self.chineseReason($0) }, grant.paymentReference.map { "银行流水 \($0)" }, grant.paidOn.map { "拨付日 \($0)" },
                        grant.cancelReason.map { "取消：\($0)" }, grant.batchId.map { "批次 \($0)" }].compactMap { $0 }.joined(separator: "；")
            return GrantRow(grant, note: note, department: isDepartment)
        }
        func section(_ title: String, _ hint: String, _ statuses: Set<String>) -> Section {
            let rows = grants.filter { statuses.contains($0.status) }.map(row)
            return Section(title: title, hint: hint, rows: rows, empty: rows.isEmpty)
        }
        let sections = [
            section("待审批（经济工作部）", "补助决定后由经济工作部批准，批准后财务部方可拨付。", ["scheduled"]),
            section("待拨付（财务部）", "已批准的补助：生成支付批次，下载银行文件，再上传银行的确认文件。", ["approved"]),
            section("暂缓", "超出年度预算或尚未设定预算，由经济工作部放行或取消。", ["held"]),
            section("已拨付", "", ["paid"]),
            section("已取消", "", ["cancelled"]),
        ]
        let years = ((thisYear - 3)...(thisYear + 3)).reversed().map { SelectOption(value: "\($0)", label: "\($0)年", selected: $0 == year) }
        let form = context.form
        let besideFields: Set<String> = ["amount", "grantId", "paymentReference", "paidOn"]
        let (fieldErrors, pageIssues) = FieldIssues.sorted(issues) { besideFields.contains($0) ? $0 : nil }
        let payable = grants.filter { $0.status == "approved" }.map {
            SelectOption(value: $0.id, label: "\($0.reference) \($0.payeeName) \(Self.yuan($0.amount))", selected: form["grantId"] == $0.id)
        }
        let view = OverviewView(year: year, years: years, figures: figures, sections: sections, isFinance: isFinance, isDepartment: isDepartment,
                                batch: batch, confirmation: confirmation, issues: pageIssues, hasIssues: !pageIssues.isEmpty,
                                fieldErrors: fieldErrors,
                                budgetAmount: form["amount"] ?? standing.budget.map(\.yuanString) ?? "",
                                payable: payable, hasPayable: !payable.isEmpty,
                                payment: PaymentForm(paymentReference: form["paymentReference"] ?? "", paidOn: form["paidOn"] ?? ""))
        return renderer.html("funds", title: "经费管理", view: view, context: context, status: status)
    }

    @Sendable func approve(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await gateway.post(.funding, "/grants/\(PublicPages.pathComponent(id))/approve", json: [String: String](), context: context,
                                      orShow: pageAgain(request, context: context)) { reply in
            let grant = try reply.decode(Grant.self)
            return ("/funds?year=\(grant.year)", "已批准补助 \(grant.reference)（\(Self.yuan(grant.amount))）。")
        }
    }

    /// Department: a held grant goes on (暂缓 → 待审批) once it fits the year's budget; funding refuses it otherwise.
    @Sendable func release(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await gateway.post(.funding, "/grants/\(PublicPages.pathComponent(id))/release", json: [String: String](), context: context,
                                      orShow: pageAgain(request, context: context, prefixed: "未能放行")) { reply in
            let grant = try reply.decode(Grant.self)
            return ("/funds?year=\(grant.year)", "已放行补助 \(grant.reference)（\(Self.yuan(grant.amount))），待审批。")
        }
    }

    /// Department: a held grant is not paid, with the reason written down (funding keeps it in the grant and the ledger).
    @Sendable func cancel(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await gateway.post(.funding, "/grants/\(PublicPages.pathComponent(id))/cancel", json: ["reason": context.form["reason"] ?? ""], context: context,
                                      orShow: pageAgain(request, context: context, prefixed: "未能取消")) { reply in
            let grant = try reply.decode(Grant.self)
            return ("/funds?year=\(grant.year)", "已取消补助 \(grant.reference)：\(grant.cancelReason ?? "")。")
        }
    }

    /// Finance: one approved grant paid outside a batch (a transfer made by hand), with the bank's reference and date.
    @Sendable func payOne(_ request: Request, context: PortalContext) async throws -> Response {
        let form = context.form
        guard let id = form["grantId"], !id.isEmpty else {
            return try await page(request, context: context, issues: [DomainIssue(code: "payment.grant", field: "grantId", messageZh: "请选择要拨付的补助",
                                                                                   messageEn: "choose the grant to pay")],
                                  status: .unprocessableContent)
        }
        struct Body: Encodable { var paymentReference: String; var paidOn: String }
        return try await gateway.post(.funding, "/grants/\(PublicPages.pathComponent(id))/payment",
                                      json: Body(paymentReference: form["paymentReference"] ?? "", paidOn: form["paidOn"] ?? ""), context: context,
                                      orShow: pageAgain(request, context: context)) { reply in
            let grant = try reply.decode(Grant.self)
            return ("/funds?year=\(grant.year)", "已记录拨付 \(grant.reference)（\(Self.yuan(grant.amount))，流水 \(grant.paymentReference ?? "")）。")
        }
    }

    /// The desk again with a form's refusal; a refusal of one row's action (`prefixed`) is shown above the page
    /// and says which action it was.
    func pageAgain(_ request: Request, context: PortalContext, prefixed what: String? = nil) -> ([DomainIssue]) async throws -> Response {
        { issues in
            let shown = what.map { what in issues.map { var issue = $0; issue.messageZh = "\(what)：\($0.messageZh)"; return issue } } ?? issues
            return try await page(request, context: context, issues: shown, status: .unprocessableContent)
        }
    }

    /// Department: the year's budget in yuan; funding holds the grants beyond it.
    @Sendable func setBudget(_ request: Request, context: PortalContext) async throws -> Response {
        let form = context.form
        guard let year = form["year"].flatMap({ Int($0) }), (2000...2100).contains(year) else {
            return try await page(request, context: context, issues: [DomainIssue(code: "budget.year", field: "year", messageZh: "请选择年度", messageEn: "choose the year")],
                                  status: .unprocessableContent)
        }
        let amount: Money
        do {
            amount = try Money.parse(yuan: (form["amount"] ?? "").replacingOccurrences(of: ",", with: ""))
        } catch {
            return try await page(request, context: context, issues: [DomainIssue(code: "amount.format", field: "amount", messageZh: "预算金额须为元，最多两位小数，如 400000",
                                                                                   messageEn: "the budget in yuan with at most two decimals")],
                                  status: .unprocessableContent)
        }
        struct Body: Encodable { var amount: Money }
        return try await gateway.post(.funding, "/budgets/\(year)", method: "PUT", json: Body(amount: amount), context: context, orShow: pageAgain(request, context: context),
                                      then: "/funds?year=\(year)", flash: "已设定\(year)年度预算 \(Self.yuan(amount))。")
    }

    @Sendable func createBatch(_ request: Request, context: PortalContext) async throws -> Response {
        let reply = try await gateway.call(.funding, "POST", "/payment-batches", token: context.token(.funding), json: [String: String]())
        if let issues = try reply.refusal() {
            return try await page(request, context: context, issues: issues, status: .unprocessableContent)
        }
        let created = try reply.decode(BatchCreated.self)
        let batch = BatchView(id: created.batchId, count: created.grantCount, total: Self.yuan(created.total),
                              missing: created.missingPayeeAccount.map { "补助 \($0.grantId ?? "") 的工作室 \($0.studioId ?? "") 尚无收款账户" })
        return try await page(request, context: context, batch: batch)
    }

    @Sendable func downloadBatch(_ request: Request, context: PortalContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let reply = try await gateway.get(.funding, "/payment-batches/\(PublicPages.pathComponent(id))/csv", token: context.token(.funding)).orFail()
        let name = id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" } ? id : "batch"
        return Response(status: .ok, headers: [.contentType: reply.contentType ?? "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(name).csv\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    @Sendable func importConfirmation(_ request: Request, context: PortalContext) async throws -> Response {
        guard let file = context.form.file(named: "file") else {
            return try await page(request, context: context, issues: [DomainIssue(code: "confirmation.file", field: "file", messageZh: "请选择银行的确认文件（CSV）",
                                                                                   messageEn: "choose the bank's confirmation file (CSV)")],
                                  status: .badRequest)
        }
        let reply = try await gateway.send(.funding, "POST", "/payment-confirmations?mode=all", token: context.token(.funding), body: file.bytes,
                                           headers: [("Content-Type", "text/csv")])
        let report: ConfirmationReport
        let applied: Bool
        if reply.isSuccess {
            report = try reply.decode(ConfirmationReport.self)
            applied = true
        } else if reply.status == 422, let refused = try? reply.decode(RefusedConfirmation.self), let inner = refused.report {
            report = inner
            applied = false
        } else if let issues = try reply.refusal() {
            return try await page(request, context: context, issues: issues, status: .unprocessableContent)
        } else {
            throw PortalError.refused(status: reply.status, issues: [])
        }
        let rows = report.rows.map {
            ConfirmationRow(line: $0.line, reference: $0.reference, outcome: $0.issues.isEmpty ? (applied ? "已入账" : "无误（整批未入账）") : "不符",
                            ok: $0.issues.isEmpty, issues: $0.issues.map(IssueView.init))
        }
        let view = ConfirmationView(
            title: applied ? "银行确认已入账" : "确认文件中有不符的行，未确认任何拨付",
            applied: applied,
            summary: applied ? "已确认 \(report.applied) 笔拨付。" : "不符 \(report.rejected) 行，其余 \(report.withheld) 行暂不入账；请核对不符的行后重新上传完整的确认文件。",
            rows: rows)
        return try await page(request, context: context, confirmation: view, status: applied ? .ok : .unprocessableContent)
    }

    struct LedgerView {
        var studioId: String
        var studioName: String
        var figures: [Figure]
        var entries: [EntryRow]
        var empty: Bool
        var grants: [GrantRow]
        var expenseGroups: [CategoryGroup]
        var noExpenses: Bool
        var form: ExpenseForm
        var isDepartment: Bool
    }

    struct EntryRow { var on: String; var kind: String; var amount: String; var grant: String; var reference: String; var note: String; var by: String }

    @Sendable func ledger(_ request: Request, context: PortalContext) async throws -> Response {
        try await ledgerPage(try context.parameters.require("id"), context: context)
    }

    func ledgerPage(_ id: String, context: PortalContext, issues: [DomainIssue] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = context.token(.funding)
        let path = PublicPages.pathComponent(id)
        async let ledgerReply = gateway.get(.funding, "/studios/\(path)/ledger", token: token)
        async let grantsReply = gateway.all(.funding, "/grants?studioId=\(path)", token: token, as: Grant.self)
        async let expensesReply = gateway.all(.funding, "/studios/\(path)/expenses", token: token, as: Expense.self)
        let document = try await ledgerReply.orFail().decode(LedgerDocument.self)
        let grants = try await grantsReply
        let expenses = try await expensesReply
        let kinds = ["granted": "补助决定", "cancelled": "取消", "paid": "拨付", "expense": "支出"]
        let references = Dictionary(grants.map { ($0.id, $0.reference) }, uniquingKeysWith: { first, _ in first })
        let groups = expenseGroups(expenses)
        let recorders = try await database.fundingActorNames(document.entries.map(\.recordedBy))
        let view = LedgerView(
            studioId: document.studioId,
            studioName: grants.first?.payeeName ?? document.studioId,
            figures: [Figure(label: "累计补助", value: Self.yuan(document.balances.granted), note: nil),
                      Figure(label: "已拨付", value: Self.yuan(document.balances.paid), note: nil),
                      Figure(label: "已支出", value: Self.yuan(document.balances.spent), note: nil),
                      Figure(label: "待拨付", value: Self.yuan(document.outstanding), note: nil),
                      Figure(label: "可用余额", value: Self.yuan(document.available), note: "已拨付减已支出")],
            entries: document.entries.map {
                EntryRow(on: $0.occurredOn, kind: kinds[$0.kind] ?? $0.kind, amount: Self.yuan($0.amount), grant: references[$0.grantId] ?? $0.grantId, reference: $0.reference ?? "",
                         note: Self.chineseReason($0.note ?? ""), by: recorders[$0.recordedBy] ?? $0.recordedBy)
            },
            empty: document.entries.isEmpty,
            grants: grants.map { GrantRow($0, note: ($0.cancelReason ?? $0.holdReason).map(Self.chineseReason) ?? "") },
            expenseGroups: groups, noExpenses: groups.isEmpty,
            form: expenseForm(context, grants: grants, issues: issues),
            isDepartment: context.account?.role == .department)
        return renderer.html("funds_ledger", title: "工作室经费台账", view: view, context: context, status: status)
    }
}
