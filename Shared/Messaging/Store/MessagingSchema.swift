import Foundation
import GRDB

/// The tables of the webhook backbone, added to every service's own migrator.
/// Instants are integer milliseconds since the Unix epoch (UTC).
public enum MessagingSchema {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("messaging-v1") { db in
            try db.execute(sql: """
                CREATE TABLE outbox_message (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    aggregate TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    UNIQUE (aggregate, sequence)
                );
                CREATE INDEX outbox_message_time ON outbox_message(occurred_at);

                CREATE TABLE outbox_aggregate (
                    aggregate TEXT PRIMARY KEY NOT NULL,
                    last_sequence INTEGER NOT NULL
                );

                CREATE TABLE subscription (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    event_types TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
                    disabled_reason TEXT,
                    secret TEXT NOT NULL,
                    previous_secret TEXT,
                    previous_secret_expires_at INTEGER,
                    throttled_until INTEGER,
                    throttle_level INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );

                -- One row per (message, subscription). A lane is (subscription, aggregate): only its
                -- lowest open delivery is 'ready'; the ones behind it are 'queued' (MESSAGING.md §4).
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL REFERENCES outbox_message(id),
                    subscription_id TEXT NOT NULL REFERENCES subscription(id),
                    aggregate TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('ready', 'queued', 'succeeded', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    completed_at INTEGER,
                    last_status_code INTEGER,
                    last_error TEXT,
                    UNIQUE (message_id, subscription_id)
                );
                CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
                CREATE INDEX delivery_lane_open ON delivery(subscription_id, aggregate, sequence)
                    WHERE status != 'succeeded';
                CREATE INDEX delivery_message ON delivery(message_id);

                CREATE TABLE delivery_attempt (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    delivery_id INTEGER NOT NULL REFERENCES delivery(id),
                    attempted_at INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    status_code INTEGER,
                    latency_us INTEGER NOT NULL,
                    error TEXT
                );
                CREATE INDEX delivery_attempt_delivery ON delivery_attempt(delivery_id);

                -- The inbox (MESSAGING.md §6): every applied webhook-id, committed with its effect.
                CREATE TABLE inbox_message (
                    webhook_id TEXT PRIMARY KEY NOT NULL,
                    source TEXT NOT NULL,
                    type TEXT NOT NULL,
                    aggregate TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'ignored')),
                    received_at INTEGER NOT NULL
                );
                CREATE INDEX inbox_message_received ON inbox_message(received_at);

                -- The highest sequence applied per (source, aggregate): a second guard against a replay
                -- of an event older than what was already applied, even after its id left the inbox.
                CREATE TABLE inbox_aggregate (
                    source TEXT NOT NULL,
                    aggregate TEXT NOT NULL,
                    last_sequence INTEGER NOT NULL,
                    PRIMARY KEY (source, aggregate)
                );

                CREATE TABLE inbound_secret (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    UNIQUE (source, secret)
                );

                CREATE TABLE webhook_test_received (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    webhook_id TEXT NOT NULL,
                    source TEXT NOT NULL,
                    aggregate TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    note TEXT NOT NULL,
                    received_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("messaging-v2-ready-lane") { db in
            // The `ready` rows of one lane (about one): what `DeliveryQueue.normalizeLane` looks for after every
            // success. Through `delivery_due` it scanned every ready row of every lane, O(lanes) per delivery.
            try db.execute(sql: "CREATE INDEX delivery_ready_lane ON delivery(subscription_id, aggregate) WHERE status = 'ready'")
        }
        migrator.registerMigration("messaging-v3-forgotten-through") { db in
            // The highest sequence of an aggregate whose inbox id was pruned: below it the inbox can no longer tell
            // an event it applied from one it never saw, so only there does a sequence alone make a duplicate.
            try db.execute(sql: "ALTER TABLE inbox_aggregate ADD COLUMN forgotten_through INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("messaging-v4-indexes-in-use") { db in
            // Indexes no query needed, found with EXPLAIN QUERY PLAN over every statement on `delivery`:
            // - `delivery_message (message_id)` is the first column of the UNIQUE (message_id, subscription_id)
            //   index, which already serves every lookup by message;
            // - `delivery_due (status, next_attempt_at)` held every delivery ever made, one entry moved on every status
            //   change; the dispatcher looks only at `ready` rows and the operator's views only at `dead` ones, so two
            //   partial indexes hold just those (a success now deletes one entry instead of moving it).
            try db.execute(sql: """
                DROP INDEX delivery_message;
                DROP INDEX delivery_due;
                CREATE INDEX delivery_due_ready ON delivery(next_attempt_at) WHERE status = 'ready';
                CREATE INDEX delivery_dead ON delivery(completed_at) WHERE status = 'dead';
                """)
        }
        migrator.registerMigration("messaging-v5-keyed-outbox-aggregate") { db in
            // The producer's last sequence per aggregate, stored in the aggregate's order (`WITHOUT ROWID`): a rowid
            // table with a TEXT PRIMARY KEY is two B-trees (the rows by rowid, and the key's index), so each new
            // aggregate changed a page in both, and each commit appends every changed page to the WAL. No statement
            // reads its rowid. Rebuilt with its rows (create, copy, drop, rename). (The inbox's `inbox_message` was
            // tried the same way and appended more pages per event, not fewer: its rows are wider than its key's
            // index entries, so the keyed tree splits more often; it stays as it is.)
            try db.execute(sql: """
                CREATE TABLE outbox_aggregate_keyed (
                    aggregate TEXT PRIMARY KEY NOT NULL,
                    last_sequence INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO outbox_aggregate_keyed (aggregate, last_sequence) SELECT aggregate, last_sequence FROM outbox_aggregate;
                DROP TABLE outbox_aggregate;
                ALTER TABLE outbox_aggregate_keyed RENAME TO outbox_aggregate;
                """)
        }
    }
}

/// Milliseconds since the Unix epoch, the storage form of an instant.
public enum Millis {
    public static func now(_ clock: () -> Date = Date.init) -> Int64 { from(clock()) }
    public static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}
