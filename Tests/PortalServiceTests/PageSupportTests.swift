import Foundation
import Hummingbird
import StudioDomain
import XCTest
@testable import PortalService

/// What the pages share: where a service's problems are shown on a form, one page of a long list, an attachment's
/// row and the Chinese half of a bilingual text.
final class PageSupportTests: XCTestCase {
    private func issue(_ field: String) -> DomainIssue {
        DomainIssue(code: "test", field: field, messageZh: "问题：\(field)", messageEn: "problem: \(field)")
    }

    /// An input takes its field's problems and those about its parts (`rubric.criteria[0].weight`, `relationships[1]`),
    /// not a field that merely starts with the same letters; what no input took stays for above the form, in order.
    func testEachInputTakesItsFieldsProblemsAndTheRestGoAboveTheForm() {
        var issues = FieldIssues([issue("rubric.criteria[0].weight"), issue("quota"), issue("quotaPerBody"), issue("relationships[1]"),
                                  issue(""), issue("rubric")])
        XCTAssertEqual(issues.take("rubric.criteria[0]").map(\.field), ["rubric.criteria[0].weight"])
        XCTAssertEqual(issues.take("quota").map(\.field), ["quota"])
        XCTAssertEqual(issues.take("relationships").map(\.field), ["relationships[1]"])
        XCTAssertTrue(issues.take("relationships").isEmpty, "a problem is shown once")
        XCTAssertEqual(issues.rest.map(\.field), ["quotaPerBody", "", "rubric"])
    }

    /// Sorted by the input a page names for each field; the rest above the form, and a refusal's article in Chinese.
    func testProblemsAreSortedBesideTheInputsAPageNames() {
        var withArticle = issue("amount.fen")
        withArticle.article = "第十五条 / Art. 15"
        let (beside, above) = FieldIssues.sorted([withArticle, issue("grantId"), issue("year")]) { field in
            let input = String(field.split(separator: ".").first ?? "")
            return ["amount", "grantId"].contains(input) ? input : nil
        }
        XCTAssertEqual(beside["amount"]?.map(\.field), ["amount.fen"])
        XCTAssertEqual(beside["amount"]?.first?.article, "第十五条")
        XCTAssertEqual(beside["grantId"]?.count, 1)
        XCTAssertEqual(above.map(\.field), ["year"])
    }

    /// 120 rows: page 3 holds rows 101–120; a page past the end shows the last; the links are the neighbours'.
    func testALongListIsCutIntoPagesOfFifty() {
        func request(_ query: String) -> Request {
            Request(head: .init(method: .get, scheme: "http", authority: "portal", path: "/county\(query)"), body: .init(buffer: ByteBuffer()))
        }
        let rows = Array(1...120)
        let (third, pager) = Pager.slice(rows, request: request("?page=3")) { "/county?page=\($0)" }
        XCTAssertEqual(third.first, 101)
        XCTAssertEqual(third.last, 120)
        XCTAssertEqual([pager.page, pager.pages, pager.from, pager.to, pager.total], [3, 3, 101, 120, 120])
        XCTAssertEqual(pager.previous, "/county?page=2")
        XCTAssertNil(pager.next)
        XCTAssertEqual(Pager.slice(rows, request: request("?page=9")) { "\($0)" }.pager.page, 3)
        let empty = Pager.slice([Int](), request: request("")) { "\($0)" }
        XCTAssertEqual([empty.pager.page, empty.pager.pages, empty.pager.from, empty.pager.to], [1, 1, 0, 0])
        XCTAssertFalse(empty.pager.several)
    }

    func testAnAttachmentShowsItsTypeAndSize() {
        let scan = AttachmentRow(sha256: "ab12", fileName: "营业执照.pdf", mediaType: "application/pdf", size: 3 << 20)
        XCTAssertEqual([scan.sha, scan.name, scan.type, scan.size], ["ab12", "营业执照.pdf", "PDF", "3.0 MB"])
        XCTAssertNil(scan.addedAt)
        XCTAssertEqual(AttachmentRow(sha256: "c", fileName: "a.png", mediaType: "image/png", size: 10).size, "1 KB")
        XCTAssertEqual(Bilingual.chinese("第五条第（四）项 / Art. 5(4)"), "第五条第（四）项")
        XCTAssertEqual(Bilingual.chinese("只有中文"), "只有中文")
    }
}
