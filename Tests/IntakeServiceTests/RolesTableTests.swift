import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Every intake operation × every role (plus no token and an unknown token) against one table; then the
/// rule that matters most here: a screening body (初审单位, Art 10) sees and touches only its own applications.
final class RolesTableTests: XCTestCase {
    static let table: [String: Access] = RolesTable.kit.merging([
        "post /rounds": .only(.department),
        "get /rounds": .only(.screeningBody, .department),
        "get /rounds/{id}": .only(.screeningBody, .department),
        "post /rounds/{id}/import": .only(.screeningBody),
        "post /applications": .only(.screeningBody),
        "get /applications": .only(.screeningBody, .department),
        "get /applications/{id}": .only(.screeningBody, .department),
        "put /applications/{id}": .only(.screeningBody),
        "post /applications/{id}/submit": .only(.screeningBody),
        "post /applications/{id}/withdraw": .only(.screeningBody),
        "get /applications/{id}/versions": .only(.screeningBody, .department),
        "post /applications/{id}/attachments": .only(.screeningBody),
        "get /applications/{id}/attachments": .only(.screeningBody, .department, .expert),
        "get /applications/{id}/attachments/{sha256}": .only(.screeningBody, .department, .expert),
        "delete /applications/{id}/attachments/{sha256}": .only(.screeningBody),
        "get /import-template.csv": .only(.screeningBody),
        "get /import-template.xlsx": .only(.screeningBody),
        "post /rounds/{id}/deadline": .only(.department),
        "post /rounds/{id}/quota": .only(.department),
        "post /rounds/{id}/cancel": .only(.department),
        "get /studios": .only(.screeningBody, .department),
    ]) { _, new in new }

    func testEveryOperationAnswersEveryRoleAsTheTableSays() async throws {
        // Only a screening body pushes applications; the department opens rounds
        XCTAssertEqual(Self.table["post /applications"], .only(.screeningBody))
        XCTAssertEqual(Self.table["post /rounds"], .only(.department))
        try await RolesTable.assertEveryOperationAnswersAsTheTableSays(IntakeModule(), table: Self.table)
    }

    func testAScreeningBodyListsAndReadsOnlyItsOwnApplications() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let kecheng = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            let qujiang = try await fixture.submitted(client, token: fixture.qujiang, round: round,
                                                      form: IntakeFixture.validForm(studio: "衢江区电工技能创新工作室", creditCode: IntakeFixture.otherCreditCode))
            for (token, own, other) in [(fixture.kecheng, kecheng.id, qujiang.id), (fixture.qujiang, qujiang.id, kecheng.id)] {
                try await client.execute(uri: "/applications", method: .get, headers: TestRequest.headers(token)) { response in
                    XCTAssertEqual(try response.decode(Listing<ApplicationSummaryView>.self).items.map(\.id), [own])
                }
                try await client.execute(uri: "/applications?roundId=\(round)", method: .get, headers: TestRequest.headers(token)) { response in
                    XCTAssertEqual(try response.decode(Listing<ApplicationSummaryView>.self).items.map(\.id), [own])
                }
                for suffix in ["", "/versions", "/attachments"] {
                    try await client.execute(uri: "/applications/\(other)\(suffix)", method: .get, headers: TestRequest.headers(token)) { response in
                        XCTAssertEqual(response.status, .notFound, "another body's application\(suffix)")
                        XCTAssertFalse(String(buffer: response.body).contains(IntakeFixture.idNumber))
                    }
                    try await client.execute(uri: "/applications/\(own)\(suffix)", method: .get, headers: TestRequest.headers(token)) {
                        XCTAssertEqual($0.status, .ok)
                    }
                }
            }
            // The department sees both
            try await client.execute(uri: "/applications", method: .get, headers: TestRequest.headers(fixture.department)) { response in
                XCTAssertEqual(Set(try response.decode(Listing<ApplicationSummaryView>.self).items.map(\.id)), [kecheng.id, qujiang.id])
            }
        }
    }
}
