import AssessmentService
import Foundation
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Reads are reads (issue 14): with studios in the register and business time moved past a cycle's end (the expiry
/// sweep not yet run), every GET of assessment, by the department, the federation and the public, changes no row.
final class AssessmentReadsAreReadsTests: XCTestCase {
    func testNoGetOfAssessmentWritesEvenWithAnExpiryDue() async throws {
        // Given a studio named in 2023 and one in 2026
        // (without the background expiry service, whose pass at start-up would do the sweep first)
        let fixture = try AssessmentFixture(background: false)
        let old = try await fixture.name(AssessmentFixture.named(namedOn: "2023-09-01"))
        try await fixture.name(AssessmentFixture.named(name: "李华技能创新工作室", namedOn: "2026-09-01"))
        // And the clock moved past the old one's cycle without the sweep that follows business time
        fixture.service.clock.advance(.seconds(400 * 86400))
        try await fixture.service.built.application.test(.router) { client in
            // When every GET route is called, with the old studio's id
            let sweep = try await fixture.service.sweepReads(client, values: ["id": old.studioID.rawValue], tokens: [fixture.department, fixture.federation])
            // Then the register answered, none failed, and no row changed
            XCTAssertGreaterThan(sweep.answered, 5)
            XCTAssertEqual(sweep.errors, [])
            XCTAssertEqual(sweep.changedRows, 0)
            // And the sweep itself, when it runs, has work to do (the read did not do it)
            let counter = RowChangeCounter()
            try await counter.watch(fixture.service.database)
            try await fixture.service.built.clockMoved()
            XCTAssertGreaterThan(counter.count, 0)
        }
    }
}
