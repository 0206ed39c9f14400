import Foundation
import GRDB
import HummingbirdTesting
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// scheduled → approved (department) → paid (finance), or cancelled with a reason; nothing else.
final class GrantStateMachineTests: XCTestCase {
    func testAGrantIsApprovedByTheDepartmentThenPaidByFinanceWithWhoAndWhen() async throws {
        let fixture = try FundingFixture()
        let (studio, grant) = try await fixture.budgetedStudio()
        let department = try fixture.token(.department), finance = try fixture.token(.finance)

        try await fixture.service.built.application.test(.router) { client in
            // Finance cannot approve; the department cannot pay
            try await client.call(.post, "/grants/\(grant.id)/approve", token: finance, expect: .forbidden)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: department, json: #"{"paymentReference":"B1","paidOn":"2026-09-20"}"#, expect: .forbidden)
            // Paying before approval is refused with the article of the grant
            let early = try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"B1","paidOn":"2026-09-20"}"#, expect: .conflict)
            XCTAssertEqual(try early.problem.errors.first?.code, "grant.invalid_transition")
            XCTAssertEqual(try early.problem.errors.first?.article, "第十二条 / Art. 12")

            let approved = try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .ok).decode(GrantView.self)
            XCTAssertEqual(approved.status, .approved)
            XCTAssertEqual(approved.approvedBy?.hasPrefix("department:"), true)
            XCTAssertNotNil(approved.approvedAt)
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .conflict)

            // A payment date in the future or a bad date is a 422, nothing written
            let future = try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"B1","paidOn":"2026-12-31"}"#, expect: .unprocessableContent)
            XCTAssertEqual(try future.problem.errors.first?.field, "paidOn")
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"B1","paidOn":"2026-02-30"}"#, expect: .unprocessableContent)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paidOn":"2026-09-20"}"#, expect: .unprocessableContent)

            let paid = try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"ICBC-20260920-01","paidOn":"2026-09-20"}"#, expect: .ok).decode(GrantView.self)
            XCTAssertEqual(paid.status, .paid)
            XCTAssertEqual(paid.paymentReference, "ICBC-20260920-01")
            XCTAssertEqual(paid.paidOn, "2026-09-20")
            XCTAssertEqual(paid.paidBy?.hasPrefix("finance:"), true)

            // Paid is final: no second payment, no cancellation
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"B2","paidOn":"2026-09-20"}"#, expect: .conflict)
            try await client.call(.post, "/grants/\(grant.id)/cancel", token: department, json: #"{"reason":"重复"}"#, expect: .conflict)
        }
        let entries = try fixture.ledger(studio: studio)
        XCTAssertEqual(entries.map(\.kind), [.granted, .paid])
        XCTAssertTrue(entries[1].recordedBy.hasPrefix("finance:"))
        XCTAssertEqual(entries[1].reference, "ICBC-20260920-01")
    }

    func testACancelledGrantCannotBeApprovedOrPaidAndItsCommitmentIsReversed() async throws {
        let fixture = try FundingFixture()
        let (studio, grant) = try await fixture.budgetedStudio()
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .ok)
            let noReason = try await client.call(.post, "/grants/\(grant.id)/cancel", token: department, json: #"{"reason":"  "}"#, expect: .unprocessableContent)
            XCTAssertEqual(try noReason.problem.errors.first?.code, "grant.cancel_reason_required")
            let cancelled = try await client.call(.post, "/grants/\(grant.id)/cancel", token: department, json: #"{"reason":"申报材料有误"}"#, expect: .ok).decode(GrantView.self)
            XCTAssertEqual(cancelled.status, .cancelled)
            XCTAssertEqual(cancelled.cancelReason, "申报材料有误")
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .conflict)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"B1","paidOn":"2026-09-20"}"#, expect: .conflict)
            try await client.call(.get, "/grants/nope", token: finance, expect: .notFound)
        }
        let balances = try await fixture.database.read { db in try Ledger.balances(studioID: studio, in: db) }
        XCTAssertEqual(balances, .zero)
        XCTAssertEqual(try fixture.ledger(studio: studio).map(\.kind), [.granted, .cancelled])
    }

    func testTheSchedulerMarksGrantsDueThenOverdue() async throws {
        // Given a grant named on 2026-09-01, due 30 days later (2026-10-01), clock at 2026-09-21 (the scheduler runs
        // only when this test says, as the background service would)
        let fixture = try FundingFixture(background: false)
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        let finance = try fixture.token(.finance)
        try await fixture.service.built.application.test(.router) { client in
            func state() async throws -> DueState {
                try await client.call(.get, "/grants?studioId=\(studio)", token: finance, expect: .ok).decode(Items<GrantView>.self).items[0].dueState
            }
            var current = try await state()
            XCTAssertEqual(current, .notDue)
            // The scheduler runs in the background (and when the demo clock moves), never in a read: a read right after
            // the day turned still shows the last run's marks, and the scheduler's next run brings them to the day.
            fixture.clock.advance(.seconds(4 * 86400))   // 2026-09-25: within the 7-day notice
            current = try await state()
            XCTAssertEqual(current, .notDue)
            try await fixture.service.built.clockMoved()
            current = try await state()
            XCTAssertEqual(current, .due)
            fixture.clock.advance(.seconds(10 * 86400))  // 2026-10-05: past the payment date
            try await fixture.service.built.clockMoved()
            current = try await state()
            XCTAssertEqual(current, .overdue)
        }
        let outcome = try await fixture.database.write { db in
            try FundingScheduler.run(today: LocalDate("2026-10-05")!, settings: FundingSettings(), at: 0, in: db)
        }
        XCTAssertEqual(outcome, .init(due: 0, overdue: 1))
    }
}

struct Items<Item: Decodable>: Decodable { var items: [Item] }
