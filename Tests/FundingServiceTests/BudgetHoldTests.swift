import Foundation
import GRDB
import HummingbirdTesting
import Messaging
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// A grant that would exceed the year's budget is held and flagged, never dropped or silently paid.
final class BudgetHoldTests: XCTestCase {
    func testAGrantBeyondTheBudgetIsHeldUntilTheDepartmentRaisesTheBudgetAndReleasesIt() async throws {
        // Given a 2026 budget of 15,000 yuan set by the department
        let fixture = try FundingFixture()
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            try await client.call(.put, "/budgets/2026", token: finance, json: #"{"amount":1500000}"#, expect: .forbidden)
            try await client.call(.put, "/budgets/2026", token: department, json: #"{"amount":-1}"#, expect: .unprocessableContent)
            try await client.call(.put, "/budgets/2026", token: department, json: #"{"amount":1500000}"#, expect: .ok)

            // When two studios are named (10,000 yuan each)
            let first = try await fixture.nameStudio()
            let second = try await fixture.nameStudio()

            // Then the first is scheduled and the second held with the reason, and nothing of it is in the ledger
            let held = try XCTUnwrap(fixture.grants(studio: second).first)
            XCTAssertEqual(try fixture.grants(studio: first).first?.status, .scheduled)
            XCTAssertEqual(held.status, .held)
            XCTAssertTrue(held.holdReason?.hasPrefix("budget.exceeded") == true, held.holdReason ?? "")
            XCTAssertEqual(try fixture.ledger(studio: second).count, 0)

            // A held grant can be neither approved nor paid
            try await client.call(.post, "/grants/\(held.id)/approve", token: department, expect: .conflict)
            try await client.call(.post, "/grants/\(held.id)/payment", token: finance, json: #"{"paymentReference":"X","paidOn":"2026-09-20"}"#, expect: .conflict)
            // Releasing it while it still does not fit is refused
            let refused = try await client.call(.post, "/grants/\(held.id)/release", token: department, expect: .conflict)
            XCTAssertEqual(try refused.problem.errors.first?.code, "budget.exceeded")
            // The budget cannot drop below what is committed
            try await client.call(.put, "/budgets/2026", token: department, json: #"{"amount":500000}"#, expect: .conflict)
            let standing = try await client.call(.get, "/budgets/2026", token: finance, expect: .ok).decode(Budgets.Standing.self)
            XCTAssertEqual(standing.committed, Money(yuan: 10_000))
            XCTAssertEqual(standing.held, Money(yuan: 10_000))
            XCTAssertEqual(standing.heldCount, 1)
            // Raised, it can be released, and then it follows the normal path
            try await client.call(.put, "/budgets/2026", token: department, json: #"{"amount":2000000}"#, expect: .ok)
            let released = try await client.call(.post, "/grants/\(held.id)/release", token: department, expect: .ok).decode(GrantView.self)
            XCTAssertEqual(released.status, .scheduled)
            XCTAssertEqual(released.releasedBy?.hasPrefix("department:"), true)
            XCTAssertNil(released.holdReason, "a released grant no longer shows why it was held")
            try await client.call(.post, "/grants/\(held.id)/approve", token: department, expect: .ok)
            XCTAssertEqual(try fixture.ledger(studio: second).map(\.kind), [.granted])
        }
    }

    func testWithoutABudgetEveryGrantIsHeldAndAHeldGrantCanBeCancelledWithoutALedgerEntry() async throws {
        let fixture = try FundingFixture()
        let studio = try await fixture.nameStudio()
        let grant = try XCTUnwrap(fixture.grants(studio: studio).first)
        XCTAssertEqual(grant.status, .held)
        XCTAssertTrue(grant.holdReason?.hasPrefix("budget.not_set") == true)
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        _ = try await fixture.service.built.application.test(.router) { client in
            // Only the department cancels, and only with a reason
            try await client.call(.post, "/grants/\(grant.id)/cancel", token: finance, json: #"{"reason":"本年度不予安排"}"#, expect: .forbidden)
            try await client.call(.post, "/grants/\(grant.id)/cancel", token: department, json: #"{"reason":"  "}"#, expect: .unprocessableContent)
            XCTAssertEqual(try fixture.service.emitted(GrantCancelled.self).count, 0, "a refused cancellation tells nothing")
            try await client.call(.post, "/grants/\(grant.id)/cancel", token: department, json: #"{"reason":"本年度不予安排"}"#, expect: .ok)
            // A cancelled grant cannot be cancelled again
            try await client.call(.post, "/grants/\(grant.id)/cancel", token: department, json: #"{"reason":"再次取消"}"#, expect: .conflict)
        }
        XCTAssertEqual(try fixture.grants(studio: studio).first?.status, .cancelled)
        XCTAssertEqual(try fixture.ledger(studio: studio).count, 0)
        // And grant.cancelled goes out once, in the cancellation's transaction, for finance's to-do list in the portal
        let cancelled = try fixture.service.emitted(GrantCancelled.self)
        XCTAssertEqual(cancelled.map(\.data.grantID), [grant.id])
        XCTAssertEqual(cancelled.first?.data.kind, "naming")
        XCTAssertEqual(cancelled.first?.data.reason, "本年度不予安排")
        XCTAssertEqual(cancelled.first?.aggregate, "studio:\(studio.rawValue)")
    }
}
