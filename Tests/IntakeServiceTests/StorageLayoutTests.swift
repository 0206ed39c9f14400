import Foundation
import GRDB
@testable import IntakeService
import ServiceKit
import StudioDomain
import XCTest

/// `intake-v6-fewer-trees-per-submission`: the tables a submission writes, stored in their keys' order, a
/// version's form kept once, the history numbered per application; and a database from before it keeps
/// everything it held.
final class StorageLayoutTests: XCTestCase {
    private func migrated(upTo last: String? = nil) throws -> (DatabaseQueue, DatabaseMigrator) {
        var migrator = DatabaseMigrator()
        IntakeSchema.register(in: &migrator)
        let queue = try DatabaseQueue()
        if let last { try migrator.migrate(queue, upTo: last) } else { try migrator.migrate(queue) }
        return (queue, migrator)
    }

    private func form(_ studio: String) -> ApplicationForm { ApplicationForm(studio: StudioForm(name: studio)) }

    func testADatabaseFromBeforeKeepsItsRowsVersionsHistoryAndKeys() throws {
        let (queue, migrator) = try migrated(upTo: "intake-v5-round-reopen-after-cancel")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO intake_round (id, kind, year, opens_on, deadline, quotas_json, created_at)
                VALUES ('R1', 'naming', 2026, '2026-08-01', '2026-10-31', '{}', 1000);
                INSERT INTO intake_application (id, kind, round_id, screening_body, status, version, studio_id, form_json, created_at, updated_at)
                VALUES ('A1', 'naming', 'R1', '330802', 'submitted', 2, NULL, '{"studio":{"name":"二版"}}', 1100, 1300),
                       ('A2', 'projectGrant', 'R1', '330802', 'draft', 0, 'S1', '{}', 1200, 1200);
                INSERT INTO intake_application_version (application_id, version, form_json, recorded_on, recorded_at)
                VALUES ('A1', 1, '{"studio":{"name":"一版"}}', '2026-09-01', 1100),
                       ('A1', 2, '{"studio":{"name":"二版"}}', '2026-09-02', 1300);
                INSERT INTO intake_status_history (application_id, status, source, at) VALUES
                    ('A1', 'draft', 'intake', 1100), ('A2', 'draft', 'intake', 1200),
                    ('A1', 'submitted', 'intake', 1101), ('A1', 'amended', 'intake', 1300);
                INSERT INTO intake_idempotency (caller, key, request_hash, status, body, created_at)
                VALUES ('body:330802', 'k-1', 'h', 201, x'7b7d', 1100);
                """)
        }
        try migrator.migrate(queue)
        try queue.read { db in
            XCTAssertEqual(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, 0)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT id FROM intake_application ORDER BY id"), ["A1", "A2"])
            let history = try Row.fetchAll(db, sql: "SELECT application_id, seq, status FROM intake_status_history ORDER BY application_id, seq")
            XCTAssertEqual(history.map { "\($0["application_id"] as String)#\($0["seq"] as Int) \($0["status"] as String)" },
                           ["A1#1 draft", "A1#2 submitted", "A1#3 amended", "A2#1 draft"])
            let versions = try ApplicationStore.versions(ApplicationID("A1"), page: PageRequest(), in: db).items
            XCTAssertEqual(versions.map { $0.form.studio?.name }, ["一版", "二版"])
            XCTAssertEqual(try Row.fetchOne(db, sql: "SELECT status, body FROM intake_idempotency WHERE caller = 'body:330802' AND key = 'k-1'")?["status"] as Int?, 201)
            // Stored in their keys' order: no rowid any more, and the studio index holds only applications naming a studio
            for table in ["intake_application", "intake_application_version", "intake_status_history"] {
                XCTAssertThrowsError(try Row.fetchAll(db, sql: "SELECT rowid FROM \(table)"), table)
            }
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application INDEXED BY intake_application_studio WHERE studio_id IS NOT NULL"), 1)
        }
    }

    /// Versions 1, 2 and 3: each superseded version keeps the form it had, the current one reads the application's.
    func testEachSupersededVersionKeepsItsFormAndTheCurrentOneIsStoredOnce() throws {
        let (queue, _) = try migrated()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO intake_round (id, kind, year, opens_on, deadline, quotas_json, created_at) VALUES ('R1', 'naming', 2026, '2026-08-01', '2026-10-31', '{}', 1000)")
            let day = LocalDate("2026-09-01")!
            var app = StoredApplication(id: ApplicationID("A1"), kind: .naming, roundId: RoundID("R1"), screeningBody: "330802", status: "submitted",
                                        version: 1, form: form("一版"), submittedOn: day, withdrawnOn: nil, statusReasons: [], createdAt: 1, updatedAt: 1)
            try ApplicationStore.insert(app, in: db)
            try ApplicationStore.recordVersion(app, on: day, at: 1, in: db)
            for (version, name) in [(2, "二版"), (3, "三版")] {
                app.version = version
                app.form = form(name)
                try ApplicationStore.recordVersion(app, on: day, at: Int64(version), in: db)
                try ApplicationStore.update(app, in: db)
            }
            let versions = try ApplicationStore.versions(app.id, page: PageRequest(), in: db).items
            XCTAssertEqual(versions.map(\.version), [1, 2, 3])
            XCTAssertEqual(versions.map { $0.form.studio?.name }, ["一版", "二版", "三版"])
            let stored = try Row.fetchAll(db, sql: "SELECT version, form_json IS NULL AS current FROM intake_application_version ORDER BY version")
            XCTAssertEqual(stored.map { $0["current"] as Bool }, [false, false, true], "the current version's form is the application's, written once")
            let page = try ApplicationStore.versions(app.id, page: PageRequest(limit: 1, after: ["1"]), in: db)
            XCTAssertEqual(page.items.map { $0.form.studio?.name }, ["二版"])
            XCTAssertEqual(page.total, 3)
        }
    }
}
