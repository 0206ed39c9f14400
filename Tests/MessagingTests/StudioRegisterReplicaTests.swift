import Foundation
import GRDB
@testable import Messaging
import StudioDomain
import XCTest

/// The one studio-register replica's policy (`StudioRegisterReplica`): every event is recorded, a naming that comes
/// late fills in only what is still unknown, a cycle never goes back, a revocation is never undone.
final class StudioRegisterReplicaTests: XCTestCase {
    let replica = StudioRegisterReplica(table: "test_studio")
    let id: StudioID = "s-1"
    let namedOn = LocalDate("2024-05-01")!

    func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in try replica.createTable(in: db) }
        return queue
    }

    var registered: StudioRegistered {
        StudioRegistered(studioID: id, applicationID: "a-1", studioName: "钳工创新工作室", unitName: "衢州精工机械有限公司",
                         screeningBodyCode: "330802", level: .city, namedOn: namedOn, cycle: StudioCycle(start: namedOn))
    }

    var named: StudioNamed {
        StudioNamed(studioID: id, applicationID: "a-1", roundID: "r-1", year: 2024, studioName: "钳工创新工作室", unitName: "衢州精工机械有限公司",
                    unitCreditCode: "91330800MA2XXXXXXX", screeningBodyCode: "330802", leaderName: "王师傅", namedOn: namedOn)
    }

    func apply(_ events: [any StudioRegisterEvent], to queue: DatabaseQueue) throws {
        for (index, event) in events.enumerated() {
            try queue.write { db in try replica.apply(event, at: Int64(1_000 + index), in: db) }
        }
    }

    func studio(_ queue: DatabaseQueue) throws -> ReplicaStudio? {
        try queue.read { db in try replica.find(id, in: db) }
    }

    func testInOrderTheReplicaFollowsTheRegister() throws {
        let queue = try database()
        let second = StudioCycle(number: 2, start: LocalDate("2027-05-01")!)
        try apply([registered,
                   StudioChanged(studioID: id, unitName: "衢州精工股份有限公司", effectiveOn: LocalDate("2025-01-01")!),
                   StudioExpired(studioID: id, cycle: StudioCycle(start: namedOn), expiredOn: LocalDate("2027-08-01")!),
                   StudioRenewed(studioID: id, assessedOn: LocalDate("2027-09-01")!, cycle: second, restoredStatus: .active)], to: queue)
        let studio = try XCTUnwrap(try studio(queue))
        XCTAssertEqual(studio.unitName, "衢州精工股份有限公司")
        XCTAssertEqual(studio.status, .active, "a late pass restores an expired studio")
        XCTAssertEqual(studio.cycle, second)
        let standing = try XCTUnwrap(studio.standing(on: LocalDate("2027-10-01")!))
        XCTAssertEqual(standing.name, "钳工创新工作室")
        XCTAssertEqual(standing.screeningBodyCode, "330802")
        XCTAssertEqual(standing.namedOn, namedOn)
        XCTAssertEqual(studio.applicationID, "a-1")
    }

    func testOutOfOrderTheLaterFactsAreKeptAndTheNamingFillsInTheRest() throws {
        let queue = try database()
        let second = StudioCycle(number: 2, start: LocalDate("2027-05-01")!)
        // Assessment's change of unit and its new cycle arrive before review's naming (another lane)
        try apply([StudioChanged(studioID: id, unitName: "新单位有限公司", screeningBodyCode: "330803", effectiveOn: LocalDate("2026-01-01")!),
                   StudioCycleChanged(studioID: id, cycle: second)], to: queue)
        let early = try XCTUnwrap(try studio(queue))
        XCTAssertNil(early.standing(on: LocalDate("2027-06-01")!), "a studio whose naming has not arrived is not a studio to the rules yet")
        XCTAssertEqual(early.unitName, "新单位有限公司")
        try apply([named], to: queue)
        let studio = try XCTUnwrap(try studio(queue))
        XCTAssertEqual(studio.unitName, "新单位有限公司", "the older naming does not overwrite the newer unit name")
        XCTAssertEqual(studio.screeningBodyCode, "330803")
        XCTAssertEqual(studio.cycle, second, "nor the newer cycle")
        XCTAssertEqual(studio.studioName, "钳工创新工作室")
        XCTAssertEqual(studio.status, .active)
        // A cycle event from before does not take the register back
        try apply([StudioCycleChanged(studioID: id, cycle: StudioCycle(start: namedOn))], to: queue)
        XCTAssertEqual(try self.studio(queue)?.cycle, second)
    }

    func testAReplayedEventChangesNothing() throws {
        let queue = try database()
        let events: [any StudioRegisterEvent] = [
            registered, named, StudioChanged(studioID: id, unitName: "新单位有限公司", effectiveOn: LocalDate("2026-01-01")!),
            DemonstrationAccepted(studioID: id, applicationID: "a-2", year: 2026, acceptedOn: LocalDate("2026-11-01")!),
        ]
        try apply(events, to: queue)
        let once = try XCTUnwrap(try studio(queue))
        XCTAssertEqual(once.status, .demonstration)
        // Each re-sent under a new id (a second subscription), in any order
        try apply(events.reversed(), to: queue)
        try apply(events, to: queue)
        XCTAssertEqual(try studio(queue), once)
        XCTAssertEqual(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM test_studio") }, 1)
    }

    func testARevocationThatArrivesBeforeTheNamingStays() throws {
        let queue = try database()
        try apply([StudioRevoked(studioID: id, reason: .plagiarismOrFraud, decidedOn: LocalDate("2026-06-01")!)], to: queue)
        XCTAssertNil(try studio(queue)?.standing(on: LocalDate("2026-07-01")!))
        XCTAssertEqual(try studio(queue)?.isRevoked, true, "known revoked before the studio is known")
        try apply([named, registered,
                   StudioExpired(studioID: id, cycle: StudioCycle(start: namedOn), expiredOn: LocalDate("2027-08-01")!),
                   StudioRenewed(studioID: id, assessedOn: LocalDate("2027-09-01")!, cycle: StudioCycle(number: 2, start: LocalDate("2027-05-01")!),
                                 restoredStatus: .active),
                   DemonstrationAccepted(studioID: id, applicationID: "a-2", year: 2026, acceptedOn: LocalDate("2026-11-01")!)], to: queue)
        let standing = try XCTUnwrap(try studio(queue)?.standing(on: LocalDate("2026-07-01")!))
        XCTAssertEqual(standing.status, .revoked, "nothing after a revocation restores the title")
        XCTAssertEqual(standing.revocationReason, .plagiarismOrFraud)
        XCTAssertEqual(standing.name, "钳工创新工作室")
    }

    func testAnOlderTableIsRebuiltInTheSharedShapeWithItsRows() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            // Intake's table before the shared replica
            try db.execute(sql: """
                CREATE TABLE test_studio (id TEXT PRIMARY KEY NOT NULL, application_id TEXT, studio_name TEXT NOT NULL, unit_name TEXT NOT NULL,
                    screening_body TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL, named_on TEXT NOT NULL,
                    cycle_number INTEGER NOT NULL, cycle_start TEXT NOT NULL, updated_at INTEGER NOT NULL, revocation_reason TEXT);
                INSERT INTO test_studio VALUES ('s-1', '', '钳工创新工作室', '衢州精工机械有限公司', '330802', 'city', 'revoked', '2024-05-01', 2, '2027-05-01', 5, 'assessmentFailed');
                """)
            try replica.rebuild(selecting: """
                id, application_id, studio_name, unit_name, screening_body, level, status, revocation_reason, named_on, cycle_number, cycle_start, updated_at
                """, in: db)
        }
        let studio = try XCTUnwrap(try studio(queue))
        XCTAssertNil(studio.applicationID, "empty text becomes unknown")
        XCTAssertEqual(studio.cycle, StudioCycle(number: 2, start: LocalDate("2027-05-01")!))
        XCTAssertEqual(studio.revocationReason, .assessmentFailed)
        XCTAssertEqual(studio.standing(on: LocalDate("2027-06-01")!)?.status, .revoked)
        // And it takes events as a new one does
        try apply([StudioChanged(studioID: id, screeningBodyCode: "330803", effectiveOn: LocalDate("2027-06-01")!)], to: queue)
        XCTAssertEqual(try self.studio(queue)?.screeningBodyCode, "330803")
    }
}
