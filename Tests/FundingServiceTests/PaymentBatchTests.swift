import Foundation
import GRDB
import HummingbirdTesting
import ServiceKit
import Spreadsheet
import StudioDomain
import TestSupport
import OpenAPIKit
import XCTest
@testable import FundingService

/// Finance exports approved grants as a CSV a bank clerk can use and imports the confirmations back.
final class PaymentBatchTests: XCTestCase {
    /// Two approved naming grants (one studio with a payee account, one without) and one approved in another batch.
    func approvedGrants(_ fixture: FundingFixture, count: Int) async throws -> [GrantRecord] {
        try fixture.setBudget(2026, yuan: 1_000_000)
        var grants: [GrantRecord] = []
        for index in 0..<count {
            let studio = try await fixture.nameStudio(unit: index == 0 ? "衢州元立金属制品有限公司" : "浙江\"龙游\"造纸, 有限公司")
            let grant = try XCTUnwrap(fixture.grants(studio: studio).first)
            let moment = Moment(fixture.clock.now())
            grants.append(try await fixture.database.write { db in try FundingDatabase.approve(grant.id, by: Agent(event: "t", source: "t"), at: moment, in: db) })
        }
        return grants
    }

    func testTheExportIsUTF8WithBOMAndChineseHeadersAndListsGrantsWithoutAPayeeAccount() async throws {
        let fixture = try FundingFixture()
        let grants = try await approvedGrants(fixture, count: 2)
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            let bad = try await client.call(.put, "/studios/\(grants[0].studioId)/payee-account", token: department,
                                            json: #"{"bankName":"","accountNumber":"12ab"}"#, expect: .unprocessableContent)
            XCTAssertEqual(Set(try bad.problem.errors.map(\.field)), ["bankName", "accountNumber"])
            try await client.call(.put, "/studios/\(grants[0].studioId)/payee-account", token: department,
                                  json: #"{"bankName":"中国工商银行衢州分行","accountNumber":"1209 2600 0920 0123 456"}"#, expect: .ok)
            try await client.call(.post, "/payment-batches", token: department, expect: .forbidden)

            // When finance exports
            let created = try await client.call(.post, "/payment-batches", token: finance, expect: .created).decode(PaymentBatches.Created.self)
            XCTAssertEqual(created.grantIds, [grants[0].id])
            XCTAssertEqual(created.totalYuan, "10000.00")
            XCTAssertEqual(created.missingPayeeAccount.map(\.grantId), [grants[1].id])

            // Then the CSV starts with a BOM, has the Chinese headers, the payee, the account and yuan with two decimals
            let download = try await client.call(.get, "/payment-batches/\(created.batchId!)/csv", token: finance, expect: .ok)
            XCTAssertEqual(download.headers[.contentType], "text/csv; charset=utf-8")
            let bytes = Array(download.body)
            XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            XCTAssertEqual(lines[0], "序号,参考号,收款单位,开户银行,账号,金额（元）,摘要")
            XCTAssertEqual(lines[1], "1,\(grants[0].reference),衢州元立金属制品有限公司,中国工商银行衢州分行,1209260009200123456,10000.00,衢州市总工会2026年命名补助经费（第十二条）")

            // And a second export does not repeat the batched grant
            let again = try await client.call(.post, "/payment-batches", token: finance, expect: .ok).decode(PaymentBatches.Created.self)
            XCTAssertNil(again.batchId)
            XCTAssertEqual(again.missingPayeeAccount.count, 1)

            // A quoted payee name survives the CSV round trip
            try await client.call(.put, "/studios/\(grants[1].studioId)/payee-account", token: department,
                                  json: #"{"bankName":"农业银行","accountNumber":"6228480000000001"}"#, expect: .ok)
            let third = try await client.call(.post, "/payment-batches", token: finance, expect: .created).decode(PaymentBatches.Created.self)
            let csv = try await client.call(.get, "/payment-batches/\(third.batchId!)/csv", token: finance, expect: .ok)
            let records = Self.read(Array(csv.body))
            XCTAssertEqual(records[1].fields[2], "浙江\"龙游\"造纸, 有限公司")
        }
    }

    func testAConfirmationWithMismatchesIsReportedPerRowAndAppliesNothingUnlessAskedForTheGoodRows() async throws {
        let fixture = try FundingFixture()
        let grants = try await approvedGrants(fixture, count: 3)
        let finance = try fixture.token(.finance)
        // The third grant was already confirmed paid
        let moment = Moment(fixture.clock.now())
        try await fixture.database.write { db in
            _ = try FundingDatabase.pay(grants[2].id, paymentReference: "BANK-000", paidOn: moment.today, by: Agent(event: "t", source: "t"), at: moment, settings: .standard, in: db)
        }
        let csv = "\u{FEFF}参考号,金额（元）,付款流水号,付款日期\r\n"
            + "\(grants[0].reference),10000.00,BANK-001,2026-09-20\r\n"   // good
            + "\(grants[1].reference),9999.99,BANK-002,2026-09-20\r\n"    // amount differs
            + "QZ2026-N-NOSUCHREF,10000.00,BANK-003,2026-09-20\r\n"       // unknown reference
            + "\(grants[2].reference),10000.00,BANK-004,2026-09-20\r\n"   // already paid
        try await fixture.service.built.application.test(.router) { client in
            // Mode all (the default): nothing is applied and each bad row says why
            let all = try await client.call(.post, "/payment-confirmations", token: finance, body: csv, expect: .unprocessableContent)
                .decode(RefusedConfirmation.self).report
            XCTAssertEqual(all.applied, 0)
            XCTAssertEqual(all.rows.map(\.outcome), ["withheld", "rejected", "rejected", "rejected"])
            XCTAssertEqual(all.rows.map(\.line), [2, 3, 4, 5])
            XCTAssertEqual(all.rows[1].issues.map(\.code), ["confirmation.amount_mismatch"])
            XCTAssertEqual(all.rows[2].issues.map(\.code), ["confirmation.unknown_reference"])
            XCTAssertEqual(all.rows[3].issues.map(\.code), ["confirmation.already_paid"])
            XCTAssertEqual(try fixture.grants().first { $0.id == grants[0].id }?.status, .approved)

            // Mode good-only: the good row is applied, the others still reported
            let good = try await client.call(.post, "/payment-confirmations?mode=good-only", token: finance, body: csv, expect: .ok)
                .decode(ConfirmationImport.Report.self)
            XCTAssertEqual(good.applied, 1)
            XCTAssertEqual(good.rejected, 3)
            let paid = try XCTUnwrap(fixture.grants().first { $0.id == grants[0].id })
            XCTAssertEqual(paid.status, .paid)
            XCTAssertEqual(paid.paymentReference, "BANK-001")
            XCTAssertEqual(try fixture.grants().first { $0.id == grants[1].id }?.status, .approved)

            // Importing the same file again applies nothing twice
            let replay = try await client.call(.post, "/payment-confirmations?mode=good-only", token: finance, body: csv, expect: .ok)
                .decode(ConfirmationImport.Report.self)
            XCTAssertEqual(replay.applied, 0)
            XCTAssertEqual(replay.rows[0].issues.map(\.code), ["confirmation.already_paid", "confirmation.payment_reference_used"])

            // A file without the columns is refused as a whole
            let missing = try await client.call(.post, "/payment-confirmations", token: finance, body: "参考号,金额\r\nX,1\r\n", expect: .unprocessableContent)
            XCTAssertEqual(Set(try missing.problem.errors.map(\.field)), ["金额（元）", "付款流水号", "付款日期"])
        }
        let ledger = try fixture.ledger(studio: grants[0].studioId)
        XCTAssertEqual(ledger.filter { $0.kind == .paid }.count, 1)
    }

    func testTheCSVQuotesDefusesFormulasAndReadsBackWhatItWrote() throws {
        let bytes = CSV.write(header: ["收款单位", "金额（元）"], rows: [
            [.text("=HYPERLINK(\"http://x\")"), .raw("-0.05")],
            [.text("多行\r\n单位, \"甲\""), .raw("12.30")],
        ])
        let records = Self.read(bytes)
        XCTAssertEqual(records.map(\.number), [1, 2, 3])
        XCTAssertEqual(records[1].fields, ["'=HYPERLINK(\"http://x\")", "-0.05"])
        XCTAssertEqual(records[2].fields, ["多行\r\n单位, \"甲\"", "12.30"])
        XCTAssertEqual(Self.read(Array("a,\"b".utf8)).first?.issue, .unterminatedQuote(field: 2))
    }

    /// The shared reader, as the import reads the bank's file.
    static func read(_ bytes: [UInt8]) -> [CSVRecord] {
        CSVReader.records(TextDecoding.decode(bytes)?.text ?? "")
    }

    /// The 422 of `POST /payment-confirmations`: the problem document with the report as its `report` member.
    struct RefusedConfirmation: Decodable {
        var type: String
        var title: String
        var status: Int
        var errors: [DomainIssue]
        var report: ConfirmationImport.Report
    }

    func testPaymentConfirmations422IsTheDocumentItsOpenAPIDeclares() async throws {
        // Given a confirmation file with one good row and one whose amount differs
        let fixture = try FundingFixture()
        let grants = try await approvedGrants(fixture, count: 2)
        let finance = try fixture.token(.finance)
        let csv = "\u{FEFF}参考号,金额（元）,付款流水号,付款日期\r\n"
            + "\(grants[0].reference),10000.00,BANK-001,2026-09-20\r\n"
            + "\(grants[1].reference),9999.99,BANK-002,2026-09-20\r\n"
        // Then the OpenAPI document declares its 422 as a problem document that carries the report
        let document = try OpenAPIContract.parse(try FundingModule().openAPIDocument())
        let operation = try XCTUnwrap(OpenAPIContract.operationObjects(in: document)["post /payment-confirmations"])
        let declared422 = try XCTUnwrap(operation.responses[status: 422]?.b)
        let problemSchema = try XCTUnwrap(declared422.content[OpenAPI.ContentType(rawValue: "application/problem+json")!]?.b?.schema)
        XCTAssertEqual(problemSchema.reference?.name, "ConfirmationProblem")
        let schema = try XCTUnwrap(document.components.schemas["ConfirmationProblem"])
        let parts = schema.subschemas
        XCTAssertTrue(parts.contains { $0.reference?.name == "Problem" }, "\(schema)")
        XCTAssertTrue(parts.contains { $0.objectContext?.properties["report"]?.reference?.name == "ConfirmationReport" }, "\(schema)")

        try await fixture.service.built.application.test(.router) { client in
            // When it is imported in mode all
            let response = try await client.call(.post, "/payment-confirmations", token: finance, body: csv, expect: .unprocessableContent)
            // Then the answer is that document: a problem (type, title, status, errors) with the row report in it
            XCTAssertEqual(response.headers[.contentType], "application/problem+json; charset=utf-8")
            let refused = try response.decode(RefusedConfirmation.self)
            XCTAssertEqual(refused.status, 422)
            XCTAssertTrue(refused.type.hasSuffix("/confirmation.amount_mismatch"), refused.type)
            XCTAssertTrue(refused.title.contains(" / "), "bilingual title: \(refused.title)")
            XCTAssertEqual(refused.errors.map(\.code), ["confirmation.amount_mismatch"])
            XCTAssertEqual(refused.errors.first?.field, "line 3.金额（元）")
            XCTAssertEqual(refused.report.rows.map(\.outcome), ["withheld", "rejected"])
            XCTAssertEqual(refused.report.applied, 0)
            // And nothing was paid
            XCTAssertEqual(try fixture.grants().filter { $0.status == .paid }.count, 0)
        }
    }
}
