import Foundation
import GRDB
@testable import IntakeService
import ServiceKit
import StudioDomain
import XCTest

/// Migration `intake-v6-shared-studio-replica`: `intake_studio` in the shared replica's shape, its rows kept.
final class StudioReplicaMigrationTests: XCTestCase {
    func testTheReplicaTableIsRebuiltKeepingItsStudios() throws {
        var migrator = DatabaseMigrator()
        IntakeSchema.register(in: &migrator)
        ExpertPanel.migrate(&migrator)
        StudioReplica.migrate(&migrator)
        let queue = try DatabaseQueue()
        try migrator.migrate(queue, upTo: "intake-v3-expert-panel")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO intake_studio (id, application_id, studio_name, unit_name, screening_body, level, status, named_on, cycle_number, cycle_start, updated_at, revocation_reason)
                VALUES ('s-1', 'a-1', '钳工创新工作室', '衢州精工机械有限公司', '330802', 'city', 'revoked', '2024-05-01', 2, '2027-05-01', 5, 'assessmentFailed'),
                       ('s-2', NULL, '焊工创新工作室', '衢州钢铁有限公司', '330803', 'provincial', 'active', '2023-04-01', 1, '2023-04-01', 6, NULL)
                """)
        }
        try migrator.migrate(queue)
        try queue.read { db in
            let revoked = try XCTUnwrap(try StudioReplica.find("s-1", in: db))
            XCTAssertEqual(revoked.applicationId, "a-1")
            XCTAssertEqual(revoked.status, .revoked)
            XCTAssertEqual(revoked.revocationReason, .assessmentFailed)
            XCTAssertEqual(revoked.cycle, StudioCycle(number: 2, start: LocalDate("2027-05-01")!))
            let page = try StudioReplica.page(.init(screeningBody: "330803"), page: PageRequest(limit: 10, after: nil), in: db)
            XCTAssertEqual(page.items.map(\.studioId), ["s-2"])
            XCTAssertEqual(page.items.first?.level, .provincial)
        }
    }
}
