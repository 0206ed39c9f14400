import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import Messaging
import StudioDomain
import TestSupport
import XCTest

/// A create computes what needs no database before it reaches the writer, for the round as it was last read
/// (`RoundHints`); the transaction uses that work only if its own read of the round is the same round.
final class PreparedCreateTests: XCTestCase {
    typealias F = IntakeFixture

    func testWorkPreparedForTheRoundAsItWasIsDoneAgainForTheRoundAsItIs() async throws {
        let fixture = try IntakeFixture(on: "2026-10-30")
        try await fixture.service.built.application.test(.router) { client in
            let roundID = try await fixture.openRound(client)
            let found = try await fixture.service.database.read { db in try RoundStore.find(roundID, in: db) }
            let round = try XCTUnwrap(found)
            var earlier = round
            earlier.year = 2025
            let workflow = ApplicationWorkflow(outbox: Outbox(source: "intake", doorbell: Doorbell()))
            let today = LocalDate("2026-10-30")!
            let stale = try ApplicationWorkflow.PreparedCreate.make(F.validForm(), round: earlier, body: "330802", submit: true, today: today, now: 1)
            let fresh = try ApplicationWorkflow.PreparedCreate.make(F.validForm(studio: "另一个工作室", creditCode: F.otherCreditCode),
                                                                    round: round, body: "330803", submit: true, today: today, now: 1)
            let (first, second) = try await fixture.service.database.write { db in
                (try workflow.createEncoded(F.validForm(), round: round, body: "330802", submit: true, today: today, now: 1, prepared: stale, in: db),
                 try workflow.createEncoded(F.validForm(studio: "另一个工作室", creditCode: F.otherCreditCode), round: round, body: "330803",
                                            submit: true, today: today, now: 1, prepared: fresh, in: db))
            }
            // The stale work is not used: the application and its event are the round's as it is
            XCTAssertEqual(first.round, round)
            XCTAssertNotEqual(first.application.id, stale.application.id)
            // The work prepared for this very round is used as it is
            XCTAssertEqual(second.application.id, fresh.application.id)
            let events = try fixture.service.emitted(ApplicationSubmitted.self).map(\.data)
            XCTAssertEqual(events.map(\.application.applicationID), [first.application.id, fresh.application.id])
            XCTAssertEqual(events.map(\.application.year), [2026, 2026])
            // And what the response says is what is stored
            for (done, form) in [(first, F.validForm()), (second, F.validForm(studio: "另一个工作室", creditCode: F.otherCreditCode))] {
                let view = try DomainJSON.decoder().decode(ApplicationView.self, from: done.response)
                XCTAssertEqual(view.id, done.application.id)
                XCTAssertEqual(view.status, ApplicationStatus.submitted.rawValue)
                let row = try await fixture.service.database.read { db in try ApplicationStore.find(done.application.id, in: db) }
                let stored = try XCTUnwrap(row)
                XCTAssertEqual(stored.status, view.status)
                XCTAssertEqual(stored.form, form)
            }
        }
    }
}
