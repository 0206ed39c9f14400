import Foundation
import GRDB
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// 公示 is public (Art 11): the published proposed list is readable without a token and carries no personal
/// data; anyone may lodge an objection during the period, whose name and contact only the department sees.
final class PublicNoticeTests: XCTestCase {
    typealias F = ReviewFixture

    /// A1 and A2 passed, scored by their panels, closed and published from Monday 2026-09-21 (5 working days:
    /// Friday 25 September is 中秋节, so until Monday 2026-09-28).
    static func publishedRound(_ fixture: ReviewFixture, _ client: some TestClientProtocol) async throws -> Reply {
        try await closedRound(fixture, client)
        let notice = try await client.send(.post, "/rounds/naming-2026/notice", token: fixture.department, json: "{}")
        XCTAssertEqual(notice.status, .created, notice.text)
        return notice
    }

    /// A1 and A2 passed, scored by their panels and closed: ready for its notice.
    static func closedRound(_ fixture: ReviewFixture, _ client: some TestClientProtocol) async throws {
        try await ReviewHTTPTests.scoringRound(fixture, client)
        let dep = fixture.department
        let assignment = try await client.send(.get, "/rounds/naming-2026/assignment", token: dep)
        for row in assignment.object["assignments"] as? [[String: Any]] ?? [] {
            let application = row["applicationId"] as! String
            for expert in (row["experts"] as! [[String: Any]]).map({ $0["expertId"] as! String }) {
                let token = try fixture.expertToken(expert)
                let saved = try await client.send(.put, "/applications/\(application)/score-sheets/mine", token: token, json: F.sheet(application == "A1" ? 9 : 8))
                XCTAssertEqual(saved.status, .ok, saved.text)
                let submitted = try await client.send(.post, "/applications/\(application)/score-sheets/mine/submit", token: token)
                XCTAssertEqual(submitted.status, .ok, submitted.text)
            }
        }
        let closed = try await client.send(.post, "/rounds/naming-2026/close", token: dep)
        XCTAssertEqual(closed.status, .ok, closed.text)
    }

    static func submitTwo(_ fixture: ReviewFixture) async throws {
        try await fixture.submit(F.content("A1", unit: "元立", code: "CODE-YL", leader: "郑秀英"))
        try await fixture.submit(F.content("A2", unit: "巨化", body: "330824", leader: "徐卫东"))
    }

    func testPublicNoticeIsReadableWithoutToken() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            // Before publication there is nothing to read
            let none = try await client.send(.get, "/public/rounds/naming-2026/notice", token: nil)
            XCTAssertEqual(none.status, .notFound, none.text)
            let empty = try await client.send(.get, "/public/notices", token: nil)
            XCTAssertEqual(empty.object["total"] as? Int, 0)
            _ = try await Self.publishedRound(fixture, client)

            // Without a token: the list in rank order, with studio, unit, area, screening body and the period
            let notice = try await client.send(.get, "/public/rounds/naming-2026/notice", token: nil)
            XCTAssertEqual(notice.status, .ok, notice.text)
            let list = try DomainJSON.decoder().decode(PublicProposedList.self, from: notice.body)
            XCTAssertEqual(list.entries.map(\.applicationId), ["A1", "A2"])
            XCTAssertEqual(list.entries.map(\.studioName), ["A1工作室", "A2工作室"])
            XCTAssertEqual(list.entries.map(\.applicantUnit), ["元立公司", "巨化公司"])
            XCTAssertEqual(list.entries.map(\.area), ["柯城区总工会", "开化县总工会"])
            XCTAssertEqual(list.entries.map(\.screeningBodyCode), ["330802", "330824"])
            XCTAssertEqual(list.startsOn, LocalDate("2026-09-21"))
            XCTAssertEqual(list.endsOn, LocalDate("2026-09-28"))
            XCTAssertEqual(list.workingDays, 5)
            XCTAssertTrue(list.acceptingObjections)
            // No person: neither leader's name, nor who published it
            for leak in ["郑秀英", "徐卫东", "department:", "publishedBy", "objections"] {
                XCTAssertFalse(notice.text.contains(leak), "\(leak) in \(notice.text)")
            }
            XCTAssertEqual(RolesTable.personalData(in: notice.text), [])
            // The list of published notices, newest first, paged
            let page = try await client.send(.get, "/public/notices?limit=1", token: nil)
            XCTAssertEqual(page.status, .ok, page.text)
            XCTAssertEqual(page.object["total"] as? Int, 1)
            XCTAssertEqual(page.items.map { $0["roundId"] as? String }, ["naming-2026"])
            let beyond = try await client.send(.get, "/public/notices?offset=1", token: nil)
            XCTAssertEqual(beyond.items.count, 0)
            let badLimit = try await client.send(.get, "/public/notices?limit=0", token: nil)
            XCTAssertEqual(badLimit.status, .badRequest)
            // The department's own view still needs a token
            let privateView = try await client.send(.get, "/rounds/naming-2026/notice", token: nil)
            XCTAssertEqual(privateView.status, .unauthorized)
        }
    }

    func testPublicObjectionKeepsContactPrivate() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            _ = try await Self.publishedRound(fixture, client)
            // Anyone lodges an objection without a token; the receipt holds none of what they sent about themselves
            let lodged = try await client.send(.post, "/public/rounds/naming-2026/objections", token: nil,
                                          json: #"{"applicationId":"A1","name":"王建国","contact":"13905701234","text":"工作室场地面积与申报不符"}"#)
            XCTAssertEqual(lodged.status, .created, lodged.text)
            XCTAssertEqual(lodged.object["receivedOn"] as? String, "2026-09-21")
            XCTAssertFalse(lodged.text.contains("13905701234") || lodged.text.contains("王建国"), lodged.text)
            // No public endpoint returns the name or the contact
            for path in ["/public/rounds/naming-2026/notice", "/public/notices"] {
                let reply = try await client.send(.get, path, token: nil)
                XCTAssertFalse(reply.text.contains("13905701234") || reply.text.contains("王建国") || reply.text.contains("场地面积"), "\(path): \(reply.text)")
                XCTAssertEqual(RolesTable.personalData(in: reply.text), [])
            }
            // The department sees it with who lodged it and how to reach them, and resolves it as any other
            let shown = try await client.send(.get, "/rounds/naming-2026/notice", token: fixture.department)
            let objection = (shown.object["objections"] as? [[String: Any]])?.first
            XCTAssertEqual(objection?["source"] as? String, "public")
            XCTAssertEqual(objection?["objectorName"] as? String, "王建国")
            XCTAssertEqual(objection?["objectorContact"] as? String, "13905701234")
            XCTAssertEqual(objection?["text"] as? String, "工作室场地面积与申报不符")
            XCTAssertEqual(objection?["recordedBy"] as? String, "public")
            let id = objection?["id"] as? Int ?? 0
            let resolved = try await client.send(.post, "/rounds/naming-2026/objections/\(id)/resolution", token: fixture.department,
                                            json: #"{"upheld":false,"resolution":"经现场核实，场地符合要求"}"#)
            XCTAssertEqual(resolved.status, .ok, resolved.text)
            // Bad input names its field; an application off the list is refused; nothing is written
            let bad = try await client.send(.post, "/public/rounds/naming-2026/objections", token: nil,
                                       json: #"{"applicationId":"A9","name":" ","contact":"\#(String(repeating: "1", count: 101))","text":"x"}"#)
            XCTAssertEqual(bad.status, .unprocessableContent, bad.text)
            XCTAssertEqual(Set(bad.errors.compactMap { $0["field"] as? String }), ["name", "contact", "applicationId"])
            let long = try await client.send(.post, "/public/rounds/naming-2026/objections", token: nil,
                                        json: #"{"applicationId":"A1","name":"王","contact":"c","text":"\#(String(repeating: "长", count: 2001))"}"#)
            XCTAssertEqual(long.errorCodes, ["objection.text_too_long"])
            let count = try await fixture.service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM objection") }
            XCTAssertEqual(count, 1)
            // The audit chain records the lodging without the contact
            let audit = try await fixture.service.database.read { db in try String.fetchAll(db, sql: "SELECT detail FROM review_audit WHERE action = 'objection.lodged'") }
            XCTAssertEqual(audit.count, 1)
            XCTAssertFalse(audit[0].contains("13905701234"))
        }
    }

    func testAPublicObjectionOutsideTheNoticePeriodIsRefused() async throws {
        let fixture = try ReviewFixture()
        try await Self.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            // Not yet published: no notice to object to
            let early = try await client.send(.post, "/public/rounds/naming-2026/objections", token: nil,
                                         json: #"{"applicationId":"A1","name":"王建国","contact":"13905701234","text":"存疑"}"#)
            XCTAssertEqual(early.status, .notFound, early.text)
            _ = try await Self.publishedRound(fixture, client)
            // The notice runs 2026-09-21 to 2026-09-28; on the 29th an objection is refused naming the period
            fixture.service.clock.advance(.seconds(8 * 86400))
            let late = try await client.send(.post, "/public/rounds/naming-2026/objections", token: nil,
                                        json: #"{"applicationId":"A1","name":"王建国","contact":"13905701234","text":"存疑"}"#)
            XCTAssertEqual(late.status, .conflict, late.text)
            XCTAssertEqual(late.errorCodes, ["objection.outside_notice"])
            XCTAssertTrue(late.text.contains("2026-09-21") && late.text.contains("2026-09-28"), late.text)
            let notice = try await client.send(.get, "/public/rounds/naming-2026/notice", token: nil)
            XCTAssertEqual(notice.object["acceptingObjections"] as? Bool, false)
            let count = try await fixture.service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM objection") }
            XCTAssertEqual(count, 0)
        }
    }
}
