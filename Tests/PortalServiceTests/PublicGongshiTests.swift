import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import PortalService

/// The portal's 评审公示 pages in front of a real review service listening on a socket (HummingbirdTesting's
/// live mode, so the portal's libcurl gateway really calls it): the list and the period without signing in,
/// and an objection from the page that lands in review with the objector's contact kept private.
final class PublicGongshiTests: XCTestCase {
    /// A review service with round naming-2026 on notice from Monday 2026-09-21 (two applications, two experts each).
    static func reviewOnNotice(_ review: TestService, _ client: some TestClientProtocol) async throws {
        func call(_ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil) async throws -> (HTTPResponse.Status, String) {
            var headers: HTTPFields = [.authorization: "Bearer \(token)"]
            if json != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { ($0.status, String(buffer: $0.body)) }
        }
        let department = try review.token(.department)
        for (id, unit, body) in [("A1", "衢州元立金属制品有限公司", "330802"), ("A2", "开化精工机械厂", "330824")] {
            let content = ApplicationContent(applicationID: ApplicationID(id), kind: .naming, roundID: "naming-2026", year: 2026, screeningBodyCode: body,
                                             applicantUnit: ApplicantUnit(name: unit, creditCode: "CODE-\(id)", unitType: .enterprise),
                                             studio: StudioProfile(name: "\(id)数控技能创新工作室", creationStartDate: LocalDate("2024-01-01")!),
                                             leader: StudioLeader(name: "负责人\(id)", skillLevel: .technician), teamSize: 5, projectTitles: ["课题"],
                                             speciality: "装备制造/数控加工")
            _ = try await review.receive(ApplicationSubmitted(application: content, submittedOn: LocalDate("2026-09-01")!), from: "intake")
        }
        for expert in ["E1", "E2"] {
            let added = try await call(.post, "/experts", token: department, json: #"{"id":"\#(expert)","name":"专家\#(expert)","unitName":"浙江工业大学","specialities":["装备制造/数控加工"],"maxLoad":10,"relationships":[],"active":true}"#)
            XCTAssertEqual(added.0, .created, added.1)
        }
        _ = try await call(.patch, "/rounds/naming-2026", token: department, json: #"{"expertsPerApplication":2,"scoringDeadline":"2026-09-30"}"#)
        for id in ["A1", "A2"] { _ = try await call(.post, "/applications/\(id)/qualification", token: department, json: #"{"outcome":"pass"}"#) }
        do { let awaited = try await call(.post, "/rounds/naming-2026/assignment", token: department).0; XCTAssertEqual(awaited, .ok) }
        do { let awaited = try await call(.post, "/rounds/naming-2026/scoring", token: department).0; XCTAssertEqual(awaited, .ok) }
        for expert in ["E1", "E2"] {
            let token = try review.token(.expert, subject: expert)
            for id in ["A1", "A2"] {
                let points = id == "A1" ? 9 : 8
                _ = try await call(.put, "/applications/\(id)/score-sheets/mine", token: token,
                                   json: #"{"scores":{"facilities":\#(points),"workRules":\#(points),"projects":\#(points),"team":\#(points),"results":\#(points)}}"#)
                do { let awaited = try await call(.post, "/applications/\(id)/score-sheets/mine/submit", token: token).0; XCTAssertEqual(awaited, .ok) }
            }
        }
        do { let awaited = try await call(.post, "/rounds/naming-2026/close", token: department).0; XCTAssertEqual(awaited, .ok) }
        let notice = try await call(.post, "/rounds/naming-2026/notice", token: department, json: "{}")
        XCTAssertEqual(notice.0, .created, notice.1)
    }

    func testThePublicGongshiPageShowsTheListAndAnObjectionFromItLandsInReview() async throws {
        let review = try TestService(ReviewModule())
        try await review.built.application.test(.live) { reviewClient in
            try await Self.reviewOnNotice(review, reviewClient)
            let port = try XCTUnwrap(reviewClient.port)
            let endpoints = ServiceEndpoints(baseURLs: [.review: "http://localhost:\(port)", .intake: "http://127.0.0.1:1",
                                                        .funding: "http://127.0.0.1:1", .assessment: "http://127.0.0.1:1"])
            let portal = try await buildPortal(PortalConfiguration(dataDir: ":memory:", services: endpoints))
            try await portal.application.test(.router) { client in
                // The list of 公示, without signing in, and the nav item beside the register
                let list = try await client.execute(uri: "/public/gongshi", method: .get)
                XCTAssertEqual(list.status, .ok)
                let listHTML = String(buffer: list.body)
                XCTAssertTrue(listHTML.contains("2026年度命名申报拟推荐名单公示"), listHTML)
                XCTAssertTrue(listHTML.contains("href=\"/public/gongshi/naming-2026\""))
                XCTAssertTrue(listHTML.contains("href=\"/public/gongshi\""), "the public navigation links it")
                XCTAssertTrue(listHTML.contains("公示中"))
                // One round's page: the list in rank order with units and areas, the period, and the form with its token
                let page = try await client.execute(uri: "/public/gongshi/naming-2026", method: .get)
                XCTAssertEqual(page.status, .ok)
                let html = String(buffer: page.body)
                for text in ["A1数控技能创新工作室", "衢州元立金属制品有限公司", "柯城区总工会", "A2数控技能创新工作室", "开化县总工会",
                             "2026年9月21日 至 2026年9月28日", "5个工作日", "提交异议", "name=\"_csrf\""] {
                    XCTAssertTrue(html.contains(text), "\(text) missing")
                }
                XCTAssertFalse(html.contains("负责人A1"), "no person on the public page")
                XCTAssertLessThan(try XCTUnwrap(html.range(of: "A1数控技能创新工作室")).lowerBound, try XCTUnwrap(html.range(of: "A2数控技能创新工作室")).lowerBound)
                let cookie = try XCTUnwrap(page.headers[.setCookie]).components(separatedBy: ";")[0]
                let csrf = try XCTUnwrap(html.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1).description
                func post(_ form: String) async throws -> (HTTPResponse.Status, String, String?) {
                    try await client.execute(uri: "/public/gongshi/naming-2026/objections", method: .post,
                                             headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "_csrf=\(csrf)&" + form)) { ($0.status, String(buffer: $0.body), $0.headers[.location]) }
                }
                func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
                // Without the session's token: refused before review is called
                let forged = try await client.execute(uri: "/public/gongshi/naming-2026/objections", method: .post,
                                                      headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                      body: ByteBuffer(string: "_csrf=wrong&applicationId=A1&name=x&contact=y&text=z"))
                XCTAssertEqual(forged.status, .forbidden)
                // A missing name comes back beside its field, with what was typed kept
                let refused = try await post("applicationId=A1&name=&contact=\(encoded("13905701234"))&text=\(encoded("场地面积存疑"))")
                XCTAssertEqual(refused.0, .unprocessableContent)
                XCTAssertTrue(refused.1.contains("data-field=\"name\""), refused.1)
                XCTAssertTrue(refused.1.contains("请填写姓名或单位"))
                XCTAssertTrue(refused.1.contains("场地面积存疑"), "the reasons are kept")
                // A complete objection lands in review and the visitor is told it was received
                let lodged = try await post("applicationId=A1&name=\(encoded("王建国"))&contact=\(encoded("13905701234"))&text=\(encoded("工作室场地面积与申报不符"))")
                XCTAssertEqual(lodged.0, .seeOther, lodged.1)
                XCTAssertEqual(lodged.2, "/public/gongshi/naming-2026")
                let after = try await client.execute(uri: "/public/gongshi/naming-2026", method: .get, headers: [.cookie: cookie])
                let afterHTML = String(buffer: after.body)
                XCTAssertTrue(afterHTML.contains("异议已收到"), afterHTML)
                XCTAssertFalse(afterHTML.contains("13905701234") || afterHTML.contains("王建国"), "the contact is not shown back")
            }
        }
        let stored = try await review.database.read { db in
            try Row.fetchAll(db, sql: "SELECT application_id, source, objector_name, objector_contact, text FROM objection")
        }
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.first?["application_id"], "A1")
        XCTAssertEqual(stored.first?["source"], "public")
        XCTAssertEqual(stored.first?["objector_name"], "王建国")
        XCTAssertEqual(stored.first?["objector_contact"], "13905701234")
        XCTAssertEqual(stored.first?["text"], "工作室场地面积与申报不符")
    }
}
