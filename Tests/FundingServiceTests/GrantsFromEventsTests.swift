import Foundation
import GRDB
import Messaging
import StudioDomain
import TestSupport
import ServiceKit
import XCTest
@testable import FundingService

/// Art 12–14: each deciding event gives exactly one grant of the configured amount, however often it arrives.
final class GrantsFromEventsTests: XCTestCase {
    func testEachGrantKindIsCreatedOnceUnderRedelivery() async throws {
        // Given a budget that holds everything
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 1_000_000)
        try fixture.setBudget(2027, yuan: 1_000_000)
        let studio = StudioID.new()
        let application = ApplicationID.new()
        let named = FundingFixture.named(studio, application: application)
        let project = ProjectGrantAwarded(studioID: studio, applicationID: .new(), roundID: "p-2027", year: 2027)
        let demonstration = DemonstrationAccepted(studioID: studio, applicationID: .new(), year: 2027, acceptedOn: LocalDate("2027-06-01")!)

        // When each event arrives, then again under a new webhook id, then with an old sequence number
        for _ in 0..<2 {
            try await fixture.service.receive(named, from: "review")
            try await fixture.service.receive(project, from: "review")
            try await fixture.service.receive(demonstration, from: "assessment")
        }
        // (an old sequence under an id the inbox never saw is not a duplicate by itself: it is applied, and the
        // grant rules, not the inbox, keep it from creating a second grant)
        let replay = try await fixture.service.receive(named, from: "review", sequence: 1)
        guard case .applied = replay else { return XCTFail("an unseen id with an old sequence must be applied, got \(replay)") }

        // Then there is one grant of each kind, with the regulation's amounts in fen
        let grants = try fixture.grants(studio: studio)
        XCTAssertEqual(grants.map(\.kind).sorted { $0.rawValue < $1.rawValue }, [.demonstration, .naming, .projectGrant])
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: grants.map { ($0.kind, $0.amountFen) }),
                       [.naming: 1_000_000, .projectGrant: 2_000_000, .demonstration: 5_000_000])
        XCTAssertTrue(grants.allSatisfy { $0.status == .scheduled })
        XCTAssertEqual(grants.first { $0.kind == .naming }?.sourceApplicationId, application)
        XCTAssertEqual(grants.first { $0.kind == .naming }?.dueOn, "2026-10-01", "due 30 days after the naming day")
        // And the ledger records each commitment once
        let entries = try fixture.ledger(studio: studio)
        XCTAssertEqual(entries.filter { $0.kind == .granted }.count, 3)
        XCTAssertEqual(entries.map(\.amountFen).reduce(0, +), 8_000_000)
    }

    func testAProjectGrantIsDecidedOnTheFederationsDayNotTheDayTheEventWasSent() async throws {
        // Given two named studios, funding's clock on 2026-09-21, and an award decided on review's (demo) day 2027-03-15
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 1_000_000)
        try fixture.setBudget(2027, yuan: 1_000_000)
        let studio = try await fixture.nameStudio(), older = try await fixture.nameStudio()
        try await fixture.service.receive(ProjectGrantAwarded(studioID: studio, applicationID: .new(), roundID: "p-2027", year: 2027,
                                                              decidedOn: LocalDate("2027-03-15")!), from: "review")
        // And an award sent before awards carried their day
        try await fixture.service.receive(ProjectGrantAwarded(studioID: older, applicationID: .new(), roundID: "p-2027", year: 2027), from: "review")

        // Then the grant is decided on the federation's day and due 30 days after it
        let grant = try XCTUnwrap(try fixture.grants(studio: studio).first { $0.kind == .projectGrant })
        XCTAssertEqual(grant.decidedOn, "2027-03-15")
        XCTAssertEqual(grant.dueOn, "2027-04-14")
        // And the older award keeps the day the event was committed
        XCTAssertEqual(try fixture.grants(studio: older).first { $0.kind == .projectGrant }?.decidedOn, LocalDate(fixture.clock.now()).description)
    }

    func testAmountsComeFromConfiguration() async throws {
        var settings = FundingSettings()
        settings.amounts[.naming] = Money(fen: 1_234_567)
        let fixture = try FundingFixture(settings: settings)
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        XCTAssertEqual(try fixture.grants(studio: studio).first?.amountFen, 1_234_567)
        let configured = try FundingOptions.parse([]).settings(environment: SettingsEnvironment(["FUNDING_PROJECT_GRANT_FEN": "3000000", "FUNDING_OVERSPEND": "flag"]))
        XCTAssertEqual(configured.amount(for: .projectGrant), Money(yuan: 30_000))
        XCTAssertEqual(configured.overspend, .flag)
        XCTAssertEqual(try FundingOptions.parse(["--payment-days", "10"]).settings(environment: SettingsEnvironment(["FUNDING_PAYMENT_DAYS": "20"])).paymentDays, 10)
        XCTAssertThrowsError(try FundingOptions.parse([]).settings(environment: SettingsEnvironment(["FUNDING_OVERSPEND": "ignore"])))
        XCTAssertThrowsError(try FundingOptions.parse([]).settings(environment: SettingsEnvironment(["FUNDING_NAMING_GRANT_FEN": "-5"])))
    }

    func testAGrantForAStudioNotYetRegisteredIsRejectedSoTheSenderRetries() async throws {
        let fixture = try FundingFixture()
        let result = try await fixture.service.receive(ProjectGrantAwarded(studioID: .new(), applicationID: .new(), roundID: "r", year: 2027), from: "review")
        guard case .rejected(let issues) = result else { return XCTFail("expected a rejection, got \(result)") }
        XCTAssertEqual(issues.first?.code, "studio.unknown")
        XCTAssertEqual(try fixture.grants().count, 0)
    }
}
