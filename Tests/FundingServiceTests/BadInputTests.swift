import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// No 500 on bad input and nothing half-written: every refusal is a problem document naming the field.
final class BadInputTests: XCTestCase {
    func testMalformedRequestsAreRefusedWithTheFieldAndNothingIsWritten() async throws {
        let fixture = try FundingFixture()
        let (studio, grant) = try await fixture.budgetedStudio()
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        let before = try fixture.ledger(studio: studio).count
        try await fixture.service.built.application.test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String, String?, HTTPResponse.Status, String)] = [
                (.put, "/budgets/20x6", department, #"{"amount":1}"#, .unprocessableContent, "year"),
                (.put, "/budgets/2026", department, #"{"amount":"1000"}"#, .unprocessableContent, "amount"),
                (.put, "/budgets/2026", department, #"{"amount":9223372036854775807}"#, .unprocessableContent, "amount"),
                (.put, "/budgets/2026", department, #"{"amount":1"#, .badRequest, "body"),
                (.post, "/grants/\(grant.id)/cancel", department, #"{}"#, .unprocessableContent, "reason"),
                (.post, "/grants/\(grant.id)/payment", finance, #"{"paymentReference":7,"paidOn":"2026-09-01"}"#, .unprocessableContent, "paymentReference"),
                (.get, "/grants?year=next", finance, nil, .badRequest, "year"),
                (.get, "/grants?status=lost", finance, nil, .badRequest, "status"),
                (.post, "/studios/\(studio)/expenses", department, #"{"grantId":"\#(grant.id)","category":"printing","purpose":"dailyOperation","amount":-5,"spentOn":"2026-09-01","description":"x","receipts":[{"fileName":"a","contentBase64":"%%%"}]}"#, .unprocessableContent, "amount"),
                (.post, "/studios/nope/expenses", department, #"{"grantId":"x","category":"printing","purpose":"dailyOperation","amount":5,"spentOn":"2026-09-01","description":"x"}"#, .notFound, "studio"),
                (.put, "/studios/nope/payee-account", department, #"{"bankName":"农行","accountNumber":"622848000000"}"#, .notFound, "studio"),
                (.post, "/payment-confirmations?mode=maybe", finance, nil, .badRequest, "mode"),
                (.get, "/payment-batches/none/csv", finance, nil, .notFound, "payment batch"),
                (.get, "/inspections/none", finance, nil, .notFound, "inspection"),
            ]
            for (method, uri, token, json, status, field) in cases {
                let response = try await client.call(method, uri, token: token, json: json, expect: status)
                XCTAssertEqual(try response.problem.errors.first?.field, field, "\(method) \(uri)")
            }
            // A CSV that is not UTF-8, or has an open quote, is refused as a whole
            let latin1 = try await client.execute(uri: "/payment-confirmations", method: .post, headers: [.authorization: "Bearer \(finance)"],
                                                  body: ByteBuffer(bytes: [0xB2, 0xCE, 0xBF, 0xBC, 0xBA, 0xC5])) { $0 }
            XCTAssertEqual(latin1.status, .unprocessableContent)
            try await client.call(.post, "/payment-confirmations", token: finance, body: "参考号,金额（元）,付款流水号,付款日期\r\n\"QZ,1", expect: .unprocessableContent)
        }
        XCTAssertEqual(try fixture.ledger(studio: studio).count, before)
        XCTAssertEqual(try fixture.grants(studio: studio).first?.status, .scheduled)
    }
}
