import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// `Idempotency-Key` on creates: the first response for a caller and key is stored with the creation, in the
/// same transaction, and returned again for a retry with the same key and the same body. The same key with
/// another body is refused (422), as the IETF Idempotency-Key draft advises.
struct StoredResponse: Sendable {
    var status: Int
    var body: Data

    var response: Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

enum IdempotencyStore {
    static let headerName = HTTPField.Name("Idempotency-Key")!

    /// The key of the request, if it sent one; a key must be 1 to 200 visible ASCII characters.
    static func key(of request: Request) throws -> String? {
        guard let key = request.headers[headerName] else { return nil }
        guard (1...200).contains(key.count), key.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else {
            throw Problem.badRequest(field: "Idempotency-Key", zh: "Idempotency-Key 须为 1 到 200 个可见 ASCII 字符",
                                     en: "Idempotency-Key must be 1 to 200 visible ASCII characters")
        }
        return key
    }

    static func hash(_ body: some Sequence<UInt8>) -> String {
        ContentHash.sha256Hex(body)
    }

    /// The stored response for `key`, nil when the key is new; throws when the key came with another body.
    static func replay(caller: String, key: String, requestHash: String, in db: Database) throws -> StoredResponse? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT request_hash, status, body FROM intake_idempotency WHERE caller = ? AND key = ?"),
                                         arguments: [caller, key]) else { return nil }
        guard row["request_hash"] as String == requestHash else {
            throw Problem.validation([DomainIssue(code: "idempotency_key_reused", field: "Idempotency-Key",
                                                  messageZh: "该 Idempotency-Key 已用于另一个请求内容", messageEn: "this Idempotency-Key was already used with a different request body")])
        }
        return StoredResponse(status: row["status"], body: row["body"])
    }

    static func store(caller: String, key: String, requestHash: String, response: StoredResponse, now: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO intake_idempotency (caller, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [caller, key, requestHash, response.status, response.body, now])
    }
}

/// What an idempotent create is kept and matched under: the caller's scope, the key it sent (nil: none, so nothing is
/// stored) and the hash of what it sent. `IntakeDatabase.idempotent` runs the create with it.
struct IdempotentRequest: Sendable {
    var caller: String
    var key: String?
    var requestHash: String

    /// The request's `Idempotency-Key` (400 when malformed) and the hash of `body`, for `caller`.
    init(_ request: Request, caller: String, body: some Sequence<UInt8>) throws {
        self.caller = caller
        key = try IdempotencyStore.key(of: request)
        requestHash = IdempotencyStore.hash(body)
    }
}
