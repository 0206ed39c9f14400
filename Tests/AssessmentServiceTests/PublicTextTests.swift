import AssessmentService
import Foundation
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The department's reasons are internal; what a public notice (通报) says is its own field, checked for
/// ID numbers and phone numbers.
final class PublicTextTests: XCTestCase {
    /// Reasons as they are typed in an office: a person's ID number and phone numbers in them.
    static let internalReasons = "负责人王建国（身份证330802198001011234，电话13812345678、0570-3012345）称项目未开展；三年内无委托创新项目"

    func testNothingPersonalReachesAPublicPageThroughFreeText() async throws {
        // Given two named studios
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", name: "衢化技改创新工作室", unit: "巨化集团衢州分公司", namedOn: "2023-12-20"))
        try await fixture.name(AssessmentFixture.named("s2", name: "常山胡柚深加工创新工作室", unit: "常山县某食品有限公司", body: "330822", namedOn: "2025-03-10"))
        try await fixture.service.built.application.test(.router) { client in
            // When a public text carries an ID number or a phone number, then it is refused naming the field, and nothing is written
            for (text, code) in [("负责人身份证号33080219800101123X", "public_text.id_number"), ("联系电话 138 1234 5678", "public_text.phone_number"),
                                 ("请致电（0570）3012345", "public_text.phone_number"), ("身份证３３０８０２１９８００１０１１２３４", "public_text.id_number"),
                                 (String(repeating: " ", count: 501), "public_text.too_long")] {
                let refused = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                                     body: AssessmentFixture.assessment(on: "2026-11-24", result: "fail", reasons: "内部理由", publicText: text))
                XCTAssertEqual(refused.status, .unprocessableContent, text)
                XCTAssertEqual(refused.issue["code"].string, code, text)
                XCTAssertEqual(refused.issue["field"].string, "publicText", text)
            }
            XCTAssertEqual(try fixture.count("SELECT COUNT(*) FROM public_notice"), 0)
            XCTAssertEqual(try fixture.service.emitted(StudioRevoked.self).count, 0)

            // When the department fails s1 with personal data in its internal reasons and a clean public text
            let failed = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                                body: AssessmentFixture.assessment(on: "2026-11-24", result: "fail", reasons: Self.internalReasons,
                                                                                   publicText: "三年内无委托创新项目，未悬挂标牌"))
            XCTAssertEqual(failed.status, .created, failed.text)
            // And the internal reasons stay on the department's record
            XCTAssertEqual(failed.json["assessment"]["reasons"].string, Self.internalReasons)
            // And the federation revokes s2 the same way
            let opened = try await client.send(.post, "/revocation-cases", token: fixture.department,
                                                body: #"{"studioId":"s2","description":"举报申报材料弄虚作假","foundOn":"2026-11-20"}"#)
            XCTAssertEqual(opened.status, .created, opened.text)
            let caseID = try XCTUnwrap(opened.json["id"].string)
            let personal = try await client.send(.post, "/revocation-cases/\(caseID)/decision", token: fixture.federation,
                                                  body: #"{"decision":"revoke","reasons":"x","publicText":"举报人电话13912345678"}"#)
            XCTAssertEqual(personal.status, .unprocessableContent)
            XCTAssertEqual(personal.issue["field"].string, "publicText")
            let revoked = try await client.send(.post, "/revocation-cases/\(caseID)/decision", token: fixture.federation,
                                                 body: #"{"decision":"revoke","reasons":"\#(Self.internalReasons)","publicText":"申报材料中的项目合同系伪造"}"#)
            XCTAssertEqual(revoked.status, .ok, revoked.text)

            // Then the public notices carry the public texts and nothing of the internal reasons
            let notices = try await client.send(.get, "/public/notices")
            let bodies = notices.json["items"].array.compactMap { $0["body"].string }
            XCTAssertEqual(bodies.count, 2)
            XCTAssertTrue(bodies.contains { $0.contains("考核不合格（三年内无委托创新项目，未悬挂标牌）") }, "\(bodies)")
            XCTAssertTrue(bodies.contains { $0.contains("剽窃、弄虚作假行为（申报材料中的项目合同系伪造）") }, "\(bodies)")
            for body in bodies {
                for secret in ["王建国", "330802198001011234", "13812345678", "0570-3012345", "项目未开展"] {
                    XCTAssertFalse(body.contains(secret), "\(secret) in \(body)")
                }
            }
        }
    }

    func testAPublicTextIsCheckedForIDAndPhoneNumbersOnly() {
        XCTAssertEqual(PublicText.issues("负责人身份证 330802-19800101-1234", field: "publicText").map(\.code), ["public_text.id_number"])
        XCTAssertEqual(PublicText.issues("电话+86 138-1234-5678", field: "publicText").map(\.code), ["public_text.phone_number"])
        // Dates, amounts, a unit's credit code and an article are not personal
        XCTAssertEqual(PublicText.issues("2025-03-10至2028-03-09期间，补助10000.00元中12000元未列支；统一社会信用代码91330800MA2DXXXX1X；第十五条", field: "publicText"), [])
        XCTAssertEqual(PublicText.issues(String(repeating: "字", count: 501), field: "publicText").map(\.code), ["public_text.too_long"])
    }
}
