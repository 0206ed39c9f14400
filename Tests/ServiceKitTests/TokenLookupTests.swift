import Foundation
import GRDB
@testable import ServiceKit
import TestSupport
import XCTest

/// `TokenLookup` reads a service's file on a connection of its own. What another connection commits (the admin
/// command is another process) must be what the next request sees: a token issued works at once, a revoked one
/// is refused at once.
final class TokenLookupTests: XCTestCase {
    /// A migrated service file in a folder of its own, removed after the test.
    private func serviceFile() throws -> (path: String, database: any DatabaseWriter) {
        let folder = NSTemporaryDirectory() + "token-lookup-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/service.sqlite"
        return (path, try ServiceDatabase.open(path: path, module: BareModule()))
    }

    func testALookupSeesWhatAnotherConnectionCommittedAtOnce() async throws {
        let (path, database) = try serviceFile()
        let lookup = try TokenLookup(path: path, database: database)
        let unknown = try await lookup.identify("qzs_unknown")
        XCTAssertNil(unknown)

        // The admin command's connection: another pool on the same file.
        let admin = try ServiceDatabase.open(path: path, module: BareModule())
        let issued = try await admin.write { db in try Tokens.issue(role: .finance, subject: nil, label: "t", nowMillis: 1, in: db) }
        let identity = try await lookup.identify(issued.token)
        XCTAssertEqual(identity?.role, .finance)

        // Many commits to the same table in between (the lookup's cache is dropped and read again), then a revoke.
        for index in 0..<50 { _ = try await admin.write { db in try Tokens.issue(role: .department, subject: nil, label: "other \(index)", nowMillis: 1, in: db) } }
        _ = try await admin.write { db in try Tokens.revoke(id: issued.view.id, nowMillis: 2, in: db) }
        let revoked = try await lookup.identify(issued.token)
        XCTAssertNil(revoked, "a revoked token is refused by the next lookup")
    }

    /// The lookup runs without `BEGIN`; its statement must be reset once read, or its implicit read transaction would
    /// stay open on the connection and keep every checkpoint from reaching the end of the WAL.
    func testALookupLeavesNoReadTransactionOpen() async throws {
        let (path, database) = try serviceFile()
        let issued = try await database.write { db in try Tokens.issue(role: .operator, subject: nil, label: "t", nowMillis: 1, in: db) }
        let lookup = try TokenLookup(path: path, database: database)
        let found = try await lookup.identify(issued.token)
        XCTAssertEqual(found?.tokenID, issued.view.id)
        _ = try await database.write { db in try Tokens.issue(role: .finance, subject: nil, label: "after", nowMillis: 2, in: db) }
        let result = try await database.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        XCTAssertEqual(result?[0] as Int?, 0, "the checkpoint was not blocked by a reader")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int, 0, "the WAL was truncated")
    }

    func testConcurrentLookupsOnTheSharedConnectionAllAnswer() async throws {
        let (path, database) = try serviceFile()
        let issued = try await database.write { db in try Tokens.issue(role: .operator, subject: nil, label: "t", nowMillis: 1, in: db) }
        let lookup = try TokenLookup(path: path, database: database)
        let found = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                group.addTask {
                    if index % 10 == 0 { _ = try await database.write { db in try Tokens.revoke(id: "none", nowMillis: 1, in: db) } }
                    return try await lookup.identify(issued.token)?.role == .operator
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        XCTAssertEqual(found, 400)
    }
}
