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
        var batchId: PaymentBatchID?
        var grantCount: Int
        var total: Money
        var totalYuan: String
        var grantIds: [GrantID]
        /// Approved grants left out because the studio has no payee account: record one, then export again.
        var missingPayeeAccount: [Missing]
    }

    struct Missing: Codable, Sendable {
        var grantId: GrantID
        var reference: String
        var studioId: StudioID
        var payeeName: String
    }
}
