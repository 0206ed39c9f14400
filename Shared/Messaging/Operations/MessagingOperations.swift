import Foundation
import GRDB
import StudioDomain

/// What the operations API shows of the outbox (MESSAGING.md §7). Instants are RFC 3339 UTC.
public struct MessageView: Codable, Sendable {
    public var id: String
    public var type: String
    public var version: Int
    public var aggregate: String
    public var sequence: Int64
    public var occurredAt: Date
    public var deliveries: [DeliveryView]?
}

public struct DeliveryView: Codable, Sendable {
    public var id: Int64
    public var messageId: String
    public var subscriptionId: String
    public var aggregate: String
    public var sequence: Int64
    /// ready (head of its lane, waiting for its time), queued (behind an earlier event of the same
    /// aggregate), succeeded, dead (dead letter).
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var completedAt: Date?
    public var lastStatusCode: Int?
    public var lastError: String?
    public var attemptLog: [AttemptView]?
}

public struct AttemptView: Codable, Sendable {
    public var attemptedAt: Date
    public var outcome: String
    public var statusCode: Int?
    public var latencyMs: Double
    public var error: String?
}

public struct QueueDepthView: Codable, Sendable {
    public struct PerSubscription: Codable, Sendable {
        public var subscriptionId: String
        public var name: String
        public var status: String
        public var ready: Int
        public var queued: Int
        public var dead: Int
        public var oldestPendingAt: Date?
    }

    public var pending: Int
    public var dead: Int
    public var subscriptions: [PerSubscription]
}

public struct MessageFilter: Sendable {
    public var status: String?
    public var type: String?
    public var aggregate: String?
    public var subscriptionId: String?
    public var from: Date?
    public var to: Date?
    public var limit: Int

    public init(status: String? = nil, type: String? = nil, aggregate: String? = nil, subscriptionId: String? = nil,
                from: Date? = nil, to: Date? = nil, limit: Int = 100) {
        self.status = status
        self.type = type
        self.aggregate = aggregate
        self.subscriptionId = subscriptionId
        self.from = from
        self.to = to
        self.limit = min(max(limit, 1), 1000)
    }
}

public enum MessagingOperations {
    public static func messages(_ filter: MessageFilter, in db: Database) throws -> [MessageView] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let type = filter.type { clauses.append("m.type = ?"); arguments.append(type) }
        if let aggregate = filter.aggregate { clauses.append("m.aggregate = ?"); arguments.append(aggregate) }
        if let from = filter.from { clauses.append("m.occurred_at >= ?"); arguments.append(Millis.from(from)) }
        if let to = filter.to { clauses.append("m.occurred_at < ?"); arguments.append(Millis.from(to)) }
        if filter.status != nil || filter.subscriptionId != nil {
            var sub = "EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = m.id"
            if let status = filter.status {
                if status == "pending" { sub += " AND d.status IN ('ready', 'queued')" } else { sub += " AND d.status = ?"; arguments.append(status) }
            }
            if let subscription = filter.subscriptionId { sub += " AND d.subscription_id = ?"; arguments.append(subscription) }
            clauses.append(sub + ")")
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments.append(filter.limit)
        let rows = try Row.fetchAll(db, sql: """
            SELECT m.id, m.type, m.version, m.aggregate, m.sequence, m.occurred_at FROM outbox_message m
            \(whereClause) ORDER BY m.occurred_at DESC, m.rowid DESC LIMIT ?
            """, arguments: StatementArguments(arguments))
        return try rows.map { row in
            let id: String = row["id"]
            return MessageView(id: id, type: row["type"], version: row["version"], aggregate: row["aggregate"],
                               sequence: row["sequence"], occurredAt: Millis.date(row["occurred_at"]),
                               deliveries: try deliveries(sql: "message_id = ?", arguments: [id], withAttempts: false, in: db))
        }
    }

    public static func message(id: String, in db: Database) throws -> MessageView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, type, version, aggregate, sequence, occurred_at FROM outbox_message WHERE id = ?", arguments: [id]) else { return nil }
        return MessageView(id: id, type: row["type"], version: row["version"], aggregate: row["aggregate"],
                           sequence: row["sequence"], occurredAt: Millis.date(row["occurred_at"]),
                           deliveries: try deliveries(sql: "message_id = ?", arguments: [id], withAttempts: true, in: db))
    }

    public static func body(id: String, in db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT body FROM outbox_message WHERE id = ?", arguments: [id])
    }

    public static func deadLetters(subscriptionId: String?, limit: Int, in db: Database) throws -> [DeliveryView] {
        if let subscriptionId {
            return try deliveries(sql: "status = 'dead' AND subscription_id = ? ORDER BY completed_at DESC LIMIT ?", arguments: [subscriptionId, limit], withAttempts: true, in: db)
        }
        return try deliveries(sql: "status = 'dead' ORDER BY completed_at DESC LIMIT ?", arguments: [limit], withAttempts: true, in: db)
    }

    static func deliveries(sql condition: String, arguments: StatementArguments, withAttempts: Bool, in db: Database) throws -> [DeliveryView] {
        try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE \(condition)", arguments: arguments).map { row in
            let id: Int64 = row["id"]
            let status: String = row["status"]
            var view = DeliveryView(
                id: id, messageId: row["message_id"], subscriptionId: row["subscription_id"], aggregate: row["aggregate"],
                sequence: row["sequence"], status: status, attempts: row["attempts"],
                nextAttemptAt: status == "ready" || status == "queued" ? Millis.date(row["next_attempt_at"]) : nil,
                createdAt: Millis.date(row["created_at"]), completedAt: (row["completed_at"] as Int64?).map(Millis.date),
                lastStatusCode: row["last_status_code"], lastError: row["last_error"], attemptLog: nil)
            if withAttempts {
                view.attemptLog = try Row.fetchAll(db, sql: "SELECT * FROM delivery_attempt WHERE delivery_id = ? ORDER BY id", arguments: [id]).map { a in
                    AttemptView(attemptedAt: Millis.date(a["attempted_at"]), outcome: a["outcome"], statusCode: a["status_code"],
                                latencyMs: Double(a["latency_us"] as Int64) / 1000, error: a["error"])
                }
            }
            return view
        }
    }

    /// Replays one message to every subscription that had it, or to one.
    public static func replay(messageID: String, subscriptionID: String?, nowMillis: Int64, in db: Database) throws -> Int {
        var ids = try Int64.fetchAll(db, sql: "SELECT id FROM delivery WHERE message_id = ?", arguments: [messageID])
        if let subscriptionID {
            let subscription = try Subscriptions.find(subscriptionID, in: db)
            ids = try Int64.fetchAll(db, sql: "SELECT id FROM delivery WHERE message_id = ? AND subscription_id = ?", arguments: [messageID, subscription.id])
            ids += try DeliveryQueue.attachMissing(messageIDs: [messageID], subscription: subscription, now: nowMillis, in: db)
        }
        return try DeliveryQueue.replay(deliveryIDs: ids, now: nowMillis, in: db)
    }

    /// Replays the messages that occurred in [from, to): only dead letters, or everything, optionally
    /// for one subscription (which also back-fills a subscription created after the messages).
    public static func replay(from: Date, to: Date, subscriptionID: String?, onlyDead: Bool, nowMillis: Int64, in db: Database) throws -> Int {
        var sql = """
            SELECT d.id FROM delivery d JOIN outbox_message m ON m.id = d.message_id
            WHERE m.occurred_at >= ? AND m.occurred_at < ?
            """
        var arguments: [any DatabaseValueConvertible] = [Millis.from(from), Millis.from(to)]
        var subscription: SubscriptionRecord?
        if let subscriptionID {
            subscription = try Subscriptions.find(subscriptionID, in: db)
            sql += " AND d.subscription_id = ?"
            arguments.append(subscription!.id)
        }
        if onlyDead { sql += " AND d.status = 'dead'" }
        var ids = try Int64.fetchAll(db, sql: sql + " ORDER BY m.aggregate, m.sequence", arguments: StatementArguments(arguments))
        if let subscription, !onlyDead {
            let messageIDs = try String.fetchAll(db, sql: "SELECT id FROM outbox_message WHERE occurred_at >= ? AND occurred_at < ? ORDER BY aggregate, sequence",
                                                 arguments: [Millis.from(from), Millis.from(to)])
            ids += try DeliveryQueue.attachMissing(messageIDs: messageIDs, subscription: subscription, now: nowMillis, in: db)
        }
        return try DeliveryQueue.replay(deliveryIDs: ids, now: nowMillis, in: db)
    }

    /// A test event this service received (`webhook.test`), as the inbox recorded it.
    public struct ReceivedTestEvent: Sendable {
        public var webhookId: String
        public var source: String
        public var aggregate: String
        public var sequence: Int64
        public var note: String
        public var receivedAt: Int64
    }

    /// The test events received, oldest first.
    public static func receivedTestEvents(limit: Int, in db: Database) throws -> [ReceivedTestEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM webhook_test_received ORDER BY id LIMIT ?", arguments: [limit]).map {
            ReceivedTestEvent(webhookId: $0["webhook_id"], source: $0["source"], aggregate: $0["aggregate"], sequence: $0["sequence"],
                              note: $0["note"], receivedAt: $0["received_at"])
        }
    }

    public static func queueDepth(in db: Database) throws -> QueueDepthView {
        let depth = try DeliveryQueue.depth(in: db)
        var subscriptions: [QueueDepthView.PerSubscription] = []
        for subscription in try SubscriptionRecord.order(Column("name")).fetchAll(db) {
            let entry = depth[subscription.id] ?? (0, 0, 0)
            // `status != 'succeeded'` says nothing new; it lets SQLite use the partial index of a lane's open deliveries.
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(created_at) FROM delivery WHERE subscription_id = ? AND status != 'succeeded' AND status IN ('ready', 'queued')", arguments: [subscription.id])
            subscriptions.append(.init(subscriptionId: subscription.id, name: subscription.name, status: subscription.status.rawValue,
                                       ready: entry.ready, queued: entry.queued, dead: entry.dead, oldestPendingAt: oldest.map(Millis.date)))
        }
        return QueueDepthView(pending: subscriptions.reduce(0) { $0 + $1.ready + $1.queued },
                              dead: subscriptions.reduce(0) { $0 + $1.dead }, subscriptions: subscriptions)
    }

    /// Removes inbox ids older than `inboxRetention` and fully delivered outbox messages older than
    /// `outboxRetention`. The inbox retention must outlast the retry span (MESSAGING.md §6).
    public static func prune(nowMillis: Int64, inboxRetention: Duration, outboxRetention: Duration, in db: Database) throws -> (inbox: Int, outbox: Int) {
        let inboxCutoff = nowMillis - inboxRetention.milliseconds
        // Remember how far each aggregate's ids are forgotten, so a replay of a pruned event still has no effect.
        try db.execute(sql: """
            INSERT INTO inbox_aggregate (source, aggregate, last_sequence, forgotten_through)
            SELECT source, aggregate, MAX(sequence), MAX(sequence) FROM inbox_message WHERE received_at < ? GROUP BY source, aggregate
            ON CONFLICT (source, aggregate) DO UPDATE SET forgotten_through = MAX(forgotten_through, excluded.forgotten_through),
                last_sequence = MAX(last_sequence, excluded.last_sequence)
            """, arguments: [inboxCutoff])
        try db.execute(sql: "DELETE FROM inbox_message WHERE received_at < ?", arguments: [inboxCutoff])
        let inbox = db.changesCount
        let cutoff = nowMillis - outboxRetention.milliseconds
        let old = try String.fetchAll(db, sql: """
            SELECT m.id FROM outbox_message m WHERE m.occurred_at < ?
              AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = m.id AND d.status != 'succeeded')
            LIMIT 10000
            """, arguments: [cutoff])
        for id in old {
            try db.execute(sql: "DELETE FROM delivery_attempt WHERE delivery_id IN (SELECT id FROM delivery WHERE message_id = ?)", arguments: [id])
            try db.execute(sql: "DELETE FROM delivery WHERE message_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM outbox_message WHERE id = ?", arguments: [id])
        }
        return (inbox, old.count)
    }
}
