import Foundation
import GRDB
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// Reads are reads (issue 14): no `GET` writes to the database, not even the scheduler's marks, which used to be
/// brought up to date by the reads that show them; `FundingSchedulerService` and the clock hook do that now.
/// (Every service's `RolesTableTests` also holds that no GET of its document changes a row, for every role.)
final class ReadsAreReadsTests: XCTestCase {
    func testNoGetOfFundingWritesEvenWhenTheSchedulerHasWorkToDo() async throws {
        // Given a paid studio (its inspection scheduled) and an unpaid grant whose payment date has passed
        // (without the background scheduler, whose pass at start-up could otherwise fall after the clock moves)
        let fixture = try FundingFixture(background: false)
        try fixture.setBudget(2026, yuan: 100_000)
        let paid = try await fixture.nameStudio()
        let unpaid = try await fixture.nameStudio()
        let grant = try XCTUnwrap(fixture.grants(studio: paid).first)
        let department = try fixture.token(.department), finance = try fixture.token(.finance), audit = try fixture.token(.auditOffice)
        let counter = RowChangeCounter()
        try await fixture.service.built.application.test(.router) { client in
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .ok)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"P-1","paidOn":"2026-09-21"}"#, expect: .ok)
            fixture.clock.advance(.seconds(40 * 86400))   // 2026-10-31: the unpaid grant is overdue
            try await counter.watch(fixture.database)

            // When the department, finance and the audit office read grants, inspections and the reports
            let unpaidGrant = try XCTUnwrap(fixture.grants(studio: unpaid).first)
            for path in ["/grants", "/grants?studioId=\(unpaid)", "/grants/\(unpaidGrant.id)", "/inspections", "/inspections?status=scheduled",
                         "/reports/grants", "/reports/grants?by=kind&format=csv"] {
                try await client.call(.get, path, token: audit, expect: .ok)
            }
            // Then nothing was written, and the overdue grant still shows the last scheduler run's mark
            XCTAssertEqual(counter.count, 0)
            let shown = try await client.call(.get, "/grants/\(unpaidGrant.id)", token: finance, expect: .ok).decode(GrantView.self)
            XCTAssertEqual(shown.dueState, .notDue)

            // And the scheduler's run (as the background service or a moved demo clock makes it) marks it overdue
            try await fixture.service.built.clockMoved()
            XCTAssertGreaterThan(counter.count, 0)
            let marked = try await client.call(.get, "/grants/\(unpaidGrant.id)", token: finance, expect: .ok).decode(GrantView.self)
            XCTAssertEqual(marked.dueState, .overdue)
        }
    }

    func testTheSchedulerServiceWakesJustAfterTheBusinessMidnight() {
        // 23:50 in Shanghai (15:50 UTC): the next run is 10 minutes and a second away, sooner than the quarter hour
        let lateEvening = Date(timeIntervalSince1970: 1_790_005_800)   // 2026-09-21T15:50:00Z
        XCTAssertEqual(LocalDate(lateEvening).description, "2026-09-21")
        XCTAssertEqual(FundingSchedulerService.pause(after: lateEvening, interval: .seconds(900)), .seconds(601))
        // At noon the quarter hour comes first
        XCTAssertEqual(FundingSchedulerService.pause(after: Date(timeIntervalSince1970: 1_789_963_200), interval: .seconds(900)), .seconds(900))
    }
}
