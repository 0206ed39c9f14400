import Foundation
import GRDB
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The tamper-evident audit log: a hash chain whose verification names the first broken entry.
final class AuditLogTests: XCTestCase {
    struct Payment: Encodable { var grant: String; var amountFen: Int64 }

    func makeLog(entries: Int) throws -> any DatabaseWriter {
        let database = try ServiceDatabase.open(path: ":memory:", module: BareModule())
        try database.write { db in
            for index in 1...entries {
                try AuditLog.append(actorRole: "finance", actorSubject: nil, action: "grant.paid", subject: "grant:\(index)",
                                    details: Payment(grant: "g\(index)", amountFen: 1_000_000), at: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)), in: db)
            }
        }
        return database
    }

    func testNamedStringDetailsAreTheEncodersBytes() throws {
        let database = try ServiceDatabase.open(path: ":memory:", module: BareModule())
        let cases: [[String: String]] = [
            [:],
            ["round": "rnd_1", "version": "1", "submittedOn": "2026-03-01"],
            ["reason": "引号\"、反斜杠\\、斜杠/、换行\n制表\t\u{01}\u{1F}", "Zeta": "", "alpha": "😀", "a_b": "x"],
            ["非ASCII键": "v", "b": "w"],
        ]
        for details in cases {
            let entry = try database.write { db in
                try AuditLog.append(actorRole: "department", actorSubject: "u", action: "test", subject: "s", details: details, at: Date(), in: db)
            }
            XCTAssertEqual(entry.details, String(decoding: try DomainJSON.encoder().encode(details), as: UTF8.self))
        }
        XCTAssertTrue(try database.read { db in try AuditLog.verify(in: db) }.intact)
    }

    func testAnUntouchedChainVerifies() throws {
        let database = try makeLog(entries: 5)
        let result = try database.read { db in try AuditLog.verify(in: db) }
        XCTAssertTrue(result.intact)
        XCTAssertEqual(result.entries, 5)
        XCTAssertNil(result.firstBroken)
        XCTAssertEqual(result.headHash?.count, 64)
    }

    func testTheApplicationCannotEditOrDeleteEntries() throws {
        let database = try makeLog(entries: 2)
        XCTAssertThrowsError(try database.write { db in try db.execute(sql: "UPDATE audit_log SET details = '{}' WHERE seq = 1") })
        XCTAssertThrowsError(try database.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = 2") })
    }

    func testAnAlteredEntryIsNamed() throws {
        // Given someone who edits the file behind the application's back (triggers dropped)
        let database = try makeLog(entries: 5)
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET details = ? WHERE seq = 3", arguments: [#"{"amountFen":1,"grant":"g3"}"#])
        }
        let result = try database.read { db in try AuditLog.verify(in: db) }
        XCTAssertFalse(result.intact)
        XCTAssertEqual(result.firstBroken, 3)
        XCTAssertEqual(result.problem, "entry 3 was altered after it was written")
    }

    func testARemovedEntryIsNamed() throws {
        let database = try makeLog(entries: 5)
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 2")
        }
        let result = try database.read { db in try AuditLog.verify(in: db) }
        XCTAssertEqual(result.firstBroken, 2)
        XCTAssertEqual(result.problem, "entry 2 is missing")
    }

    func testARewrittenTailIsExposedByAHeadHashKeptElsewhere() throws {
        // Given the head hash noted down at some point
        let database = try makeLog(entries: 5)
        let anchor = try database.read { db in try AuditLog.verify(in: db).headHash }
        // When the last two entries are cut off and a forged entry 4 is appended through the code
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE seq >= 4")
        }
        try database.write { db in
            _ = try AuditLog.append(actorRole: "finance", actorSubject: nil, action: "grant.paid", subject: "grant:4",
                                    details: Payment(grant: "g4", amountFen: 1), at: Date(timeIntervalSince1970: 1_790_000_004), in: db)
        }
        // Then the chain is self-consistent, but its head no longer matches the anchor
        let result = try database.read { db in try AuditLog.verify(in: db) }
        XCTAssertTrue(result.intact)
        XCTAssertNotEqual(result.headHash, anchor)
    }
}
