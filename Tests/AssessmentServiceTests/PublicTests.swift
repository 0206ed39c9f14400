import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The public pages: unauthenticated, read-only, and without personal data.
final class PublicTests: XCTestCase {
    func testThePublicListShowsTheStudiosAndLeaksNoPersonalData() async throws {
        // Given studios whose naming carried a leader's name and the unit's credit code
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", name: "徐卫东劳模创新工作室", unit: "国网衢州供电公司", body: "330802", leader: "徐卫东", namedOn: "2025-03-10"))
        try await fixture.name(AssessmentFixture.named("s2", name: "数控机床创新工作室", unit: "开化县精工机械厂", body: "330824", leader: "郑秀英", namedOn: "2026-04-01"))
        try await fixture.service.built.application.test(.router) { client in
            // When anyone, without a token, reads the public list
            let reply = try await client.send(.get, "/public/studios")
            XCTAssertEqual(reply.status, .ok)
            // Then it shows exactly name, unit, area, level, year named and status
            let items = reply.json["items"].array
            XCTAssertEqual(items.count, 2)
            for item in items {
                XCTAssertEqual(item.keys, ["id", "name", "unit", "area", "level", "yearNamed", "status"])
            }
            XCTAssertEqual(items[0]["name"].string, "徐卫东劳模创新工作室")
            XCTAssertEqual(items[0]["unit"].string, "国网衢州供电公司")
            XCTAssertEqual(items[0]["area"].string, "柯城区总工会")
            XCTAssertEqual(items[0]["level"].string, "city")
            XCTAssertEqual(items[0]["yearNamed"].int, 2025)
            XCTAssertEqual(items[1]["area"].string, "开化县总工会")
            // And no personal field or value appears anywhere in the body (a studio may carry its leader's
            // name in its own title, as 徐卫东劳模创新工作室 does; the leader field itself never appears)
            for forbidden in ["leader", "Leader", "phone", "Phone", "idNumber", "residentId", "creditCode", "CreditCode", "91330800MA2DHXXX1X", "郑秀英", "mobile"] {
                XCTAssertFalse(reply.text.contains(forbidden), "the public list contains \(forbidden)")
            }
            // And the public pages are read-only
            let write = try await client.send(.post, "/public/studios", body: "{}")
            XCTAssertNotEqual(write.status, .ok)
            XCTAssertNotEqual(write.status, .created)
            // While the department's register does hold the leader's name
            let register = try await client.send(.get, "/studios/s2", token: fixture.department)
            XCTAssertEqual(register.json["studio"]["leaderName"].string, "郑秀英")
        }
    }

    func testPublicNoticesAreReadableWithoutATokenAndAnUnknownOneIs404() async throws {
        let fixture = try AssessmentFixture()
        try await fixture.service.built.application.test(.router) { client in
            let empty = try await client.send(.get, "/public/notices")
            XCTAssertEqual(empty.status, .ok)
            XCTAssertEqual(empty.text, #"{"items":[],"total":0}"#, "an empty page: no nextCursor")
            let missing = try await client.send(.get, "/public/notices/nope")
            XCTAssertEqual(missing.status, .notFound)
        }
    }
}
