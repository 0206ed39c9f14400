import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The register: `studio.named` enters a studio with its plaque (Art 12, 18) and first cycle; access is by role.
final class RegisterTests: XCTestCase {
    func testANamingRegistersTheStudioWithASequentialPlaqueAndEmitsStudioRegistered() async throws {
        // Given two namings in 2026 and one in 2027
        let fixture = try AssessmentFixture(at: "2027-03-01T02:00:00Z")
        let first = try await fixture.name(AssessmentFixture.named("s1", namedOn: "2026-03-10"))
        try await fixture.name(AssessmentFixture.named("s2", name: "衢州电力创新工作室", namedOn: "2026-03-10"))
        try await fixture.name(AssessmentFixture.named("s3", name: "江山水泥创新工作室", body: "330881", namedOn: "2027-02-20"))
        // When the same naming is delivered again under another webhook id
        try await fixture.service.receive(first, from: "review")

        // Then each studio has its plaque, numbered per naming year, and exactly one studio.registered went out
        let registered = try fixture.service.emitted(StudioRegistered.self)
        XCTAssertEqual(registered.map(\.data.studioID.rawValue), ["s1", "s2", "s3"])
        XCTAssertEqual(registered[0].data.cycle, StudioCycle(start: LocalDate("2026-03-10")!))
        XCTAssertEqual(registered[0].data.level, .city)
        try await fixture.service.built.application.test(.router) { client in
            let s1 = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(s1.status, .ok)
            XCTAssertEqual(s1.json["studio"]["plaque"]["number"].string, "衢工创〔2026〕第001号")
            XCTAssertEqual(s1.json["studio"]["plaque"]["issuedOn"].string, "2026-03-10")
            XCTAssertEqual(s1.json["studio"]["leaderName"].string, "王建国")
            XCTAssertEqual(s1.json["studio"]["cycle"]["end"].string, "2029-03-10")
            XCTAssertEqual(s1.json["history"][0]["kind"].string, "registered")
            XCTAssertEqual(s1.json["history"][0]["actorRole"].string, "service:review")
            let s2 = try await client.send(.get, "/studios/s2", token: fixture.federation)
            XCTAssertEqual(s2.json["studio"]["plaque"]["number"].string, "衢工创〔2026〕第002号")
            let s3 = try await client.send(.get, "/studios/s3", token: fixture.department)
            XCTAssertEqual(s3.json["studio"]["plaque"]["number"].string, "衢工创〔2027〕第001号")
            let all = try await client.send(.get, "/studios", token: fixture.department)
            XCTAssertEqual(all.json["items"].array.count, 3)
        }
    }

    func testTheHistoryIsAppendOnly() async throws {
        let fixture = try AssessmentFixture()
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2026-03-10"))
        for sql in ["UPDATE title_history SET details_zh = 'x'", "DELETE FROM title_history"] {
            do {
                try await fixture.service.database.write { db in try db.execute(sql: sql) }
                XCTFail("\(sql) succeeded")
            } catch {
                XCTAssertTrue("\(error)".contains("append-only"))
            }
        }
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM title_history"), 1)
    }

    func testANamingWithoutANameIsRejectedAndNothingIsWritten() async throws {
        let fixture = try AssessmentFixture()
        let result = try await fixture.service.receive(AssessmentFixture.named("s1", name: "  ", namedOn: "2026-03-10"), from: "review")
        guard case .rejected(let issues) = result else { return XCTFail("expected a rejection, got \(result)") }
        XCTAssertEqual(issues.first?.field, "data.studioName")
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM studio"), 0)
        XCTAssertEqual(try fixture.service.emitted(StudioRegistered.self).count, 0)
    }

    func testTheRegisterNeedsTheDepartmentOrTheFederation() async throws {
        let fixture = try AssessmentFixture()
        let finance = try fixture.service.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            let anonymous = try await client.send(.get, "/studios")
            XCTAssertEqual(anonymous.status, .unauthorized)
            let wrongRole = try await client.send(.get, "/studios", token: finance)
            XCTAssertEqual(wrongRole.status, .forbidden)
            let missing = try await client.send(.get, "/studios/nope", token: fixture.department)
            XCTAssertEqual(missing.status, .notFound)
            let badFilter = try await client.send(.get, "/studios?status=sleeping", token: fixture.department)
            XCTAssertEqual(badFilter.status, .unprocessableContent)
            XCTAssertEqual(badFilter.issue["field"].string, "status")
        }
    }
}
