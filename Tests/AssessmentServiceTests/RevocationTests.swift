import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Art 20: a misuse event from funding (or the department) opens a case; the federation revokes with a 通报.
final class RevocationTests: XCTestCase {
    func misuse(_ studio: String, inspection: String = "insp-2026-1") -> InspectionMisuseFound {
        InspectionMisuseFound(studioID: StudioID(studio), inspectionID: InspectionID(inspection), grantID: "grant-1",
                              amount: Money(yuan: 8_000), description: "以虚假发票报销与工作室无关的差旅费用",
                              foundOn: LocalDate("2026-11-10")!, rectificationDeadline: LocalDate("2026-12-10")!)
    }

    func testAMisuseEventOpensACaseAndTheFederationsRevocationPublishesANotice() async throws {
        // Given a named studio and funding's finding, delivered twice under two webhook ids
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", name: "常山胡柚深加工创新工作室", unit: "常山县某食品有限公司", body: "330822", namedOn: "2025-03-10"))
        let first = try await fixture.service.receive(misuse("s1"), from: "funding")
        guard case .applied = first else { return XCTFail("\(first)") }
        _ = try await fixture.service.receive(misuse("s1"), from: "funding")
        try await fixture.service.built.application.test(.router) { client in
            // Then one open case, from the inspection, with the amount in fen
            let cases = try await client.send(.get, "/revocation-cases?status=open", token: fixture.department)
            XCTAssertEqual(cases.json["items"].array.count, 1)
            let found = cases.json["items"][0]
            XCTAssertEqual(found["origin"].string, "inspection")
            XCTAssertEqual(found["inspectionId"].string, "insp-2026-1")
            XCTAssertEqual(found["amount"].int, 800_000)
            XCTAssertEqual(found["openedByRole"].string, "service:funding")
            let id = try XCTUnwrap(found["id"].string)
            // When the department tries to decide it is refused: the federation decides
            let byDepartment = try await client.send(.post, "/revocation-cases/\(id)/decision", token: fixture.department,
                                                      body: #"{"decision":"revoke","reasons":"x"}"#)
            XCTAssertEqual(byDepartment.status, .forbidden)
            let decided = try await client.send(.post, "/revocation-cases/\(id)/decision", token: fixture.federation,
                                                 body: #"{"decision":"revoke","reasons":"经查实以虚假票据套取补助经费"}"#)
            XCTAssertEqual(decided.status, .ok, decided.text)
            XCTAssertEqual(decided.json["status"].string, "revoked")
            XCTAssertEqual(decided.json["decidedByRole"].string, "federation")
            XCTAssertEqual(decided.json["decidedOn"].string, "2026-11-24")
            // Then studio.revoked goes out once, for fraud, with the notice
            let revoked = try fixture.service.emitted(StudioRevoked.self)
            XCTAssertEqual(revoked.count, 1)
            XCTAssertEqual(revoked[0].data.reason, .plagiarismOrFraud)
            XCTAssertEqual(revoked[0].data.noticeID?.rawValue, decided.json["noticeId"].string)
            // And the public notice, in Chinese, names the studio, the reason and the date
            let notices = try await client.send(.get, "/public/notices")
            XCTAssertEqual(notices.status, .ok)
            let notice = notices.json["items"][0]
            let body = try XCTUnwrap(notice["body"].string)
            XCTAssertTrue(body.contains("常山胡柚深加工创新工作室"))
            XCTAssertTrue(body.contains("剽窃、弄虚作假"))
            XCTAssertTrue(body.contains("第二十条"))
            XCTAssertTrue(body.contains("2026年11月24日"))
            XCTAssertEqual(notice["publishedOn"].string, "2026-11-24")
            // And the studio is off the public list of named studios
            let publicList = try await client.send(.get, "/public/studios")
            XCTAssertFalse(publicList.json["items"].array.contains { $0["id"].string == "s1" })
            // And the register shows the revocation, who decided it, and a second decision is refused
            let detail = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(detail.json["studio"]["status"].string, "revoked")
            XCTAssertEqual(detail.json["history"].array.last?["actorRole"].string, "federation")
            XCTAssertEqual(detail.json["revocationCases"][0]["status"].string, "revoked")
            let again = try await client.send(.post, "/revocation-cases/\(id)/decision", token: fixture.federation,
                                               body: #"{"decision":"dismiss","reasons":"x"}"#)
            XCTAssertEqual(again.status, .conflict)
        }
        // And the revocation is in the hash-chained audit log, which is intact
        let audit = try await fixture.service.database.read { db in
            (try AuditLog.verify(in: db), try String.fetchAll(db, sql: "SELECT action FROM audit_log"))
        }
        XCTAssertTrue(audit.0.intact)
        XCTAssertTrue(audit.1.contains { $0.hasPrefix("title.") && $0.contains("revok") }, "\(audit.1)")
    }

    func testADepartmentCaseCanBeDismissedWithoutEffect() async throws {
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", namedOn: "2025-03-10"))
        try await fixture.service.built.application.test(.router) { client in
            let missing = try await client.send(.post, "/revocation-cases", token: fixture.department,
                                                 body: #"{"studioId":"s1","description":" ","foundOn":"2026-11-30"}"#)
            XCTAssertEqual(missing.status, .unprocessableContent)
            XCTAssertEqual(Set(missing.json["errors"].array.compactMap { $0["field"].string }), ["description", "foundOn"])
            let opened = try await client.send(.post, "/revocation-cases", token: fixture.department,
                                                body: #"{"studioId":"s1","description":"举报申报材料中的专利成果系他人所有","foundOn":"2026-11-20"}"#)
            XCTAssertEqual(opened.status, .created, opened.text)
            XCTAssertEqual(opened.json["origin"].string, "department")
            let id = try XCTUnwrap(opened.json["id"].string)
            let dismissed = try await client.send(.post, "/revocation-cases/\(id)/decision", token: fixture.federation,
                                                   body: #"{"decision":"dismiss","reasons":"经核实专利为本单位职务发明，举报不实"}"#)
            XCTAssertEqual(dismissed.json["status"].string, "dismissed")
            let detail = try await client.send(.get, "/studios/s1", token: fixture.department)
            XCTAssertEqual(detail.json["studio"]["status"].string, "active")
        }
        XCTAssertEqual(try fixture.service.emitted(StudioRevoked.self).count, 0)
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM public_notice"), 0)
    }

    func testAMisuseEventForAnUnknownStudioIsRejected() async throws {
        let fixture = try AssessmentFixture()
        let result = try await fixture.service.receive(misuse("ghost"), from: "funding")
        guard case .rejected = result else { return XCTFail("expected a rejection, got \(result)") }
        XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM revocation_case"), 0)
    }
}
