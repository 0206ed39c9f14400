import Foundation
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Reads are reads (issue 14): in a round that is being scored, every GET review routes, called by the department,
/// the federation and an assigned expert, changes no row.
final class ReviewReadsAreReadsTests: XCTestCase {
    typealias F = ReviewFixture

    func testNoGetOfReviewWritesInARoundBeingScored() async throws {
        // Given a round with two applications, three experts, an assignment, scoring open and one sheet saved
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        let expert = try fixture.expertToken("E2"), federation = try fixture.service.token(.federation)
        let counter = RowChangeCounter()
        try await fixture.service.built.application.test(.router) { client in
            try await ReviewHTTPTests.scoringRound(fixture, client)
            try await F.call(client, .put, "/applications/A2/score-sheets/mine", token: expert, json: F.sheet(20))
            try await counter.watch(fixture.service.database)

            // When every GET route is called with the round's ids, by each of the roles that read review
            let values = ["round": "naming-2026", "application": "A2", "expert": "E2", "year": "2026", "visit": "1", "photo": "1", "id": "1"]
            let gets = fixture.service.built.routes.filter { $0.hasPrefix("GET ") }.map { String($0.dropFirst(4)) }
            XCTAssertGreaterThan(gets.count, 20)
            var answered = 0
            for template in gets {
                let path = template.split(separator: "/").map { part in
                    part.hasPrefix(":") ? values[String(part.dropFirst())] ?? "1" : String(part)
                }.joined(separator: "/")
                for token in [fixture.department, federation, expert] {
                    let reply = try await F.call(client, .get, path.hasPrefix("/") ? path : "/" + path, token: token)
                    XCTAssertLessThan(reply.status.code, 500, "\(path): \(reply.text)")
                    if reply.status == .ok { answered += 1 }
                }
            }
            // Then many of them answered with the round's data, and none changed a row
            XCTAssertGreaterThan(answered, 20)
            XCTAssertEqual(counter.count, 0)
        }
    }
}
