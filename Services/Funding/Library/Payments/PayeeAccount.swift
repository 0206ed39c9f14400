import Foundation
import Messaging
import GRDB
import Hummingbird
import ServiceKit
import StudioDomain

/// The bank account grants of a studio are paid to (收款账户): the unit's account, recorded by the department.
struct PayeeAccount: Codable, FetchableRecord, ResponseEncodable, Sendable {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseDateDecodingStrategy = DatabaseDateDecodingStrategy.millisecondsSince1970

    var studioId: StudioID
    var bankName: String
    var accountNumber: String
    var recordedBy: String?
    var recordedAt: Date?

    /// Digits only once spaces are removed, 8 to 32 of them; a bank name.
    static func validated(studioID: StudioID, bankName: String, accountNumber: String) throws -> PayeeAccount {
        let bank = bankName.trimmingCharacters(in: .whitespacesAndNewlines)
        let number = accountNumber.filter { !$0.isWhitespace && $0 != "-" }
        var issues: [DomainIssue] = []
        if bank.isEmpty || bank.count > 100 {
            issues.append(DomainIssue(code: "payee.bank_name", field: "bankName", messageZh: "须填写开户银行（不超过 100 字）", messageEn: "the bank name is required (at most 100 characters)"))
        }
        if !(8...32).contains(number.count) || !number.allSatisfy({ ("0"..."9").contains($0) }) {
            issues.append(DomainIssue(code: "payee.account_number", field: "accountNumber", messageZh: "银行账号须为 8 至 32 位数字", messageEn: "the account number must be 8 to 32 digits"))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        return PayeeAccount(studioId: studioID, bankName: bank, accountNumber: number)
    }

    func save(by actor: Agent, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO payee_account (studio_id, bank_name, account_number, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET bank_name = excluded.bank_name, account_number = excluded.account_number,
                recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
            """, arguments: [studioId.rawValue, bankName, accountNumber, actor.text, millis])
    }

    static func find(_ studioID: StudioID, in db: Database) throws -> PayeeAccount? {
        try PayeeAccount.fetchOne(db, sql: "SELECT * FROM payee_account WHERE studio_id = ?", arguments: [studioID.rawValue])
    }
}
