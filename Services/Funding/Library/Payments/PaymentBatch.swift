import ServiceKit
import Foundation
import GRDB
import Hummingbird
import StudioDomain

/// A payment batch (拨付批次): the approved grants finance hands to the bank, as a CSV a clerk can use.
/// A grant goes into one batch only, so a re-export cannot pay it twice; a grant whose studio has no payee
/// account is left out and listed.
enum PaymentBatches {
    static let header = ["序号", "参考号", "收款单位", "开户银行", "账号", "金额（元）", "摘要"]

    struct Created: Codable, ResponseEncodable, Sendable {
        var batchId: String?
        var grantCount: Int
        var total: Money
        var totalYuan: String
        var grantIds: [String]
        /// Approved grants left out because the studio has no payee account: record one, then export again.
        var missingPayeeAccount: [Missing]
    }

    struct Missing: Codable, Sendable {
        var grantId: String
        var reference: String
        var studioId: String
        var payeeName: String
    }

    static func create(by actor: Agent, at millis: Int64, in db: Database) throws -> Created {
        let grants = try GrantRecord.fetchAll(db, sql: "SELECT * FROM funding_grant WHERE status = 'approved' AND batch_id IS NULL ORDER BY due_on, created_at, id")
        var rows: [[CSV.Field]] = []
        var included: [GrantRecord] = []
        var missing: [Missing] = []
        for grant in grants {
            guard let account = try PayeeAccount.find(grant.studioId, in: db) else {
                missing.append(Missing(grantId: grant.id, reference: grant.reference, studioId: grant.studioId, payeeName: grant.payeeName))
                continue
            }
            included.append(grant)
            rows.append([.raw(String(included.count)), .text(grant.reference), .text(grant.payeeName), .text(account.bankName),
                         .text(account.accountNumber), .raw(grant.amount.yuanString),
                         .text("衢州市总工会\(grant.year)年\(grant.kind.nameZh)（\(grant.kind.article.chinese)）")])
        }
        let total = included.reduce(Money.zero) { $0 + $1.amount }
        guard !included.isEmpty else {
            return Created(batchId: nil, grantCount: 0, total: .zero, totalYuan: Money.zero.yuanString, grantIds: [], missingPayeeAccount: missing)
        }
        let id = "batch_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let csv = CSV.write(header: header, rows: rows)
        try db.execute(sql: "INSERT INTO payment_batch (id, grant_count, total_fen, csv, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [id, included.count, total.fen, Data(csv), actor.text, millis])
        for grant in included {
            try db.execute(sql: "UPDATE funding_grant SET batch_id = ?, updated_at = ? WHERE id = ?", arguments: [id, millis, grant.id])
        }
        return Created(batchId: id, grantCount: included.count, total: total, totalYuan: total.yuanString,
                       grantIds: included.map(\.id), missingPayeeAccount: missing)
    }

    static func csv(_ id: String, in db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT csv FROM payment_batch WHERE id = ?", arguments: [id])
    }
}
