import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import Spreadsheet
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// Bank confirmation files as banks export them: GBK CSV, and `.xlsx` (here written by openpyxl), one row of
/// which does not match its grant; and a stray quote in a CSV spoils only its row.
final class BankFileTests: XCTestCase {
    static func post(_ client: some TestClientProtocol, token: String, bytes: [UInt8], contentType: String, mode: String = "good-only",
              expect: HTTPResponse.Status) async throws -> TestResponse {
        try await client.execute(uri: "/payment-confirmations?mode=\(mode)", method: .post,
                                 headers: [.authorization: "Bearer \(token)", .contentType: contentType], body: ByteBuffer(bytes: bytes)) { response in
            XCTAssertEqual(response.status, expect, String(buffer: response.body))
            return response
        }
    }

    /// Two approved naming grants of 10,000 yuan each.
    func approvedGrants(_ fixture: FundingFixture) async throws -> [GrantRecord] {
        try fixture.setBudget(2026, yuan: 1_000_000)
        var grants: [GrantRecord] = []
        for unit in ["衢州元立金属制品有限公司", "浙江龙游造纸有限公司"] {
            let studio = try await fixture.nameStudio(unit: unit)
            let grant = try XCTUnwrap(fixture.grants(studio: studio).first)
            let moment = Moment(fixture.clock.now())
            grants.append(try await fixture.database.write { db in try FundingDatabase.approve(grant.id, by: Agent(event: "t", source: "t"), at: moment, in: db) })
        }
        return grants
    }

    func testABankXLSXWithOneMismatchedRowAppliesTheGoodRowAndReportsTheOther() async throws {
        try Python.requireOpenpyxl()
        let fixture = try FundingFixture()
        let grants = try await approvedGrants(fixture)
        let finance = try fixture.token(.finance)
        let path = Python.temporaryPath("bank.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The bank's workbook: references as text, amounts as numbers, the payment day as an Excel date
        try Python.run("""
            import datetime, sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "回单"
            ws.append(["参考号", "金额（元）", "付款流水号", "付款日期"])
            ws.append([sys.argv[2], 10000.00, "BANK-X1", datetime.date(2026, 9, 20)])
            ws.append([sys.argv[3], 9999.99, "BANK-X2", datetime.date(2026, 9, 20)])
            wb.save(sys.argv[1])
            """, [path, grants[0].reference, grants[1].reference])
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        try await fixture.service.built.application.test(.router) { client in
            let report = try await Self.post(client, token: finance, bytes: bytes, contentType: XLSXWriter.contentType, expect: .ok)
                .decode(ConfirmationImport.Report.self)
            XCTAssertEqual(report.applied, 1)
            XCTAssertEqual(report.rejected, 1)
            XCTAssertEqual(report.rows.map(\.line), [2, 3])
            XCTAssertEqual(report.rows.map(\.outcome), ["applied", "rejected"])
            XCTAssertEqual(report.rows[1].issues.map(\.code), ["confirmation.amount_mismatch"])
            let paid = try XCTUnwrap(fixture.grants().first { $0.id == grants[0].id })
            XCTAssertEqual(paid.status, .paid)
            XCTAssertEqual(paid.paymentReference, "BANK-X1")
            XCTAssertEqual(paid.paidOn, "2026-09-20", "the Excel date read as its day")
            XCTAssertEqual(try fixture.grants().first { $0.id == grants[1].id }?.status, .approved)
        }
    }

    func testAGBKCSVReadsAndAStrayQuoteRejectsOnlyItsRow() async throws {
        let fixture = try FundingFixture()
        let grants = try await approvedGrants(fixture)
        let finance = try fixture.token(.finance)
        let csv = "参考号,金额（元）,付款流水号,付款日期\r\n"
            + "\(grants[0].reference),10000.00,BANK-G1\"x,2026-09-20\r\n"   // a stray quote
            + "\(grants[1].reference),10000.00,BANK-G2,2026-09-20\r\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString).csv")
        try Data(try XCTUnwrap(GB18030.encode(csv))).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = Array(try Data(contentsOf: url))
        XCTAssertNil(String(validating: bytes, as: UTF8.self), "the bank's file is GBK, not UTF-8")
        try await fixture.service.built.application.test(.router) { client in
            let report = try await Self.post(client, token: finance, bytes: bytes, contentType: "text/csv", expect: .ok)
                .decode(ConfirmationImport.Report.self)
            XCTAssertEqual(report.rows.map(\.outcome), ["rejected", "applied"])
            XCTAssertEqual(report.rows[0].issues.map(\.code), ["confirmation.csv_syntax"])
            XCTAssertTrue(report.rows[0].issues[0].messageZh.contains("引号"))
            XCTAssertEqual(try fixture.grants().first { $0.id == grants[1].id }?.paymentReference, "BANK-G2")
        }
    }
}

/// `GET /grants` pages (limit, cursor over created_at and id) and filters by the payee unit's name and the county.
final class GrantListPagingTests: XCTestCase {
    func testGrantsPageByCursorAndFilterByNameAndCounty() async throws {
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 1_000_000)
        for unit in ["衢州甲制造有限公司", "衢州乙制造有限公司", "浙江丙科技有限公司"] { _ = try await fixture.nameStudio(unit: unit) }
        let finance = try fixture.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            let first = try await client.call(.get, "/grants?limit=2", token: finance, expect: .ok).decode(PagedGrants.self)
            XCTAssertEqual(first.items.count, 2)
            XCTAssertEqual(first.total, 3)
            let cursor = try XCTUnwrap(first.nextCursor)
            let second = try await client.call(.get, "/grants?limit=2&cursor=\(cursor)", token: finance, expect: .ok).decode(PagedGrants.self)
            XCTAssertEqual(second.items.count, 1)
            XCTAssertNil(second.nextCursor)
            XCTAssertEqual(Set((first.items + second.items).map(\.id)).count, 3)
            let named = try await client.call(.get, "/grants?name=%E5%88%B6%E9%80%A0", token: finance, expect: .ok).decode(PagedGrants.self)  // 制造
            XCTAssertEqual(named.total, 2)
            let county = try await client.call(.get, "/grants?screeningBody=000000", token: finance, expect: .ok).decode(PagedGrants.self)
            XCTAssertEqual(county.total, 0)
            try await client.call(.get, "/grants?limit=501", token: finance, expect: .badRequest)
            try await client.call(.get, "/grants?cursor=x", token: finance, expect: .badRequest)
        }
    }

    struct PagedGrants: Decodable {
        struct Item: Decodable { var id: String }
        var items: [Item]
        var nextCursor: String?
        var total: Int?
    }
}
