import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// Every funding operation × every role (plus no token and an unknown token) against one table; then the
/// rows that matter most: only finance (财务部) pays and confirms payments, only the department approves.
final class RolesTableTests: XCTestCase {
    static let readers = Access.only(.department, .finance, .auditOffice)

    static let table: [String: Access] = RolesTable.kit.merging([
        "get /grants": readers,
        "get /grants/{id}": readers,
        "post /grants/{id}/approve": .only(.department),
        "post /grants/{id}/release": .only(.department),
        "post /grants/{id}/cancel": .only(.department),
        "post /grants/{id}/payment": .only(.finance),
        "get /budgets": readers,
        "get /budgets/{year}": readers,
        "put /budgets/{year}": .only(.department),
        "post /payment-batches": .only(.finance),
        "get /payment-batches/{id}/csv": .only(.finance),
        "post /payment-confirmations": .only(.finance),
        "get /studios/{studioId}/ledger": readers,
        "get /studios/{studioId}/payee-account": .only(.department, .finance),
        "put /studios/{studioId}/payee-account": .only(.department),
        "get /studios/{studioId}/expenses": readers,
        "post /studios/{studioId}/expenses": .only(.department, .finance),
        "get /expenses/{id}/receipts/{receiptId}": readers,
        "post /expenses/{id}/approval": .only(.department),
        "get /expense-rules/unrelated": readers,
        "put /expense-rules/unrelated": .only(.department),
        "get /inspections": readers,
        "get /inspections/{id}": readers,
        "post /inspections/{id}/findings": readers,
        "post /inspections/{id}/findings/{findingId}/withdrawal": readers,
        "post /inspections/{id}/sign-offs": readers,
        "post /inspections/{id}/close": .only(.department),
        "get /reports/grants": readers,
    ]) { _, new in new }

    func testEveryOperationAnswersEveryRoleAsTheTableSays() async throws {
        // Money moves only by finance; approvals only by the department
        for operation in ["post /grants/{id}/payment", "post /payment-batches", "post /payment-confirmations"] {
            XCTAssertEqual(Self.table[operation], .only(.finance), operation)
        }
        XCTAssertEqual(Self.table["post /grants/{id}/approve"], .only(.department))
        try await RolesTable.assertEveryOperationAnswersAsTheTableSays(FundingModule(), table: Self.table)
    }

    func testOnlyFinancePaysAndConfirmsAndOnlyTheDepartmentApproves() async throws {
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        let grant = try XCTUnwrap(fixture.grants(studio: studio).first)
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        let others = try [Role.federation, .auditOffice, .operator, .expert, .screeningBody].map { try fixture.token($0) }
        let ledgerBefore = try fixture.ledger(studio: studio).count
        let payment = #"{"paymentReference":"ICBC-1","paidOn":"2026-09-20"}"#
        let confirmations = "收款人,账号,金额（元）,银行流水号,日期\n王师傅创新工作室,6222000000000000,10000.00,ICBC-1,2026-09-20\n"
        try await fixture.service.built.application.test(.router) { client in
            for token in others + [finance] {
                try await client.call(.post, "/grants/\(grant.id)/approve", token: token, expect: .forbidden)
            }
            for token in others + [department] {
                try await client.call(.post, "/grants/\(grant.id)/payment", token: token, json: payment, expect: .forbidden)
                try await client.call(.post, "/payment-batches", token: token, expect: .forbidden)
                try await client.call(.post, "/payment-confirmations", token: token, body: confirmations, expect: .forbidden)
            }
            XCTAssertEqual(try fixture.grants(studio: studio).first?.status, grant.status, "nothing changed")
            XCTAssertEqual(try fixture.ledger(studio: studio).count, ledgerBefore)
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .ok)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: payment, expect: .ok)
        }
        XCTAssertEqual(try fixture.ledger(studio: studio).map(\.kind), [.granted, .paid])
    }
}
