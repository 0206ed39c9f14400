import Foundation
import GRDB
import HummingbirdTesting
import StudioDomain
import TestSupport
import XCTest

/// A value in the register that no version of the service writes (the file edited by hand) is handled one way:
/// the read answers 500 `storage.bad_value`, bilingual, without the value; the service keeps answering; nothing
/// reads it as some other status.
final class BadStoredValueTests: XCTestCase {
    /// A studio named through the event, then changed by hand by `sql` (its id the one argument), past the schema's checks.
    static func namedStudio(_ fixture: AssessmentFixture, changedBy sql: String) async throws -> StudioID {
        let studio = try await fixture.name(AssessmentFixture.named(namedOn: "2026-11-20")).studioID
        try await fixture.service.database.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: sql, arguments: [studio.rawValue])
        }
        return studio
    }

    func testAStudioWithAnUnknownStatusIsAnsweredAs500AndTheServiceGoesOn() async throws {
        // Given two named studios, one of whose status was changed by hand to a word the service does not know
        let fixture = try AssessmentFixture()
        let damaged = try await Self.namedStudio(fixture, changedBy: "UPDATE studio SET status = 'zombie' WHERE id = ?")
        let sound = try await fixture.name(AssessmentFixture.named(namedOn: "2026-11-20")).studioID

        try await fixture.service.built.application.test(.router) { client in
            // When the department reads it
            let reply = try await client.send(.get, "/studios/\(damaged.rawValue)", token: fixture.department)
            // Then the answer is a 500 that names the kind of fault in both languages, and not the value
            XCTAssertEqual(reply.status, .internalServerError, reply.text)
            let problem = try reply.problem
            XCTAssertEqual(problem.codes, ["storage.bad_value"])
            XCTAssertTrue(problem.errors[0].messageZh.contains("无法读取"))
            XCTAssertFalse(reply.text.contains("zombie"))
            // And the other studio still reads, as it did
            let other = try await client.send(.get, "/studios/\(sound.rawValue)", token: fixture.department)
            XCTAssertEqual(other.status, .ok, other.text)
            XCTAssertEqual(other.json["studio"]["status"].string, "active", other.text)
        }
    }

    func testADayThatIsNotADayIsAnsweredAs500() async throws {
        let fixture = try AssessmentFixture()
        let studio = try await Self.namedStudio(fixture, changedBy: "UPDATE studio SET named_on = '2026-02-30' WHERE id = ?")
        try await fixture.service.built.application.test(.router) { client in
            let reply = try await client.send(.get, "/studios/\(studio.rawValue)", token: fixture.department)
            XCTAssertEqual(reply.status, .internalServerError, reply.text)
            XCTAssertEqual(try reply.problem.codes, ["storage.bad_value"])
        }
    }
}
