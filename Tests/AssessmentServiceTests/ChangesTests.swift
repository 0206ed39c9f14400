import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Art 19: a change of unit name or affiliation is reported, the federation adjusts, `studio.changed` reaches the replicas.
final class ChangesTests: XCTestCase {
    func testAnAdjustedChangeUpdatesTheRegisterAndReachesTheReplicas() async throws {
        // Given a studio, and the three replicas (intake, review, funding) subscribed to studio events
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", unit: "衢州元立金属制品有限公司", body: "330802", namedOn: "2025-03-10"))
        try await fixture.service.database.write { db in
            for replica in ["intake", "review", "funding"] {
                _ = try Subscriptions.create(name: replica, url: "http://127.0.0.1:1/\(replica)/events", eventTypes: ["studio.changed"],
                                             secret: nil, nowMillis: 0, in: db)
            }
        }
        try await fixture.service.built.application.test(.router) { client in
            // When the department records the report and the federation adjusts
            let report = try await client.send(.post, "/studios/s1/change-reports", token: fixture.department,
                                                body: #"{"newUnitName":"元立集团衢州金属有限公司","newScreeningBodyCode":"330803","reportedOn":"2026-11-20","note":"企业改制更名并迁址衢江区"}"#)
            XCTAssertEqual(report.status, .created, report.text)
            XCTAssertEqual(report.json["previousUnitName"].string, "衢州元立金属制品有限公司")
            let id = try XCTUnwrap(report.json["id"].string)
            let byDepartment = try await client.send(.post, "/change-reports/\(id)/decision", token: fixture.department,
                                                      body: #"{"decision":"adjust"}"#)
            XCTAssertEqual(byDepartment.status, .forbidden)
            let decided = try await client.send(.post, "/change-reports/\(id)/decision", token: fixture.federation,
                                                 body: #"{"decision":"adjust","effectiveOn":"2026-11-24","note":"同意调整"}"#)
            XCTAssertEqual(decided.status, .ok, decided.text)
            XCTAssertEqual(decided.json["status"].string, "adjusted")
            XCTAssertEqual(decided.json["decidedByRole"].string, "federation")
            // Then one studio.changed is in the outbox with both new values
            let changed = try fixture.service.emitted(StudioChanged.self)
            XCTAssertEqual(changed.count, 1)
            XCTAssertEqual(changed[0].data.unitName, "元立集团衢州金属有限公司")
            XCTAssertEqual(changed[0].data.screeningBodyCode, "330803")
            XCTAssertEqual(changed[0].data.effectiveOn, LocalDate("2026-11-24"))
            // And the service's own dispatcher (running under the router test, woken by the commit) delivers it
            // to each replica, signed
            var sent: [ScriptedTransport.Sent] = []
            for _ in 0..<300 {
                sent = fixture.service.transport.sent.filter { $0.header.type == "studio.changed" }
                if sent.count >= 3 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            XCTAssertEqual(sent.count, 3)
            XCTAssertEqual(Set(sent.map(\.url)), ["http://127.0.0.1:1/intake/events", "http://127.0.0.1:1/review/events", "http://127.0.0.1:1/funding/events"])
            XCTAssertTrue(sent.allSatisfy { $0.headers["webhook-signature"]?.hasPrefix("v1,") == true && $0.header.aggregate == "studio:s1" })
            // And the register and the public list show the new unit and area, with the change in the history
            let detail = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(detail.json["studio"]["unitName"].string, "元立集团衢州金属有限公司")
            XCTAssertEqual(detail.json["studio"]["screeningBody"]["nameZh"].string, "衢江区总工会")
            XCTAssertEqual(detail.json["history"].array.last?["kind"].string, "changed")
            let listing = try await client.send(.get, "/public/studios")
            XCTAssertEqual(listing.json["items"][0]["area"].string, "衢江区总工会")
            // And a decided report cannot be decided again
            let again = try await client.send(.post, "/change-reports/\(id)/decision", token: fixture.federation, body: #"{"decision":"decline","note":"x"}"#)
            XCTAssertEqual(again.status, .conflict)
        }
    }

    func testADeclinedOrInvalidChangeEmitsNothing() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", body: "330802", namedOn: "2025-03-10"))
        try await fixture.service.built.application.test(.router) { client in
            let empty = try await client.send(.post, "/studios/s1/change-reports", token: fixture.department, body: #"{"reportedOn":"2026-11-20"}"#)
            XCTAssertEqual(empty.status, .unprocessableContent)
            XCTAssertEqual(empty.issue["article"].string, "第十九条 / Art. 19")
            let unknown = try await client.send(.post, "/studios/s1/change-reports", token: fixture.department,
                                                 body: #"{"newScreeningBodyCode":"999999","reportedOn":"2026-11-20"}"#)
            XCTAssertEqual(unknown.issue["field"].string, "newScreeningBodyCode")
            let report = try await client.send(.post, "/studios/s1/change-reports", token: fixture.department,
                                                body: #"{"newUnitName":"另一家公司","reportedOn":"2026-11-20"}"#)
            let id = try XCTUnwrap(report.json["id"].string)
            let noNote = try await client.send(.post, "/change-reports/\(id)/decision", token: fixture.federation, body: #"{"decision":"decline"}"#)
            XCTAssertEqual(noNote.issue["field"].string, "note")
            let declined = try await client.send(.post, "/change-reports/\(id)/decision", token: fixture.federation,
                                                  body: #"{"decision":"decline","note":"隶属关系未实际变化"}"#)
            XCTAssertEqual(declined.json["status"].string, "declined")
        }
        XCTAssertEqual(try fixture.service.emitted(StudioChanged.self).count, 0)
    }
}
