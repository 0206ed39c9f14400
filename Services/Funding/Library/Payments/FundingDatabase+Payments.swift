import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Finance's payment batches (拨付批次) and the bank's confirmations of them.
extension FundingDatabase {
    /// Brings due marks and inspection schedules up to date, then batches every approved grant not yet in a batch
    /// (one transaction, so the batch sees the marks as of now).
    func createBatch(by actor: Agent, at moment: Moment) async throws -> PaymentBatches.Created {
        let settings = self.settings
        return try await write { db in
            try FundingScheduler.run(today: moment.today, settings: settings, at: moment.millis, in: db)
            return try Self.createBatch(by: actor, at: moment.millis, in: db)
        }
    }

    func batchCSV(_ id: PaymentBatchID) async throws -> Data? {
        try await read { db in try Self.batchCSV(id, in: db) }
    }

    /// Applies the bank's confirmation rows (`ConfirmationImport.parse`): every row or none (`.all`), or the good ones.
    func confirmPayments(_ rows: [ConfirmationImport.Row], mode: ConfirmationImport.Mode, by actor: Agent, at moment: Moment) async throws -> ConfirmationImport.Report {
        let settings = self.settings, outbox = self.outbox
        return try await write { db in try Self.confirmPayments(rows, mode: mode, by: actor, at: moment, settings: settings, outbox: outbox, in: db) }
    }

    /// The batch (`PaymentBatches`): each approved grant not yet batched whose studio has a payee account, in the
    /// order they fall due; a grant goes into one batch only, so a re-export cannot pay it twice.
    static func createBatch(by actor: Agent, at millis: Int64, in db: Database) throws -> PaymentBatches.Created {
        let grants = try GrantRecord.filter(GrantRecord.Columns.status == GrantStatus.approved.rawValue && GrantRecord.Columns.batchId == nil)
            .order(GrantRecord.Columns.dueOn, GrantRecord.Columns.createdAt, GrantRecord.Columns.id).fetchAll(db)
        var rows: [[CSV.Field]] = []
        var included: [GrantRecord] = []
        var missing: [PaymentBatches.Missing] = []
        for grant in grants {
            guard let account = try PayeeAccount.find(grant.studioId, in: db) else {
                missing.append(PaymentBatches.Missing(grantId: grant.id, reference: grant.reference, studioId: grant.studioId, payeeName: grant.payeeName))
                continue
            }
            included.append(grant)
            rows.append([.raw(String(included.count)), .text(grant.reference), .text(grant.payeeName), .text(account.bankName),
                         .text(account.accountNumber), .raw(grant.amount.yuanString),
                         .text("衢州市总工会\(grant.year)年\(grant.kind.nameZh)（\(grant.kind.article.chinese)）")])
        }
        let total = included.reduce(Money.zero) { $0 + $1.amount }
        guard !included.isEmpty else {
            return PaymentBatches.Created(batchId: nil, grantCount: 0, total: .zero, totalYuan: Money.zero.yuanString, grantIds: [], missingPayeeAccount: missing)
        }
        let id = PaymentBatchID("batch_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
        let csv = CSV.write(header: PaymentBatches.header, rows: rows)
        try db.execute(sql: "INSERT INTO payment_batch (id, grant_count, total_fen, csv, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [id.rawValue, included.count, total.fen, Data(csv), actor.text, millis])
        for grant in included {
            try db.execute(sql: "UPDATE funding_grant SET batch_id = ?, updated_at = ? WHERE id = ?", arguments: [id.rawValue, millis, grant.id.rawValue])
        }
        return PaymentBatches.Created(batchId: id, grantCount: included.count, total: total, totalYuan: total.yuanString,
                                      grantIds: included.map(\.id), missingPayeeAccount: missing)
    }

    /// The batch's file as it was exported.
    static func batchCSV(_ id: PaymentBatchID, in db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT csv FROM payment_batch WHERE id = ?", arguments: [id.rawValue])
    }

    /// Each row checked against its grant (reference, amount, state, an unused payment reference, a past date); the
    /// good rows paid (`pay`) unless mode `.all` meets a rejected one, when none is.
    static func confirmPayments(_ rows: [ConfirmationImport.Row], mode: ConfirmationImport.Mode, by actor: Agent, at moment: Moment, settings: FundingSettings,
                                outbox: Outbox? = nil, in db: Database) throws -> ConfirmationImport.Report {
        let columns = ConfirmationImport.columns
        var reports: [ConfirmationImport.RowReport] = []
        var good: [(index: Int, grantID: GrantID, paymentReference: String, paidOn: LocalDate)] = []
        var seenReferences = Set<String>(), seenPayments = Set<String>()
        for row in rows {
            var issues: [DomainIssue] = []
            func issue(_ code: String, _ field: String, _ zh: String, _ en: String) {
                issues.append(DomainIssue(code: code, field: "line \(row.line).\(field)", messageZh: "第 \(row.line) 行：\(zh)", messageEn: "line \(row.line): \(en)"))
            }
            if let syntax = row.syntaxIssue {
                issue("confirmation.csv_syntax", "line", syntax.messageZh, syntax.messageEn)
                reports.append(ConfirmationImport.RowReport(line: row.line, reference: row.reference, grantId: nil, outcome: "rejected", issues: issues))
                continue
            }
            let grant = try GrantRecord.filter(GrantRecord.Columns.reference == row.reference).fetchOne(db)
            if !seenReferences.insert(row.reference).inserted {
                issue("confirmation.duplicate_row", columns.reference, "参考号 \(row.reference) 在文件中重复", "reference \(row.reference) appears twice in the file")
            }
            if grant == nil {
                issue("confirmation.unknown_reference", columns.reference, "没有参考号为「\(row.reference)」的补助", "no grant has the reference \(row.reference)")
            }
            var amount: Money?
            do { amount = try Money.parse(yuan: row.amountText) } catch {
                issue("confirmation.\(error.issueCode)", columns.amount, error.issue(field: "").messageZh, error.issue(field: "").messageEn)
            }
            if let grant, let amount, amount != grant.amount {
                issue("confirmation.amount_mismatch", columns.amount, "金额 \(amount.yuanString) 元与补助金额 \(grant.amount.yuanString) 元不符",
                      "amount \(amount.yuanString) differs from the grant's \(grant.amount.yuanString) yuan")
            }
            if let grant {
                switch grant.status {
                case .paid: issue("confirmation.already_paid", columns.reference, "补助 \(grant.reference) 已于 \(grant.paidOn ?? "") 拨付（流水号 \(grant.paymentReference ?? "")）",
                                  "grant \(grant.reference) was already paid on \(grant.paidOn ?? "") (\(grant.paymentReference ?? ""))")
                case .approved: break
                default: issue("confirmation.not_approved", columns.reference, "补助 \(grant.reference) 当前状态为「\(grant.status.nameZh)」，不能确认拨付",
                               "grant \(grant.reference) is \(grant.status.rawValue) and cannot be confirmed as paid")
                }
            }
            if row.paymentReference.isEmpty || row.paymentReference.count > 64 {
                issue("confirmation.payment_reference_missing", columns.paymentReference, "须填写付款流水号（不超过 64 个字符）", "a payment reference of at most 64 characters is required")
            } else if try !seenPayments.insert(row.paymentReference).inserted
                        || GrantRecord.filter(GrantRecord.Columns.paymentReference == row.paymentReference).fetchCount(db) > 0 {
                issue("confirmation.payment_reference_used", columns.paymentReference, "付款流水号 \(row.paymentReference) 已被使用", "payment reference \(row.paymentReference) is already used")
            }
            let paidOn = LocalDate(row.paidOnText)
            if paidOn == nil {
                issue("confirmation.date_invalid", columns.paidOn, "付款日期须为 YYYY-MM-DD", "the payment date must be YYYY-MM-DD")
            } else if let paidOn, paidOn > moment.today {
                issue("confirmation.date_in_future", columns.paidOn, "付款日期不能晚于今天", "the payment date cannot be after today")
            }
            reports.append(ConfirmationImport.RowReport(line: row.line, reference: row.reference, grantId: grant?.id, outcome: issues.isEmpty ? "applied" : "rejected", issues: issues))
            if issues.isEmpty, let grant, let paidOn {
                good.append((reports.count - 1, grant.id, row.paymentReference, paidOn))
            }
        }
        let rejected = reports.count - good.count
        if mode == .all && rejected > 0 {
            for item in good { reports[item.index].outcome = "withheld" }
            return ConfirmationImport.Report(mode: mode.rawValue, applied: 0, rejected: rejected, withheld: good.count, rows: reports)
        }
        for item in good {
            _ = try pay(item.grantID, paymentReference: item.paymentReference, paidOn: item.paidOn, by: actor, at: moment, settings: settings,
                         outbox: outbox, in: db)
        }
        return ConfirmationImport.Report(mode: mode.rawValue, applied: good.count, rejected: rejected, withheld: 0, rows: reports)
    }
}
