import Foundation
import XCTest
@testable import StudioDomain

final class DomainIssueTests: XCTestCase {
    func testArticleReferences() {
        XCTAssertEqual(Article(5, item: 4).reference, "第五条第（四）项 / Art. 5(4)")
        XCTAssertEqual(Article(7).reference, "第七条 / Art. 7")
        XCTAssertEqual(Article(10).chinese, "第十条")
        XCTAssertEqual(Article(13).chinese, "第十三条")
        XCTAssertEqual(Article(20).chinese, "第二十条")
        XCTAssertEqual(Article(23).chinese, "第二十三条")
        XCTAssertEqual(Article(5, item: 1).english, "Art. 5(1)")
    }

    func testIssueJSONKeys() throws {
        // Given an issue
        let issue = DomainIssue(code: "team_too_small", field: "teamSize", article: Article(5, item: 4),
                                messageZh: "团队不足3人。", messageEn: "Fewer than 3 members.")

        // When encoded
        let json = try DomainJSON.encoder().encode(issue)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: String])

        // Then the keys are code, field, article, message_zh, message_en
        XCTAssertEqual(Set(object.keys), ["code", "field", "article", "message_zh", "message_en"])
        XCTAssertEqual(object["article"], "第五条第（四）项 / Art. 5(4)")
        XCTAssertEqual(try DomainJSON.decoder().decode(DomainIssue.self, from: json), issue)
    }

    func testIssueWithoutArticleOmitsIt() throws {
        let issue = DomainIssue.required("studio.name", nameZh: "工作室名称", nameEn: "The studio name")
        let json = String(decoding: try DomainJSON.encoder().encode(issue), as: UTF8.self)
        XCTAssertFalse(json.contains("article"))
        XCTAssertEqual(issue.messageZh, "请填写工作室名称。")
    }
}
