import Foundation
import GRDB

/// A delivery as the dispatcher sees it.
public struct DueDelivery: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var messageID: String
    public var subscriptionID: String
    public var aggregate: String
    public var sequence: Int64
    public var attempts: Int
    public var createdAt: Int64

    /// Read by position: `id, message_id, subscription_id, aggregate, sequence, attempts, created_at`, as
    /// `fetchDue` and `nextInLane` select them.
    public init(row: Row) {
        id = row[0]; messageID = row[1]; subscriptionID = row[2]; aggregate = row[3]
        sequence = row[4]; attempts = row[5]; createdAt = row[6]
    }
}

/// A lane's head with what goes on the wire: the body as stored and the subscription as it is now.
struct LaneItem: Sendable {
    var delivery: DueDelivery
    var body: [UInt8]
    var subscription: SubscriptionRecord
}

/// The rows behind per-aggregate order without head-of-line blocking (MESSAGING.md §4).
/// A lane is (subscription, aggregate). Its lowest-sequence open delivery is `ready`, the rest are
/// `queued`; a `dead` head blocks only its own lane until it is replayed.
public enum DeliveryQueue {
    static func enqueue(messageID: String, subscriptionID: String, aggregate: String, sequence: Int64, now: Int64, in db: Database) throws {
        let laneBusy = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM delivery WHERE subscription_id = ? AND aggregate = ? AND status != 'succeeded')
            """), arguments: [subscriptionID, aggregate]) ?? false
        try db.cachedStatement(sql: """
            INSERT INTO delivery (message_id, subscription_id, aggregate, sequence, status, attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?)
            """).execute(arguments: [messageID, subscriptionID, aggregate, sequence, laneBusy ? "queued" : "ready", now, now])
    }

    /// Makes the lowest open delivery of the lane its head. A replay can put an older delivery in front
    /// of the current head; the head then steps back to `queued`.
    static func normalizeLane(subscriptionID: String, aggregate: String, now: Int64, in db: Database) throws {
        // Only the head and the lane's other `ready` rows matter: reading the whole open lane made a backlog
        // of n events per lane cost O(n²) (each success re-read every queued row behind it).
        guard let head = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, status FROM delivery WHERE subscription_id = ? AND aggregate = ? AND status != 'succeeded'
            ORDER BY sequence LIMIT 1
            """), arguments: [subscriptionID, aggregate]) else { return }
        let headID: Int64 = head["id"]
        let headStatus: String = head["status"]
        if headStatus == "queued" {
            try db.cachedStatement(sql: "UPDATE delivery SET status = 'ready', next_attempt_at = MAX(next_attempt_at, ?) WHERE id = ?")
                .execute(arguments: [now, headID])
        }
        // A lane has about one ready row: find it through the partial index of ready rows by lane, not by walking
        // the lane's queued rows (O(n²) for a backlog) nor every lane's ready rows (O(lanes) per delivery).
        try db.cachedStatement(sql: """
            UPDATE delivery SET status = 'queued'
            WHERE id IN (SELECT id FROM delivery INDEXED BY delivery_ready_lane
                         WHERE status = 'ready' AND subscription_id = ? AND aggregate = ? AND id != ?)
            """).execute(arguments: [subscriptionID, aggregate, headID])
    }

    /// Heads that are due, of active subscriptions that are not paused.
    public static func fetchDue(now: Int64, limit: Int, in db: Database) throws -> [DueDelivery] {
        try DueDelivery.fetchAll(db.cachedStatement(sql: """
            SELECT d.id, d.message_id, d.subscription_id, d.aggregate, d.sequence, d.attempts, d.created_at
            FROM delivery d JOIN subscription s ON s.id = d.subscription_id
            WHERE d.status = 'ready' AND d.next_attempt_at <= ?
              AND s.status = 'active' AND (s.throttled_until IS NULL OR s.throttled_until <= ?)
            ORDER BY d.next_attempt_at, d.id
            LIMIT ?
            """), arguments: [now, now, limit])
    }

    /// The earliest instant after `now` at which something becomes due, to sleep until then. Whatever is due
    /// at `now` is the caller's to launch (or already on the wire, whose completion rings the doorbell).
    public static func nextWakeUp(after now: Int64, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT MIN(MAX(d.next_attempt_at, COALESCE(s.throttled_until, 0)))
            FROM delivery d JOIN subscription s ON s.id = d.subscription_id
            WHERE d.status = 'ready' AND s.status = 'active'
              AND MAX(d.next_attempt_at, COALESCE(s.throttled_until, 0)) > ?
            """), arguments: [now])
    }

    /// The body of an outbox message, as sent.
    static func body(messageID: String, in db: Database) throws -> [UInt8]? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM outbox_message WHERE id = ?"), arguments: [messageID]).map { Array($0) }
    }

    static func subscription(id: String, in db: Database) throws -> SubscriptionRecord? {
        try SubscriptionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM subscription WHERE id = ?"), arguments: [id])
    }

    /// The lane's next delivery, if it is the lane's head, due at `now`, and its subscription is active and not
    /// paused: what the dispatcher sends next on the same slot after a success (read in the recording transaction).
    static func nextInLane(of delivery: DueDelivery, now: Int64, in db: Database) throws
        -> LaneItem? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT d.id, d.message_id, d.subscription_id, d.aggregate, d.sequence, d.attempts, d.created_at, m.body,
                   d.status = 'ready' AND d.next_attempt_at <= ? AS due
            FROM delivery d JOIN outbox_message m ON m.id = d.message_id
            WHERE d.subscription_id = ? AND d.aggregate = ? AND d.status != 'succeeded'
            ORDER BY d.sequence LIMIT 1
            """), arguments: [now, delivery.subscriptionID, delivery.aggregate]) else { return nil }
        let next = DueDelivery(row: row)
        let due: Bool = row[8]
        guard due, let subscription = try subscription(id: delivery.subscriptionID, in: db),
              subscription.status == .active, (subscription.throttledUntil ?? 0) <= now else { return nil }
        let body: Data = row[7]
        return LaneItem(delivery: next, body: Array(body), subscription: subscription)
    }

    /// Pending = ready + queued, per subscription.
    public static func depth(in db: Database) throws -> [String: (ready: Int, queued: Int, dead: Int)] {
        var result: [String: (ready: Int, queued: Int, dead: Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT subscription_id, status, COUNT(*) AS n FROM delivery
            WHERE status != 'succeeded' GROUP BY subscription_id, status
            """) {
            let id: String = row["subscription_id"]
            var entry = result[id] ?? (0, 0, 0)
            switch row["status"] as String {
            case "ready": entry.ready = row["n"]
            case "queued": entry.queued = row["n"]
            default: entry.dead = row["n"]
            }
            result[id] = entry
        }
        return result
    }

    /// Sends the delivery again from the start of the schedule. A succeeded one is simply re-sent
    /// (the receiver's inbox makes that harmless); a dead one unblocks its lane.
    @discardableResult
    public static func replay(deliveryIDs: [Int64], now: Int64, in db: Database) throws -> Int {
        var lanes = Set<[String]>()
        var count = 0
        for id in deliveryIDs {
            guard let row = try Row.fetchOne(db, sql: "SELECT subscription_id, aggregate, status FROM delivery WHERE id = ?", arguments: [id]) else { continue }
            try db.execute(sql: """
                UPDATE delivery SET status = 'queued', attempts = 0, next_attempt_at = ?, completed_at = NULL
                WHERE id = ?
                """, arguments: [now, id])
            lanes.insert([row["subscription_id"], row["aggregate"]])
            count += 1
        }
        for lane in lanes {
            try normalizeLane(subscriptionID: lane[0], aggregate: lane[1], now: now, in: db)
        }
        return count
    }

    /// Attaches deliveries for a subscription that did not exist when these messages were written
    /// (a time-range replay to a new receiver); existing deliveries are left to `replay`.
    static func attachMissing(messageIDs: [String], subscription: SubscriptionRecord, now: Int64, in db: Database) throws -> [Int64] {
        var created: [Int64] = []
        for id in messageIDs {
            guard let row = try Row.fetchOne(db, sql: "SELECT type, aggregate, sequence FROM outbox_message WHERE id = ?", arguments: [id]),
                  subscription.accepts(type: row["type"]) else { continue }
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM delivery WHERE message_id = ? AND subscription_id = ?)", arguments: [id, subscription.id]) ?? false
            if exists { continue }
            try enqueue(messageID: id, subscriptionID: subscription.id, aggregate: row["aggregate"], sequence: row["sequence"], now: now, in: db)
            created.append(db.lastInsertedRowID)
            try normalizeLane(subscriptionID: subscription.id, aggregate: row["aggregate"], now: now, in: db)
        }
        return created
    }
}
