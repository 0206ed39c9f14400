import ServiceKit
import Foundation
import GRDB
import HummingbirdTesting
import Messaging
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// `studio.revoked` cancels every unpaid grant; `studio.changed` renames the payee of unpaid grants only.
final class RevocationTests: XCTestCase {
    func testRevocationCancelsEveryUnpaidGrantAndKeepsThePaidOne() async throws {
        // Given a studio with a paid naming grant, an approved project grant and a held demonstration grant
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        try fixture.setBudget(2027, yuan: 20_000)
        let studio = try await fixture.nameStudio()
        try await fixture.service.receive(ProjectGrantAwarded(studioID: studio, applicationID: .new(), roundID: "p", year: 2027), from: "review")
        try await fixture.service.receive(DemonstrationAccepted(studioID: studio, applicationID: .new(), year: 2027, acceptedOn: LocalDate("2026-09-10")!), from: "assessment")
        let moment = Moment(fixture.clock.now())
        let actor = Agent(event: "test", source: "test")
        let byKind = Dictionary(uniqueKeysWithValues: try fixture.grants(studio: studio).map { ($0.kind, $0) })
        XCTAssertEqual(byKind[.demonstration]?.status, .held)
        try await fixture.database.write { db in
            _ = try FundingDatabase.approve(byKind[.naming]!.id, by: actor, at: moment, in: db)
            _ = try FundingDatabase.pay(byKind[.naming]!.id, paymentReference: "P-1", paidOn: moment.today, by: actor, at: moment, settings: .standard, in: db)
            _ = try FundingDatabase.approve(byKind[.projectGrant]!.id, by: actor, at: moment, in: db)
        }

        // When assessment revokes the studio (twice, as a redelivery under a new id)
        let revoked = StudioRevoked(studioID: studio, reason: .plagiarismOrFraud, decidedOn: moment.today)
        try await fixture.service.receive(revoked, from: "assessment")
        try await fixture.service.receive(revoked, from: "assessment")

        // Then the unpaid grants are cancelled with the reason, the paid one stays, and the ledger reverses only the commitment
        let after = Dictionary(uniqueKeysWithValues: try fixture.grants(studio: studio).map { ($0.kind, $0) })
        XCTAssertEqual(after[.naming]?.status, .paid)
        XCTAssertEqual(after[.projectGrant]?.status, .cancelled)
        XCTAssertEqual(after[.demonstration]?.status, .cancelled)
        XCTAssertTrue(after[.projectGrant]?.cancelReason?.contains("剽窃、弄虚作假") == true)
        XCTAssertTrue(after[.projectGrant]?.cancelledBy?.hasPrefix("event:assessment:") == true)
        // Each cancelled grant is told once (grant.cancelled), the second revocation finding nothing left to cancel
        let told = try fixture.service.emitted(GrantCancelled.self)
        XCTAssertEqual(told.map(\.data.kind).sorted(), ["demonstration", "projectGrant"])
        XCTAssertTrue(told.allSatisfy { $0.data.year == 2027 && $0.data.reason.contains("剽窃、弄虚作假") }, "\(told.map(\.data))")
        let balances = try await fixture.database.read { db in try Ledger.balances(studioID: studio, in: db) }
        XCTAssertEqual(balances.granted, Money(yuan: 10_000))
        XCTAssertEqual(balances.paid, Money(yuan: 10_000))

        // And a deciding event that arrives after the revocation gives a grant that is cancelled from the start
        try await fixture.service.receive(ProjectGrantAwarded(studioID: studio, applicationID: .new(), roundID: "p", year: 2028), from: "review")
        XCTAssertEqual(try fixture.grants(studio: studio).first { $0.year == 2028 }?.status, .cancelled)
    }

    func testAChangeOfUnitNameRenamesThePayeeOfUnpaidGrantsOnly() async throws {
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        try fixture.setBudget(2027, yuan: 100_000)
        let studio = try await fixture.nameStudio(unit: "旧单位有限公司")
        let moment = Moment(fixture.clock.now())
        let actor = Agent(event: "test", source: "test")
        let naming = try XCTUnwrap(fixture.grants(studio: studio).first)
        try await fixture.database.write { db in
            _ = try FundingDatabase.approve(naming.id, by: actor, at: moment, in: db)
            _ = try FundingDatabase.pay(naming.id, paymentReference: "P-1", paidOn: moment.today, by: actor, at: moment, settings: .standard, in: db)
        }
        try await fixture.service.receive(ProjectGrantAwarded(studioID: studio, applicationID: .new(), roundID: "p", year: 2027), from: "review")
        try await fixture.service.receive(StudioChanged(studioID: studio, unitName: "新单位股份有限公司", effectiveOn: moment.today), from: "assessment")
        let grants = Dictionary(uniqueKeysWithValues: try fixture.grants(studio: studio).map { ($0.kind, $0) })
        XCTAssertEqual(grants[.naming]?.payeeName, "旧单位有限公司")
        XCTAssertEqual(grants[.projectGrant]?.payeeName, "新单位股份有限公司")
    }
}
