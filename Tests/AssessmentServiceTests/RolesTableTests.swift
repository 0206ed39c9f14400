import AssessmentService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Every assessment operation × every role (plus no token and an unknown token) against one table; then the
/// rows that matter most: the department records assessments, the federation (市总工会) alone decides
/// changes and revocations (Art 19, 20), and the public pages carry no personal data.
final class RolesTableTests: XCTestCase {
    static let readers = Access.only(.department, .federation)

    static let table: [String: Access] = RolesTable.kit.merging([
        "get /studios": readers,
        "get /studios/{id}": readers,
        "get /assessments/due": readers,
        "post /studios/{id}/assessments": .only(.department),
        "post /provincial-studios/import": .only(.department),
        "get /demonstration-acceptances": readers,
        "get /demonstration-acceptances/{id}": readers,
        "post /demonstration-acceptances/{id}/result": .only(.department),
        "post /studios/{id}/change-reports": .only(.department),
        "get /change-reports": readers,
        "post /change-reports/{id}/decision": .only(.federation),
        "get /revocation-cases": readers,
        "post /revocation-cases": .only(.department),
        "get /revocation-cases/{id}": readers,
        "post /revocation-cases/{id}/decision": .only(.federation),
        "get /public/studios": .everyone,
        "get /public/studios/{id}": .everyone,
        "get /public/notices": .everyone,
        "get /public/notices/{id}": .everyone,
    ]) { _, new in new }

    func testEveryOperationAnswersEveryRoleAsTheTableSays() async throws {
        XCTAssertEqual(Self.table["post /revocation-cases/{id}/decision"], .only(.federation))
        XCTAssertEqual(Self.table["post /change-reports/{id}/decision"], .only(.federation))
        XCTAssertEqual(Self.table["post /studios/{id}/assessments"], .only(.department))
        try await RolesTable.assertEveryOperationAnswersAsTheTableSays(AssessmentModule(), table: Self.table)
    }

    func testEveryPublicPageIsFreeOfPersonalDataAndOnlyTheFederationRevokes() async throws {
        // Given named studios, one revoked after a failed assessment, so a notice (通报) exists
        let fixture = try AssessmentFixture(at: "2026-11-24T02:00:00Z")
        try await fixture.name(AssessmentFixture.named("s1", name: "衢化技改创新工作室", unit: "巨化集团衢州分公司", leader: "郑秀英", namedOn: "2023-12-20"))
        try await fixture.name(AssessmentFixture.named("s2", name: "数控机床创新工作室", unit: "开化县精工机械厂", body: "330824", leader: "徐卫东", namedOn: "2025-03-10"))
        let document = try OpenAPIContract.parse(try AssessmentModule().openAPIDocument())
        let others = try [Role.expert, .finance, .auditOffice, .operator, .screeningBody].map { try fixture.service.token($0) }
        try await fixture.service.built.application.test(.router) { client in
            // Nobody but the department records an assessment, nobody but the federation decides a revocation
            for token in others + [fixture.federation] {
                let reply = try await client.send(.post, "/studios/s2/assessments", token: token,
                                                   body: AssessmentFixture.assessment(on: "2026-11-24", result: "fail", reasons: "x"))
                XCTAssertEqual(reply.status, .forbidden)
            }
            let opened = try await client.send(.post, "/revocation-cases", token: fixture.department,
                                                body: #"{"studioId":"s2","description":"申报材料弄虚作假","foundOn":"2026-11-20"}"#)
            XCTAssertEqual(opened.status, .created, opened.text)
            let caseID = opened.json["id"].string
            if let caseID {
                for token in others + [fixture.department] {
                    let reply = try await client.send(.post, "/revocation-cases/\(caseID)/decision", token: token, body: #"{"decision":"revoke","reasons":"x"}"#)
                    XCTAssertEqual(reply.status, .forbidden)
                }
            }
            XCTAssertEqual(try fixture.service.emitted(StudioRevoked.self).count, 0, "nothing revoked by the wrong role")
            let failed = try await client.send(.post, "/studios/s1/assessments", token: fixture.department,
                                                body: AssessmentFixture.assessment(on: "2026-11-24", result: "fail", reasons: "三年内无委托创新项目"))
            XCTAssertEqual(failed.status, .created, failed.text)
            let noticeID = try XCTUnwrap(failed.json["noticeId"].string)
            // Then every public operation of the document, read without a token, shows no personal data
            let publicOperations = OpenAPIContract.operations(in: document).filter { Self.table[$0] == .everyone }
            XCTAssertTrue(publicOperations.isSuperset(of: ["get /public/studios", "get /public/notices", "get /public/notices/{id}"]))
            for operation in publicOperations.sorted() where !operation.hasSuffix("/openapi.yaml") {
                let template = String(operation.split(separator: " ")[1])
                // The revoked studio's own page (it keeps its public history) and its notice.
                let path = template.replacingOccurrences(of: "{id}", with: template.hasPrefix("/public/studios") ? "s1" : noticeID)
                let reply = try await client.send(.get, path)
                XCTAssertEqual(reply.status, .ok, path)
                XCTAssertEqual(RolesTable.personalData(in: reply.text), [], path)
                for name in ["郑秀英", "徐卫东", "91330800MA2DHXXX1X"] { XCTAssertFalse(reply.text.contains(name), "\(path) shows \(name)") }
            }
            let notice = try await client.send(.get, "/public/notices/\(noticeID)")
            XCTAssertTrue(notice.json["body"].string?.contains("衢化技改创新工作室") == true, notice.text)
        }
    }
}
