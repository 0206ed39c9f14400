import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// The operator's changes to accounts (the console, OperatorPages): disable or enable, and a service token taken
/// away. Each is written with its audit entry in one transaction. A disabled account's sessions end at their next
/// request (AccountMiddleware clears them).
extension PortalDatabase {
    public func setDisabled(accountID: String, disabled: Bool, by operatorName: String, at now: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET disabled = ? WHERE id = ?", arguments: [disabled, accountID])
            guard db.changesCount == 1 else { return }
            let username: String = try String.fetchOne(db, sql: "SELECT username FROM account WHERE id = ?", arguments: [accountID]) ?? accountID
            try AuditLog.append(actorRole: "operator", actorSubject: operatorName, action: disabled ? "account.disabled" : "account.enabled",
                                subject: username, details: [String: String](), at: now, in: db)
        }
    }

    /// The account's token on each service, with the id the service knows it by (to revoke it there).
    public func tokenIDs(accountID: String) async throws -> [PlatformService: String?] {
        try await writer.read { db in
            var ids: [PlatformService: String?] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT service, token_id FROM account_token WHERE account_id = ?", arguments: [accountID]) {
                if let service = PlatformService(rawValue: row["service"]) { ids[service] = row["token_id"] as String? }
            }
            return ids
        }
    }

    /// Forgets the account's token on `service` after the service revoked it.
    public func removeToken(accountID: String, service: PlatformService, by operatorName: String, at now: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM account_token WHERE account_id = ? AND service = ?", arguments: [accountID, service.rawValue])
            let username: String = try String.fetchOne(db, sql: "SELECT username FROM account WHERE id = ?", arguments: [accountID]) ?? accountID
            try AuditLog.append(actorRole: "operator", actorSubject: operatorName, action: "token.revoked", subject: username,
                                details: ["service": service.rawValue], at: now, in: db)
        }
    }

    public func auditVerification() async throws -> AuditLog.Verification {
        try await writer.read { db in try AuditLog.verify(in: db) }
    }

    public func auditEntries(limit: Int) async throws -> [AuditLog.Entry] {
        try await writer.read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_log") ?? 0
            return try AuditLog.entries(after: max(0, last - Int64(limit)), limit: limit, in: db)
        }
    }
}
