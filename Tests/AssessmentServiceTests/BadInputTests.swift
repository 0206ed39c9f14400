import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// No bad input gives a 500, and none writes anything.
final class BadInputTests: XCTestCase {
    func testEveryWriteEndpointAnswersGarbageWithAProblemAndWritesNothing() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2023-12-20"))
        let before = try fixture.count("SELECT (SELECT COUNT(*) FROM outbox_message) + (SELECT COUNT(*) FROM title_history)")
        let endpoints: [(String, String)] = [
            ("/studios/s1/assessments", fixture.department), ("/studios/nope/assessments", fixture.department),
            ("/demonstration-acceptances/nope/result", fixture.department),
            ("/studios/s1/change-reports", fixture.department), ("/change-reports/nope/decision", fixture.federation),
            ("/revocation-cases", fixture.department), ("/revocation-cases/nope/decision", fixture.federation),
            ("/provincial-studios/import", fixture.department),
        ]
        let bodies = ["", "{", "[]", #"{"x":1}"#, #"{"assessedOn":"2026-02-30"}"#, #"{"studios":[{"studioName":1}]}"#, "null"]
        try await fixture.service.built.application.test(.router) { client in
            for (uri, token) in endpoints {
                for body in bodies {
                    let reply = try await client.send(.post, uri, token: token, body: body)
                    XCTAssertTrue([400, 404, 409, 422].contains(reply.status.code), "\(uri) \(body) → \(reply.status) \(reply.text)")
                    XCTAssertFalse(reply.json["errors"].array.isEmpty, "\(uri) \(body) has no issue list")
                }
            }
            let csv = try await client.send(.post, "/provincial-studios/import", token: fixture.department, body: "名称,单位\n甲,乙\n", contentType: "text/csv")
            XCTAssertEqual(csv.status, .unprocessableContent)
            XCTAssertEqual(csv.issue["code"].string, "import.csv_header")
        }
        let after = try fixture.count("SELECT (SELECT COUNT(*) FROM outbox_message) + (SELECT COUNT(*) FROM title_history)")
        XCTAssertEqual(before, after)
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM studio"), 1)
    }
}
