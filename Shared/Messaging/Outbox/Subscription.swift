import Foundation
import GRDB
import Synchronization

/// A receiver of this service's events: where to POST, which event types, and the signing secret(s).
public struct SubscriptionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "subscription"

    public enum Status: String, Codable, Sendable { case active, disabled }

    public var id: String
    public var name: String
    public var url: String
    /// JSON array of event types; `["*"]` takes every type.
    public var eventTypes: String
    public var status: Status
    public var disabledReason: String?
    public var secret: String
    /// The secret before the last rotation, still used to sign (alongside the new one) until it expires.
    public var previousSecret: String?
    public var previousSecretExpiresAt: Int64?
    /// After a 429 or 503 the subscription is paused until this instant.
    public var throttledUntil: Int64?
    public var throttleLevel: Int
    public var createdAt: Int64
    public var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, url, status, secret
        case eventTypes = "event_types"
        case disabledReason = "disabled_reason"
        case previousSecret = "previous_secret"
        case previousSecretExpiresAt = "previous_secret_expires_at"
        case throttledUntil = "throttled_until"
        case throttleLevel = "throttle_level"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public var eventTypeList: [String] {
        // Every outbox append asks every subscription: decode each distinct list once per process.
        if let known = Self.parsedEventTypes.withLock({ $0[eventTypes] }) { return known }
        let parsed = (try? JSONDecoder().decode([String].self, from: Data(eventTypes.utf8))) ?? []
        Self.parsedEventTypes.withLock { cache in
            if cache.count > 1_000 { cache.removeAll() }  // a bound, far above any real number of subscriptions
            cache[eventTypes] = parsed
        }
        return parsed
    }

    private static let parsedEventTypes = Mutex<[String: [String]]>([:])

    /// Deliveries are created for a subscription even while it is disabled: they wait, never dropped.
    public func accepts(type: String) -> Bool {
        let types = eventTypeList
        return types.contains("*") || types.contains(type)
            || types.contains { $0.hasSuffix(".*") && type.hasPrefix($0.dropLast()) }
    }

    /// The secrets to sign with right now: the current one, plus the previous one during a rotation.
    public func signingSecrets(nowMillis: Int64) -> [WebhookSecret] {
        var secrets: [WebhookSecret] = []
        if let current = try? WebhookSecret(secret) { secrets.append(current) }
        if let previousSecret, let expires = previousSecretExpiresAt, expires > nowMillis,
           let previous = try? WebhookSecret(previousSecret) {
            secrets.append(previous)
        }
        return secrets
    }
}

public enum SubscriptionError: Error, Sendable, Equatable {
    case invalidURL(String)
    case invalidEventTypes
    case invalidSecret
    case duplicateName(String)
    case notFound(String)
}

/// Creating, changing, disabling and rotating subscriptions (MESSAGING.md §7).
public enum Subscriptions {
    public static func create(name: String, url: String, eventTypes: [String], secret: String?, nowMillis: Int64, in db: Database) throws -> SubscriptionRecord {
        try validate(url: url, eventTypes: eventTypes)
        let secretValue: String
        if let secret {
            guard let parsed = try? WebhookSecret(secret) else { throw SubscriptionError.invalidSecret }
            secretValue = parsed.encoded
        } else {
            secretValue = WebhookSecret.generate().encoded
        }
        if try SubscriptionRecord.filter(Column("name") == name).fetchCount(db) > 0 {
            throw SubscriptionError.duplicateName(name)
        }
        let record = SubscriptionRecord(
            id: "sub_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20),
            name: name, url: url, eventTypes: encode(eventTypes), status: .active, disabledReason: nil,
            secret: secretValue, previousSecret: nil, previousSecretExpiresAt: nil, throttledUntil: nil,
            throttleLevel: 0, createdAt: nowMillis, updatedAt: nowMillis)
        try record.insert(db)
        return record
    }

    public static func find(_ idOrName: String, in db: Database) throws -> SubscriptionRecord {
        if let record = try SubscriptionRecord.fetchOne(db, sql: "SELECT * FROM subscription WHERE id = ? OR name = ?", arguments: [idOrName, idOrName]) {
            return record
        }
        throw SubscriptionError.notFound(idOrName)
    }

    public static func update(_ idOrName: String, url: String?, eventTypes: [String]?, active: Bool?, nowMillis: Int64, in db: Database) throws -> SubscriptionRecord {
        var record = try find(idOrName, in: db)
        try validate(url: url ?? record.url, eventTypes: eventTypes ?? record.eventTypeList)
        if let url { record.url = url }
        if let eventTypes { record.eventTypes = encode(eventTypes) }
        if let active {
            record.status = active ? .active : .disabled
            record.disabledReason = active ? nil : "disabled by an operator"
            if active { record.throttledUntil = nil; record.throttleLevel = 0 }
        }
        record.updatedAt = nowMillis
        try record.update(db)
        return record
    }

    /// A new secret signs from now on; the old one keeps signing beside it for `grace`, so a receiver
    /// that has not yet been given the new secret keeps verifying (MESSAGING.md §5).
    public static func rotateSecret(_ idOrName: String, newSecret: String?, grace: Duration, nowMillis: Int64, in db: Database) throws -> SubscriptionRecord {
        var record = try find(idOrName, in: db)
        let secret: WebhookSecret
        if let newSecret {
            guard let parsed = try? WebhookSecret(newSecret) else { throw SubscriptionError.invalidSecret }
            secret = parsed
        } else {
            secret = WebhookSecret.generate()
        }
        record.previousSecret = record.secret
        record.previousSecretExpiresAt = nowMillis + grace.milliseconds
        record.secret = secret.encoded
        record.updatedAt = nowMillis
        try record.update(db)
        return record
    }

    static func validate(url: String, eventTypes: [String]) throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
            throw SubscriptionError.invalidURL(url)
        }
        guard !eventTypes.isEmpty, eventTypes.allSatisfy({ !$0.isEmpty && $0.count <= 100 }) else {
            throw SubscriptionError.invalidEventTypes
        }
    }

    static func encode(_ eventTypes: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(eventTypes), as: UTF8.self)
    }
}

extension SubscriptionRecord {
    /// Read by column name without the `Decodable` machinery (the dispatcher reads one per delivery).
    public init(row: Row) throws {
        id = row["id"]; name = row["name"]; url = row["url"]; eventTypes = row["event_types"]
        let statusText: String = row["status"]
        guard let status = Status(rawValue: statusText) else {
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "subscription \(id): unknown status \(statusText)")
        }
        self.status = status
        disabledReason = row["disabled_reason"]; secret = row["secret"]; previousSecret = row["previous_secret"]
        previousSecretExpiresAt = row["previous_secret_expires_at"]; throttledUntil = row["throttled_until"]
        throttleLevel = row["throttle_level"]; createdAt = row["created_at"]; updatedAt = row["updated_at"]
    }
}
