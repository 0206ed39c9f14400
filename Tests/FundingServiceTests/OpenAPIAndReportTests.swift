import Foundation
import GRDB
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

final class OpenAPIAndReportTests: XCTestCase {
    /// Services/Funding/openapi.yaml, parsed with OpenAPIKit: every route documented, nothing documented that
    /// is not routed, served byte for byte.
    func testTheOpenAPIFileDescribesEveryRouteAndIsServedAsItIs() async throws {
        let (problems, document) = try await OpenAPIContract.problems(ofService: "Funding") { FundingModule() }
        XCTAssertEqual(problems, [])
        let described = OpenAPIContract.operations(in: document)
        XCTAssertTrue(described.contains("post /payment-confirmations"))
        XCTAssertTrue(described.contains("get /reports/grants"))
    }

    func testTheReportShowsGrantedPaidAndOutstandingByYearScreeningBodyAndKind() async throws {
        // Given two studios of 柯城区 and 江山市, one paid naming grant, one project grant, one held grant
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 30_000)
        let kecheng = try await fixture.nameStudio(body: "330802")
        let jiangshan = try await fixture.nameStudio(body: "330881")
        try await fixture.service.receive(ProjectGrantAwarded(studioID: kecheng, applicationID: .new(), roundID: "p", year: 2026), from: "review")
        let moment = Moment(fixture.clock.now())
        let actor = Agent(event: "t", source: "t")
        let naming = try XCTUnwrap(fixture.grants(studio: kecheng).first { $0.kind == .naming })
        try await fixture.database.write { db in
            _ = try FundingDatabase.approve(naming.id, by: actor, at: moment, in: db)
            _ = try FundingDatabase.pay(naming.id, paymentReference: "P-1", paidOn: moment.today, by: actor, at: moment, settings: .standard, in: db)
        }
        try await fixture.service.receive(DemonstrationAccepted(studioID: jiangshan, applicationID: .new(), year: 2026, acceptedOn: moment.today), from: "assessment")
        let audit = try fixture.token(.auditOffice)
        try await fixture.service.built.application.test(.router) { client in
            let byKind = try await client.call(.get, "/reports/grants?by=kind", token: audit, expect: .ok).decode(GrantReport.Report.self)
            let lines = Dictionary(uniqueKeysWithValues: byKind.lines.map { ($0.key, $0) })
            XCTAssertEqual(lines["naming"]?.granted, Money(yuan: 20_000))
            XCTAssertEqual(lines["naming"]?.paid, Money(yuan: 10_000))
            XCTAssertEqual(lines["naming"]?.outstanding, Money(yuan: 10_000))
            XCTAssertEqual(lines["projectGrant"]?.granted, Money(yuan: 0), "30,000 budget: the project grant is held")
            XCTAssertEqual(lines["projectGrant"]?.held, Money(yuan: 20_000))
            XCTAssertEqual(lines["demonstration"]?.held, Money(yuan: 50_000))
            XCTAssertEqual(byKind.total.granted, Money(yuan: 20_000))

            let byBody = try await client.call(.get, "/reports/grants?by=screening_body", token: audit, expect: .ok).decode(GrantReport.Report.self)
            XCTAssertEqual(byBody.lines.map(\.key), ["330802", "330881"])
            XCTAssertEqual(byBody.lines.map(\.paid), [Money(yuan: 10_000), .zero])

            let csv = try await client.call(.get, "/reports/grants?by=year&format=csv", token: audit, expect: .ok)
            let text = String(decoding: Array(csv.body).dropFirst(3), as: UTF8.self)
            XCTAssertEqual(text.components(separatedBy: "\r\n").prefix(3).map { $0 }, [
                "年度,补助笔数,已承诺（元）,已拨付（元）,未拨付（元）,暂缓（元）,已取消笔数",
                "2026年,4,20000.00,10000.00,10000.00,70000.00,0",
                "合计,4,20000.00,10000.00,10000.00,70000.00,0",
            ])
            // The same table as a workbook, as openpyxl (another program than ours) reads it: yuan as numbers
            try Python.requireOpenpyxl()
            let workbook = try await client.call(.get, "/reports/grants?by=year&format=xlsx", token: audit, expect: .ok)
            XCTAssertEqual(workbook.headers[.contentType], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let file = Python.temporaryPath("grants.xlsx")
            try workbook.body.write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let rows = try Python.run("""
                import sys, openpyxl
                ws = openpyxl.load_workbook(sys.argv[1]).active
                for row in ws.iter_rows(values_only=True): print("|".join(str(v) for v in row))
                """, [file])
            XCTAssertEqual(rows.split(separator: "\n").map(String.init), [
                "年度|补助笔数|已承诺（元）|已拨付（元）|未拨付（元）|暂缓（元）|已取消笔数",
                "2026年|4|20000|10000|10000|70000|0",
                "合计|4|20000|10000|10000|70000|0",
            ])
            try await client.call(.get, "/reports/grants?by=unit", token: audit, expect: .unprocessableContent)
            try await client.call(.get, "/reports/grants", token: try fixture.token(.expert), expect: .forbidden)
        }
    }
}
