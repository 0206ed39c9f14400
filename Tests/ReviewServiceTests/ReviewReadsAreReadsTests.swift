import Foundation
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Reads are reads (issue 14): in a round that is being scored, every GET of review, called by the department,
/// the federation and an assigned expert, changes no row.
final class ReviewReadsAreReadsTests: XCTestCase {
    typealias F = ReviewFixture

    func testNoGetOfReviewWritesInARoundBeingScored() async throws {
        // Given a round with two applications, three experts, an assignment, scoring open and one sheet saved
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        let expert = try fixture.expertToken("E2"), federation = try fixture.service.token(.federation)
        try await fixture.service.built.application.test(.router) { client in
            try await ReviewHTTPTests.scoringRound(fixture, client)
            try await client.send(.put, "/applications/A2/score-sheets/mine", token: expert, json: F.sheet(20))
            // When every GET route is called with the round's ids, by each of the roles that read review
            let values = ["round": "naming-2026", "application": "A2", "expert": "E2", "year": "2026"]
            let sweep = try await fixture.service.sweepReads(client, values: values, tokens: [fixture.department, federation, expert])
            // Then many answered with the round's data, none failed, and none changed a row
            XCTAssertGreaterThan(sweep.answered, 20)
            XCTAssertEqual(sweep.errors, [])
            XCTAssertEqual(sweep.changedRows, 0)
        }
    }
}
