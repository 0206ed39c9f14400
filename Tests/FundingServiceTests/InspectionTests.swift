import Foundation
import GRDB
import HummingbirdTesting
import Messaging
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// Art 16: every two years a joint inspection of each studio that received money, closed only with the
/// sign-off of the department, finance and the audit office; its misuse findings emit `inspection.misuse_found`
/// when it closes.
final class InspectionTests: XCTestCase {
    func testAJointInspectionNeedsAllThreeSignOffsAndMisuseEmitsAnEvent() async throws {
        // Given a studio paid on 2026-09-21
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        let unpaidStudio = try await fixture.nameStudio()
        let grant = try XCTUnwrap(fixture.grants(studio: studio).first)
        let department = try fixture.token(.department), finance = try fixture.token(.finance)
        let audit = try fixture.token(.auditOffice), expertToken = try fixture.token(.federation)
        try await fixture.service.built.application.test(.router) { client in
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .ok)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"P-1","paidOn":"2026-09-21"}"#, expect: .ok)

            // Then one inspection is scheduled, two years on, for the studio that received money only
            let list = try await client.call(.get, "/inspections", token: audit, expect: .ok).decode(Items<Inspections.View>.self).items
            XCTAssertEqual(list.map(\.studioId), [studio])
            XCTAssertFalse(list.contains { $0.studioId == unpaidStudio })
            let inspection = list[0]
            XCTAssertEqual(inspection.dueOn, "2028-09-21")
            XCTAssertEqual(inspection.missingSignOffs, ["department", "finance", "audit_office"])
            let path = "/inspections/\(inspection.id)"

            // Nobody signs before there is a finding; other roles cannot act
            try await client.call(.post, "\(path)/sign-offs", token: finance, expect: .conflict)
            try await client.call(.post, "\(path)/findings", token: expertToken, json: #"{"kind":"compliant","description":"x"}"#, expect: .forbidden)

            // A misuse finding needs amount and deadline, and emits the event in the same transaction
            let incomplete = try await client.call(.post, "\(path)/findings", token: audit, json: #"{"kind":"misuse","description":"购置与工作室无关的家电"}"#, expect: .unprocessableContent)
            XCTAssertEqual(Set(try incomplete.problem.errors.map(\.field)), ["amount", "rectificationDeadline"])
            XCTAssertEqual(try fixture.service.emitted(InspectionMisuseFound.self).count, 0)
            try await client.call(.post, "\(path)/findings", token: audit, json: """
                {"kind":"misuse","grantId":"\(grant.id)","amount":120000,"description":"购置与工作室无关的家电","rectificationDeadline":"2026-12-31"}
                """, expect: .created)
            try await client.call(.post, "\(path)/findings", token: department, json: #"{"kind":"compliant","description":"其余开支均有票据，符合第十五条"}"#, expect: .created)

            // Each role signs for itself, once; closing waits for all three
            try await client.call(.post, "\(path)/sign-offs", token: finance, json: #"{"note":"账实相符"}"#, expect: .ok)
            try await client.call(.post, "\(path)/sign-offs", token: finance, expect: .conflict)
            try await client.call(.post, "\(path)/findings", token: department, json: #"{"kind":"compliant","description":"late"}"#, expect: .conflict)
            try await client.call(.post, "\(path)/sign-offs", token: department, expect: .ok)
            let early = try await client.call(.post, "\(path)/close", token: department, expect: .conflict)
            XCTAssertEqual(try early.problem.errors.first?.code, "inspection.sign_offs_missing")
            XCTAssertTrue(try early.problem.errors.first?.messageZh.contains("经审办") == true)
            XCTAssertEqual(try early.problem.errors.first?.article, "第十六条 / Art. 16")
            try await client.call(.post, "\(path)/close", token: audit, expect: .forbidden)
            try await client.call(.post, "\(path)/sign-offs", token: audit, expect: .ok)
            let closed = try await client.call(.post, "\(path)/close", token: department, expect: .ok).decode(Inspections.View.self)
            XCTAssertEqual(closed.status, "closed")
            XCTAssertEqual(Set(closed.signOffs.map(\.role)), ["department", "finance", "audit_office"])

            // And the next inspection falls due two years after this one
            let next = try await client.call(.get, "/inspections?status=scheduled", token: department, expect: .ok).decode(Items<Inspections.View>.self).items
            XCTAssertEqual(next.map(\.dueOn), ["2030-09-21"])
        }
        let events = try fixture.service.emitted(InspectionMisuseFound.self)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events[0].data.studioID, studio)
        XCTAssertEqual(events[0].data.amount, Money(yuan: 1_200))
        XCTAssertEqual(events[0].data.grantID, grant.id)
        XCTAssertEqual(events[0].data.rectificationDeadline, LocalDate("2026-12-31"))
        XCTAssertEqual(events[0].aggregate, "studio:\(studio)")
    }

    func testAMisuseFindingIsTheInspectionsNotOnePersons() async throws {
        // Given a paid studio whose joint inspection is open
        let fixture = try FundingFixture()
        let (studio, grant) = try await fixture.budgetedStudio()
        let department = try fixture.token(.department), finance = try fixture.token(.finance), audit = try fixture.token(.auditOffice)
        try await fixture.service.built.application.test(.router) { client in
            try await client.call(.post, "/grants/\(grant.id)/approve", token: department, expect: .ok)
            try await client.call(.post, "/grants/\(grant.id)/payment", token: finance, json: #"{"paymentReference":"P-1","paidOn":"2026-09-21"}"#, expect: .ok)
            let inspections = try await client.call(.get, "/inspections", token: audit, expect: .ok).decode(Items<Inspections.View>.self).items
            let inspection = try XCTUnwrap(inspections.first)
            let path = "/inspections/\(inspection.id)"
            let misuse = #"{"kind":"misuse","grantId":"\#(grant.id)","amount":120000,"description":"购置与工作室无关的家电","rectificationDeadline":"2026-12-31"}"#

            // When the audit office records a misuse finding, then it is a draft and nothing is announced yet
            let recorded = try await client.call(.post, "\(path)/findings", token: audit, json: misuse, expect: .created).decode(Inspections.View.self)
            let first = try XCTUnwrap(recorded.findings.first)
            XCTAssertEqual(first.status, "draft")
            XCTAssertEqual(try fixture.service.emitted(InspectionMisuseFound.self).count, 0)

            // Another signer may not withdraw it; its own signer may, and it stays on record as withdrawn
            let notOwn = try await client.call(.post, "\(path)/findings/\(first.id)/withdrawal", token: finance, expect: .forbidden)
            XCTAssertEqual(try notOwn.problem.errors.first?.code, "finding.not_own")
            let withdrawn = try await client.call(.post, "\(path)/findings/\(first.id)/withdrawal", token: audit, expect: .ok).decode(Inspections.View.self)
            XCTAssertEqual(withdrawn.findings.map(\.status), ["withdrawn"])
            try await client.call(.post, "\(path)/findings/\(first.id)/withdrawal", token: audit, expect: .conflict)
            try await client.call(.post, "\(path)/findings/fnd_nosuch/withdrawal", token: audit, expect: .notFound)
            // A withdrawn finding is nothing to sign
            try await client.call(.post, "\(path)/sign-offs", token: finance, expect: .conflict)

            // A second misuse finding, signed by the three offices: no longer withdrawable, still not announced
            let second = try await client.call(.post, "\(path)/findings", token: audit, json: misuse, expect: .created).decode(Inspections.View.self)
                .findings.first { $0.status == "draft" }
            try await client.call(.post, "\(path)/sign-offs", token: finance, expect: .ok)
            let late = try await client.call(.post, "\(path)/findings/\(try XCTUnwrap(second).id)/withdrawal", token: audit, expect: .conflict)
            XCTAssertEqual(try late.problem.errors.first?.code, "inspection.signing_started")
            try await client.call(.post, "\(path)/sign-offs", token: department, expect: .ok)
            try await client.call(.post, "\(path)/sign-offs", token: audit, expect: .ok)
            XCTAssertEqual(try fixture.service.emitted(InspectionMisuseFound.self).count, 0)

            // Then closing the inspection makes the findings final and announces the one misuse finding left
            let closed = try await client.call(.post, "\(path)/close", token: department, expect: .ok).decode(Inspections.View.self)
            let statuses = Dictionary(uniqueKeysWithValues: closed.findings.map { ($0.id, $0.status) })
            XCTAssertEqual(statuses, [first.id: "withdrawn", try XCTUnwrap(second).id: "final"])
            try await client.call(.post, "\(path)/findings/\(try XCTUnwrap(second).id)/withdrawal", token: audit, expect: .conflict)
            let events = try fixture.service.emitted(InspectionMisuseFound.self)
            XCTAssertEqual(events.count, 1)
            XCTAssertEqual(events.first?.data.inspectionID, inspection.id)
            XCTAssertEqual(events.first?.data.amount, Money(yuan: 1_200))
            XCTAssertEqual(events.first?.data.studioID, studio)
        }
    }
}
