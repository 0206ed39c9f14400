import Foundation
import GRDB
import HummingbirdTesting
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// A grant record whose stored status no version writes (the file edited by hand) is a 500 `storage.bad_value`,
/// as in every service: not a 4xx that blames the caller's input, not a crash.
final class BadStoredValueTests: XCTestCase {
    func testAGrantWithAnUnknownStatusIsAnsweredAs500() async throws {
        let fixture = try FundingFixture()
        let grant = try await fixture.budgetedStudio().grant
        try await fixture.database.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE funding_grant SET status = 'zombie' WHERE id = ?", arguments: [grant.id.rawValue])
        }
        let department = try fixture.token(.department)
        try await fixture.service.built.application.test(.router) { client in
            let reply = try await client.send(.get, "/grants/\(grant.id.rawValue)", token: department)
            XCTAssertEqual(reply.status, .internalServerError, reply.text)
            XCTAssertEqual(try reply.problem.codes, ["storage.bad_value"])
            XCTAssertFalse(reply.text.contains("zombie"))
        }
    }
}
