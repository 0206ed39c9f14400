import Foundation
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Reads are reads (issue 14): with a round open and an application submitted, every GET of intake, called by the
/// screening body that owns it and by the department, changes no row.
final class IntakeReadsAreReadsTests: XCTestCase {
    func testNoGetOfIntakeWritesWithARoundAndAnApplication() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            // Given an open round and a submitted application of 柯城
            let round = try await fixture.openRound(client)
            let application = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            // When every GET route is called with their ids
            let values = ["round": round.rawValue, "id": application.id.rawValue, "application": application.id.rawValue, "year": "2026"]
            let sweep = try await fixture.service.sweepReads(client, values: values, tokens: [fixture.kecheng, fixture.department])
            // Then some answered with that data, none failed, and no row changed
            XCTAssertGreaterThan(sweep.answered, 5)
            XCTAssertEqual(sweep.errors, [])
            XCTAssertEqual(sweep.changedRows, 0)
        }
    }
}
