import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The audit log covers intake's decisions: a submission, an amendment, a withdrawal and an import are entries
/// of the hash chain, in the decision's own transaction, naming the screening body and never the form's
/// personal data; a refused step leaves no entry.
final class IntakeAuditTests: XCTestCase {
    func testSubmissionsAmendmentsWithdrawalsAndImportsAreInTheAuditChain() async throws {
        let fixture = try IntakeFixture(on: "2026-09-01")
        try await fixture.service.built.application.test(.router) { client in
            let round = try await fixture.openRound(client)
            let submitted = try await fixture.submitted(client, token: fixture.kecheng, round: round, form: IntakeFixture.validForm())
            var amended = IntakeFixture.validForm()
            amended.workRules = "工作室章程、月度例会制度（修订）"
            try await client.execute(uri: "/applications/\(submitted.id)", method: .put, headers: TestRequest.headers(fixture.kecheng),
                                     body: TestRequest.json(amended)) { XCTAssertEqual($0.status, .ok, String(buffer: $0.body)) }
            try await client.execute(uri: "/applications/\(submitted.id)/withdraw", method: .post, headers: TestRequest.headers(fixture.kecheng),
                                     body: ByteBuffer(string: #"{"reason":"单位调整"}"#)) { XCTAssertEqual($0.status, .ok, String(buffer: $0.body)) }
            // A refused submission (the same studio again is fine once withdrawn; an incomplete form is not) writes no entry
            var incomplete = IntakeFixture.validForm(studio: "另一个工作室")
            incomplete.leader = nil
            try await fixture.create(client, token: fixture.kecheng, round: round, form: incomplete) { XCTAssertEqual($0.status, .unprocessableContent) }
            let csv = [ImportTests.header, ImportTests.row(studio: "甲工作室", order: "1"), ImportTests.row(studio: "乙工作室", order: "2")].joined(separator: "\r\n") + "\r\n"
            try await ImportTests.post(fixture, client, round: round, bytes: Array(csv.utf8)) { XCTAssertEqual($0.status, .ok, String(buffer: $0.body)) }
        }
        let (entries, verification) = try await fixture.service.database.read { db in
            (try Row.fetchAll(db, sql: "SELECT actor_role, actor_subject, action, subject, details FROM audit_log WHERE action LIKE 'application%' ORDER BY seq"),
             try AuditLog.verify(in: db))
        }
        XCTAssertTrue(verification.intact)
        XCTAssertEqual(entries.map { $0["action"] as String }, [
            "application.submitted", "application.amended", "application.withdrawn",
            "application.submitted", "application.submitted", "applications.imported",
        ])
        XCTAssertEqual(Set(entries.map { $0["actor_role"] as String }), ["screening_body"])
        XCTAssertEqual(Set(entries.map { $0["actor_subject"] as String }), ["330802"])
        XCTAssertTrue((entries[1]["details"] as String).contains("\"version\":\"2\""), entries[1]["details"] as String)
        XCTAssertTrue((entries[2]["details"] as String).contains("单位调整"))
        XCTAssertTrue((entries[5]["details"] as String).contains("\"imported\":\"2\""), entries[5]["details"] as String)
        let all = entries.map { $0["details"] as String }.joined()
        XCTAssertFalse(all.contains(IntakeFixture.idNumber) || all.contains("13905700000"), "no personal data from the form")
    }
}
