import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import ReviewService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Site visits (实地考察): recorded by the department between qualification and scoring, with photos checked by
/// their content and served as downloads, visible to the experts assigned to the application and never to others.
final class SiteVisitTests: XCTestCase {
    typealias F = ReviewFixture

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)

    static func upload(_ client: some TestClientProtocol, _ uri: String, token: String, bytes: [UInt8]) async throws -> Reply {
        try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/octet-stream"],
                                 body: ByteBuffer(bytes: bytes)) { Reply($0) }
    }

    func testASiteVisitWithPhotosIsSeenByTheAssignedExpertsOnly() async throws {
        let fixture = try ReviewFixture()
        try await ReviewHTTPTests.submitTwo(fixture)
        try await fixture.service.built.application.test(.router) { client in
            let dep = fixture.department
            // Not before qualification
            let early = try await client.send(.post, "/applications/A1/site-visits", token: dep,
                                         json: #"{"visitedOn":"2026-09-18","visitors":["张明","李华"],"findings":"场地与申报一致"}"#)
            XCTAssertEqual(early.errorCodes, ["site_visit.not_between_qualification_and_scoring"])
            // Qualified, experts assigned (E2 and E3 on A1: E1 works at A1's unit), scoring not started
            for (id, unit, code) in [("E1", "元立公司", "CODE-YL"), ("E2", "浙江工业大学", nil), ("E3", "浙江工业大学", nil)] {
                try await client.send(.post, "/experts", token: dep, json: F.expertJSON(id, unit: unit, code: code))
            }
            try await client.send(.patch, "/rounds/naming-2026", token: dep, json: #"{"expertsPerApplication":2,"scoringDeadline":"2026-09-30"}"#)
            for id in ["A1", "A2"] { try await client.send(.post, "/applications/\(id)/qualification", token: dep, json: #"{"outcome":"pass"}"#) }
            do { let awaited = try await client.send(.post, "/rounds/naming-2026/assignment", token: dep).status; XCTAssertEqual(awaited, .ok) }

            // Bad input names its fields
            let bad = try await client.send(.post, "/applications/A1/site-visits", token: dep, json: #"{"visitedOn":"2026-10-30","visitors":[],"findings":" "}"#)
            XCTAssertEqual(Set(bad.errors.compactMap { $0["field"] as? String }), ["visitors", "findings", "visitedOn"])
            let recorded = try await client.send(.post, "/applications/A1/site-visits", token: dep,
                                            json: #"{"visitedOn":"2026-09-18","visitors":["张明","李华"],"findings":"场地120平方米，与申报一致；设备在用"}"#)
            XCTAssertEqual(recorded.status, .created, recorded.text)
            let visit = try XCTUnwrap(recorded.object["id"] as? Int)
            XCTAssertTrue((recorded.object["recordedBy"] as? String)?.hasPrefix("department:") ?? false)

            // Photos: a PNG is stored with its checked type; a file that is not JPEG/PNG is refused, whatever it claims
            let photo = try await Self.upload(client, "/site-visits/\(visit)/photos?name=site.png", token: dep, bytes: Self.png)
            XCTAssertEqual(photo.status, .created, photo.text)
            XCTAssertEqual(photo.object["mediaType"] as? String, "image/png")
            let photoID = try XCTUnwrap(photo.object["id"] as? Int)
            let html = try await Self.upload(client, "/site-visits/\(visit)/photos?name=site.jpg", token: dep, bytes: Array("<html><script>alert(1)</script>".utf8))
            XCTAssertEqual(html.status, .unsupportedMediaType, html.text)
            let pdf = try await Self.upload(client, "/site-visits/\(visit)/photos?name=scan.png", token: dep, bytes: Array("%PDF-1.7 x".utf8))
            XCTAssertEqual(pdf.status, .unsupportedMediaType, "a PDF is no photo")
            let large = try await Self.upload(client, "/site-visits/\(visit)/photos?name=big.png", token: dep, bytes: Self.png + Array(repeating: 0, count: SiteVisitController.photoLimit))
            XCTAssertEqual(large.status, .contentTooLarge)
            let noName = try await Self.upload(client, "/site-visits/\(visit)/photos?name=../x.png", token: dep, bytes: Self.png)
            XCTAssertEqual(noName.errorCodes, ["photo.name"])

            // The assigned experts see the visit and download the photo as an attachment with its checked type
            for expert in ["E2", "E3"] {
                let token = try fixture.expertToken(expert)
                let visits = try await client.send(.get, "/applications/A1/site-visits", token: token)
                XCTAssertEqual(visits.status, .ok, visits.text)
                XCTAssertEqual(visits.items.first?["findings"] as? String, "场地120平方米，与申报一致；设备在用")
                XCTAssertEqual((visits.items.first?["photos"] as? [[String: Any]])?.count, 1)
                let download = try await client.execute(uri: "/site-visits/\(visit)/photos/\(photoID)", method: .get, headers: [.authorization: "Bearer \(token)"])
                XCTAssertEqual(download.status, .ok)
                XCTAssertEqual(download.headers[.contentType], "image/png")
                XCTAssertTrue(download.headers[.contentDisposition]?.hasPrefix("attachment") ?? false)
                XCTAssertEqual(Array(download.body.readableBytesView), Self.png)
            }
            // E1 (conflicted, not assigned to A1) does not learn the visit exists
            let e1 = try fixture.expertToken("E1")
            do { let awaited = try await client.send(.get, "/applications/A1/site-visits", token: e1).status; XCTAssertEqual(awaited, .notFound) }
            let denied = try await client.execute(uri: "/site-visits/\(visit)/photos/\(photoID)", method: .get, headers: [.authorization: "Bearer \(e1)"])
            XCTAssertEqual(denied.status, .notFound)
            // Only the department records
            let byExpert = try await client.send(.post, "/applications/A1/site-visits", token: try fixture.expertToken("E2"),
                                            json: #"{"visitedOn":"2026-09-18","visitors":["x"],"findings":"y"}"#)
            XCTAssertEqual(byExpert.status, .forbidden)
            // Once scoring starts, no more visits
            do { let awaited = try await client.send(.post, "/rounds/naming-2026/scoring", token: dep).status; XCTAssertEqual(awaited, .ok) }
            let late = try await client.send(.post, "/applications/A2/site-visits", token: dep, json: #"{"visitedOn":"2026-09-18","visitors":["张明"],"findings":"补充"}"#)
            XCTAssertEqual(late.errorCodes, ["site_visit.not_between_qualification_and_scoring"])
        }
        let stored = try await fixture.service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM site_visit_photo") }
        XCTAssertEqual(stored, 1, "nothing refused was kept")
    }
}
