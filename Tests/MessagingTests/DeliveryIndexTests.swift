import Foundation
import GRDB
@testable import Messaging
import XCTest

/// `messaging-v4-indexes-in-use`: the indexes of `delivery` are the ones its statements use. Every index is written on
/// every change of its rows, so one that no query reads only costs WAL pages (`studiobench --only counters`).
final class DeliveryIndexTests: XCTestCase {
    private func migrated() throws -> DatabaseQueue {
        let database = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        MessagingSchema.register(in: &migrator)
        try migrator.migrate(database)
        return database
    }

    private func plan(_ sql: String, _ db: Database) throws -> String {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: " | ")
    }

    func testTheDeliveryIndexesAreThoseTheQueriesUse() throws {
        let database = try migrated()
        try database.read { db in
            let indexes = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery' AND sql IS NOT NULL"))
            XCTAssertEqual(indexes, ["delivery_due_ready", "delivery_dead", "delivery_lane_open", "delivery_ready_lane"])

            // The dispatcher's due list and its wake-up: only ready rows.
            XCTAssertTrue(try plan("""
                SELECT d.id FROM delivery d JOIN subscription s ON s.id = d.subscription_id
                WHERE d.status = 'ready' AND d.next_attempt_at <= 5 AND s.status = 'active' ORDER BY d.next_attempt_at, d.id LIMIT 64
                """, db).contains("delivery_due_ready"))
            XCTAssertTrue(try plan("SELECT MIN(next_attempt_at) FROM delivery d WHERE d.status = 'ready' AND d.next_attempt_at > 5", db).contains("delivery_due_ready"))
            // The operator's dead letters.
            XCTAssertTrue(try plan("SELECT * FROM delivery WHERE status = 'dead' ORDER BY completed_at DESC LIMIT 5", db).contains("delivery_dead"))
            // By message: the UNIQUE (message_id, subscription_id) index, which made `delivery_message` redundant.
            XCTAssertTrue(try plan("SELECT id FROM delivery WHERE message_id = 'm'", db).contains("sqlite_autoindex_delivery_1"))
            XCTAssertTrue(try plan("DELETE FROM delivery WHERE message_id = 'm'", db).contains("sqlite_autoindex_delivery_1"))
            // The queue's oldest pending delivery of a subscription (the redundant term selects the partial index).
            XCTAssertTrue(try plan("""
                SELECT MIN(created_at) FROM delivery WHERE subscription_id = 's' AND status != 'succeeded' AND status IN ('ready', 'queued')
                """, db).contains("delivery_lane_open"))
        }
    }

    func testTheMigrationKeepsTheRowsAndTheirOrder() throws {
        // A database as messaging-v3 left it, with deliveries in every state, then migrated.
        let database = try DatabaseQueue()
        var old = DatabaseMigrator()
        MessagingSchema.register(in: &old)
        try old.migrate(database, upTo: "messaging-v3-forgotten-through")
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO outbox_message (id, type, version, aggregate, sequence, occurred_at, body) VALUES
                    ('m1', 't', 1, 'a', 1, 1, x''), ('m2', 't', 1, 'a', 2, 2, x''), ('m3', 't', 1, 'b', 1, 3, x'');
                INSERT INTO subscription (id, name, url, event_types, status, secret, created_at, updated_at)
                    VALUES ('s', 'n', 'http://x', '[]', 'active', 'k', 0, 0);
                INSERT INTO delivery (message_id, subscription_id, aggregate, sequence, status, next_attempt_at, created_at, completed_at) VALUES
                    ('m1', 's', 'a', 1, 'succeeded', 1, 1, 5), ('m2', 's', 'a', 2, 'ready', 20, 2, NULL), ('m3', 's', 'b', 1, 'dead', 10, 3, 9);
                """)
        }
        var migrator = DatabaseMigrator()
        MessagingSchema.register(in: &migrator)
        try migrator.migrate(database)
        try database.read { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT message_id FROM delivery INDEXED BY delivery_due_ready WHERE status = 'ready' ORDER BY next_attempt_at"), ["m2"])
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT message_id FROM delivery INDEXED BY delivery_dead WHERE status = 'dead'"), ["m3"])
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery"), 3)
            XCTAssertEqual(try Row.fetchAll(db, sql: "PRAGMA integrity_check").first?[0] as String?, "ok")
        }
    }

    /// `messaging-v5-keyed-outbox-aggregate`: the producer's last sequence per aggregate is one tree, keyed by the
    /// aggregate, with every row it held; the outbox goes on numbering from it.
    func testTheOutboxAggregatesAreKeyedByTheirNameWithTheirSequences() throws {
        let database = try DatabaseQueue()
        var old = DatabaseMigrator()
        MessagingSchema.register(in: &old)
        try old.migrate(database, upTo: "messaging-v4-indexes-in-use")
        try database.write { db in
            try db.execute(sql: "INSERT INTO outbox_aggregate (aggregate, last_sequence) VALUES ('application:A1', 3), ('studio:S1', 7)")
        }
        var migrator = DatabaseMigrator()
        MessagingSchema.register(in: &migrator)
        try migrator.migrate(database)
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT aggregate, last_sequence FROM outbox_aggregate ORDER BY aggregate")
            XCTAssertEqual(rows.map { "\($0["aggregate"] as String)=\($0["last_sequence"] as Int)" }, ["application:A1=3", "studio:S1=7"])
            XCTAssertThrowsError(try Row.fetchAll(db, sql: "SELECT rowid FROM outbox_aggregate"), "a WITHOUT ROWID table has no rowid")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'outbox_aggregate' AND type = 'index'"), 0,
                           "the key is the table: no second tree")
        }
    }
}
