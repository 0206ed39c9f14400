import ServiceKit
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// Art 15: grant money pays mainly for the five cost categories (others with the department's approval, nothing
/// unrelated) and the three purposes, within the grant's balance.
final class ExpenseTests: XCTestCase {
    /// A studio whose naming grant (10,000 yuan) has been paid.
    func paidStudio(_ fixture: FundingFixture) async throws -> (StudioID, GrantRecord) {
        let (studio, grant) = try await fixture.budgetedStudio()
        let moment = Moment(fixture.clock.now())
        let actor = Agent(event: "t", source: "t")
        let paid = try await fixture.database.write { db in
            _ = try FundingDatabase.approve(grant.id, by: actor, at: moment, in: db)
            return try FundingDatabase.pay(grant.id, paymentReference: "P-1", paidOn: moment.today, by: actor, at: moment, settings: .standard, in: db)
        }
        return (studio, paid)
    }

    func testASpendingOutsideTheAllowedCategoriesIsRefusedNamingArticle15() async throws {
        let fixture = try FundingFixture()
        let (studio, grant) = try await paidStudio(fixture)
        let department = try fixture.token(.department)
        try await fixture.service.built.application.test(.router) { client in
            // 招待费 (entertainment) is no allowed category; 旅游 no allowed purpose
            let refused = try await client.call(.post, "/studios/\(studio)/expenses", token: department, json: """
                {"grantId":"\(grant.id)","category":"招待费","purpose":"旅游","amount":50000,"spentOn":"2026-09-20","description":"客户接待"}
                """, expect: .unprocessableContent)
            let issues = try refused.problem.errors
            XCTAssertEqual(issues.map(\.code), ["expense.category_not_allowed", "expense.purpose_not_allowed"])
            XCTAssertEqual(issues.map(\.article), ["第十五条 / Art. 15", "第十五条 / Art. 15"])
            XCTAssertTrue(issues[0].messageZh.contains("分析测试、人员劳务、会议及调研、资料印刷、知识产权事务"))

            // The Chinese names are accepted, receipts attach and can be read back
            let receipt = Data("发票扫描件".utf8).base64EncodedString()
            let recorded = try await client.call(.post, "/studios/\(studio)/expenses", token: department, json: """
                {"grantId":"\(grant.id)","category":"分析测试","purpose":"技术创新研究","amount":350000,"spentOn":"2026-09-20",
                 "description":"材料成分检测","receipts":[{"fileName":"发票.pdf","contentType":"application/pdf","contentBase64":"\(receipt)"}]}
                """, expect: .created).decode(Expenses.View.self)
            XCTAssertEqual(recorded.category, .analysisTesting)
            XCTAssertEqual(recorded.purpose, .technicalInnovation)
            XCTAssertEqual(recorded.receipts.count, 1)
            let file = try await client.call(.get, "/expenses/\(recorded.id)/receipts/\(recorded.receipts[0].id)", token: department, expect: .ok)
            XCTAssertEqual(file.text, "发票扫描件")

            // Spending beyond what the grant paid (10,000 − 3,500 = 6,500 yuan left) is refused
            let over = try await client.call(.post, "/studios/\(studio)/expenses", token: department, json: """
                {"grantId":"\(grant.id)","category":"personnelLabour","purpose":"talentTraining","amount":650001,"spentOn":"2026-09-20","description":"培训劳务"}
                """, expect: .unprocessableContent)
            XCTAssertEqual(try over.problem.errors.first?.code, "expense.exceeds_balance")
            // Zero, negative or a bad date: 422 with the field
            let zero = try await client.call(.post, "/studios/\(studio)/expenses", token: department, json: """
                {"grantId":"\(grant.id)","category":"printing","purpose":"dailyOperation","amount":0,"spentOn":"2026-13-01","description":"x"}
                """, expect: .unprocessableContent)
            XCTAssertEqual(Set(try zero.problem.errors.map(\.field)), ["amount", "spentOn"])
        }
        let balances = try await fixture.database.read { db in try Ledger.balances(grantID: grant.id, in: db) }
        XCTAssertEqual(balances.spent, Money(yuan: 3_500))
        XCTAssertEqual(balances.available, Money(yuan: 6_500))
    }

    func testReceiptIsServedWithTheCheckedTypeNeverTheClaimedOneAsAnAttachment() async throws {
        let fixture = try FundingFixture()
        let (studio, grant) = try await paidStudio(fixture)
        let department = try fixture.token(.department)
        let page = Data("<html><script>alert(document.cookie)</script></html>".utf8).base64EncodedString()
        let pdf = Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8)
        try await fixture.service.built.application.test(.router) { client in
            // Given a page claimed to be HTML and a PDF claimed to be a PNG
            let recorded = try await client.call(.post, "/studios/\(studio)/expenses", token: department, json: """
                {"grantId":"\(grant.id)","category":"printing","purpose":"dailyOperation","amount":1000,"spentOn":"2026-09-20","description":"资料印刷",
                 "receipts":[{"fileName":"发票.html","contentType":"text/html","contentBase64":"\(page)"},
                             {"fileName":"发票.png","contentType":"image/png","contentBase64":"\(pdf.base64EncodedString())"}]}
                """, expect: .created).decode(Expenses.View.self)
            // Then each is recorded with the type its content has
            let expected = ["发票.html": "application/octet-stream", "发票.png": "application/pdf"]
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: recorded.receipts.map { ($0.fileName, $0.contentType) }), expected)
            // And served with it, as a download that a browser neither renders nor sniffs
            for receipt in recorded.receipts {
                let type = expected[receipt.fileName]
                let file = try await client.call(.get, "/expenses/\(recorded.id)/receipts/\(receipt.id)", token: department, expect: .ok)
                XCTAssertEqual(file.headers[.contentType], type)
                XCTAssertEqual(file.headers[.contentDisposition], "attachment; filename*=UTF-8''\(receipt.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                XCTAssertEqual(file.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")
            }
            // A receipt stored with a claimed type (before types were checked) is still served with the checked one
            let html = try XCTUnwrap(recorded.receipts.first { $0.fileName == "发票.html" })
            try await fixture.database.write { db in
                try db.execute(sql: "UPDATE expense_receipt SET content_type = 'text/html' WHERE id = ?", arguments: [html.id])
            }
            let old = try await client.call(.get, "/expenses/\(recorded.id)/receipts/\(html.id)", token: department, expect: .ok)
            XCTAssertEqual(old.headers[.contentType], "application/octet-stream")
        }
    }

    func testUnderTheFlagPolicyOverspendingIsRecordedAndFlagged() async throws {
        let fixture = try FundingFixture(settings: FundingSettings(overspend: .flag))
        let (studio, grant) = try await paidStudio(fixture)
        let finance = try fixture.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            let flagged = try await client.call(.post, "/studios/\(studio)/expenses", token: finance, json: """
                {"grantId":"\(grant.id)","category":"知识产权","purpose":"technicalInnovation","amount":1500000,"spentOn":"2026-09-19","description":"专利申请代理"}
                """, expect: .created).decode(Expenses.View.self)
            XCTAssertTrue(flagged.overBalance)
        }
    }

    func testArt15SaysMainlyIncludesOtherCostsWaitForApprovalUnrelatedOnesAreRefused() async throws {
        // Given a studio whose 10,000-yuan naming grant was paid
        let fixture = try FundingFixture()
        let (studio, grant) = try await paidStudio(fixture)
        let department = try fixture.token(.department), finance = try fixture.token(.finance), audit = try fixture.token(.auditOffice)
        @Sendable func expense(_ category: String, justification: String? = nil, amount: Int = 80_000) -> String {
            let why = justification.map { #","justification":"\#($0)""# } ?? ""
            return #"{"grantId":"\#(grant.id)","category":"\#(category)","purpose":"dailyOperation","amount":\#(amount),"spentOn":"2026-09-20","description":"工作室开支"\#(why)}"#
        }
        try await fixture.service.built.application.test(.router) { client in
            // A named category is accepted at once and enters the books
            let named = try await client.call(.post, "/studios/\(studio)/expenses", token: finance, json: expense("资料印刷"), expect: .created).decode(Expenses.View.self)
            XCTAssertEqual(named.approval, "notNeeded")

            // Another cost serving the studio needs a written justification
            let bare = try await client.call(.post, "/studios/\(studio)/expenses", token: finance, json: expense("设备维修"), expect: .unprocessableContent)
            XCTAssertEqual(try bare.problem.errors.map(\.code), ["expense.justification_required"])
            XCTAssertEqual(try bare.problem.errors.first?.field, "justification")
            XCTAssertEqual(try bare.problem.errors.first?.article, "第十五条 / Art. 15")
            // A justification is at most 1,000 characters as sent, and a named category needs none
            let long = try await client.call(.post, "/studios/\(studio)/expenses", token: finance,
                                             json: expense("资料印刷", justification: String(repeating: " ", count: 1001)), expect: .unprocessableContent)
            XCTAssertEqual(try long.problem.errors.map(\.code), ["expense.justification_too_long"])
            let needless = try await client.call(.post, "/studios/\(studio)/expenses", token: finance,
                                                 json: expense("资料印刷", justification: "印刷课题报告"), expect: .unprocessableContent)
            XCTAssertEqual(try needless.problem.errors.map(\.code), ["expense.justification_not_needed"])
            // With one it is recorded and waits for the department: nothing is spent yet
            let other = try await client.call(.post, "/studios/\(studio)/expenses", token: finance,
                                              json: expense("设备维修", justification: "数控车床主轴维修，工作室课题试验所用"), expect: .created).decode(Expenses.View.self)
            XCTAssertEqual(other.category, .other)
            XCTAssertEqual(other.categoryZh, "设备维修")
            XCTAssertEqual(other.approval, "pending")
            XCTAssertEqual(try fixture.ledger(studio: studio).filter { $0.kind == .expense }.count, 1)

            // What the department lists as unrelated is refused under Art 15, however it is justified
            for unrelated in ["商务宴请", "节日礼品", "车辆加油"] {
                let refused = try await client.call(.post, "/studios/\(studio)/expenses", token: finance,
                                                    json: expense(unrelated, justification: "联络感情"), expect: .unprocessableContent)
                XCTAssertEqual(try refused.problem.errors.map(\.code), ["expense.category_not_allowed"], unrelated)
                XCTAssertEqual(try refused.problem.errors.first?.article, "第十五条 / Art. 15")
            }
            // The list is the department's: it reads it, adds to it, and the new kind is refused too
            let list = try await client.call(.get, "/expense-rules/unrelated", token: audit, expect: .ok).decode(Expenses.UnrelatedKinds.self)
            XCTAssertTrue(list.keywords.contains("宴请") && list.keywords.contains("礼品") && list.keywords.contains("车辆"))
            try await client.call(.put, "/expense-rules/unrelated", token: finance, json: #"{"keywords":["宴请"]}"#, expect: .forbidden)
            let withRenovation = String(decoding: try JSONEncoder().encode(["keywords": list.keywords + ["装修"]]), as: UTF8.self)
            let replaced = try await client.call(.put, "/expense-rules/unrelated", token: department, json: withRenovation, expect: .ok)
                .decode(Expenses.UnrelatedKinds.self)
            XCTAssertTrue(replaced.keywords.contains("装修"))
            try await client.call(.post, "/studios/\(studio)/expenses", token: finance, json: expense("办公室装修", justification: "改善环境"), expect: .unprocessableContent)

            // Only the department decides; a rejection needs a note; an approval enters the books once
            try await client.call(.post, "/expenses/\(other.id)/approval", token: finance, json: #"{"decision":"approve"}"#, expect: .forbidden)
            try await client.call(.post, "/expenses/\(named.id)/approval", token: department, json: #"{"decision":"approve"}"#, expect: .conflict)
            let noNote = try await client.call(.post, "/expenses/\(other.id)/approval", token: department, json: #"{"decision":"reject"}"#, expect: .unprocessableContent)
            XCTAssertEqual(try noNote.problem.errors.first?.field, "note")
            let approved = try await client.call(.post, "/expenses/\(other.id)/approval", token: department,
                                                 json: #"{"decision":"approve","note":"与课题直接相关"}"#, expect: .ok).decode(Expenses.View.self)
            XCTAssertEqual(approved.approval, "approved")
            XCTAssertNotNil(approved.decidedBy)
            try await client.call(.post, "/expenses/\(other.id)/approval", token: department, json: #"{"decision":"approve"}"#, expect: .conflict)

            // A rejected one never enters the books
            let second = try await client.call(.post, "/studios/\(studio)/expenses", token: finance,
                                               json: expense("软件订阅", justification: "仿真软件年费"), expect: .created).decode(Expenses.View.self)
            let rejected = try await client.call(.post, "/expenses/\(second.id)/approval", token: department,
                                                 json: #"{"decision":"reject","note":"应由单位自行承担"}"#, expect: .ok).decode(Expenses.View.self)
            XCTAssertEqual(rejected.approval, "rejected")
        }
        let balances = try await fixture.database.read { db in try Ledger.balances(grantID: grant.id, in: db) }
        XCTAssertEqual(balances.spent, Money(yuan: 1_600), "the named cost and the approved one, not the rejected one")
    }
}
