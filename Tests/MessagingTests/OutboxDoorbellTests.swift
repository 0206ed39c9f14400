import Foundation
import GRDB
@testable import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The outbox wakes the dispatcher when a commit gave it a delivery to make, and only then.
final class OutboxDoorbellTests: XCTestCase {
    func testAnEventNoSubscriptionTakesIsStoredWithoutWakingTheDispatcher() async throws {
        let database = try ServiceDatabase.open(path: ":memory:", module: BareModule(name: "sender"))
        let doorbell = Doorbell()
        let outbox = Outbox(source: "sender", doorbell: doorbell)
        try await database.write { db in
            _ = try Subscriptions.create(name: "other", url: "http://127.0.0.1:1/events", eventTypes: ["some.other.type"],
                                         secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", nowMillis: 0, in: db)
        }
        let id = try await database.write { db in try outbox.append(WebhookTestEvent(aggregate: "a", note: "n"), in: db).id }
        XCTAssertFalse(doorbell.isRung, "nothing to deliver: no wake-up")
        let stored = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message WHERE id = ?", arguments: [id]),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery"))
        }
        XCTAssertEqual(stored.0, 1, "the event is in the outbox all the same")
        XCTAssertEqual(stored.1, 0)

        _ = try await database.write { db in
            try Subscriptions.create(name: "all", url: "http://127.0.0.1:1/events", eventTypes: ["*"],
                                     secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", nowMillis: 0, in: db)
        }
        XCTAssertFalse(doorbell.isRung)
        // A rolled-back append rings nothing; a committed one with a delivery does.
        struct Undo: Error {}
        do {
            try await database.write { db in
                _ = try outbox.append(WebhookTestEvent(aggregate: "a", note: "rolled back"), in: db)
                throw Undo()
            }
        } catch is Undo {}
        XCTAssertFalse(doorbell.isRung, "a rolled-back append rings nothing")
        _ = try await database.write { db in try outbox.append(WebhookTestEvent(aggregate: "a", note: "n2"), in: db) }
        XCTAssertTrue(doorbell.isRung, "a committed delivery wakes the dispatcher")
    }
}
