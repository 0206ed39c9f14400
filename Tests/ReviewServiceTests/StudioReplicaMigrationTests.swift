import Foundation
import GRDB
@testable import ReviewService
import StudioDomain
import XCTest

/// Migration `review-studio-replica-shared`: `studio_replica` in the shared replica's shape, its rows kept; a row
/// from before review kept the register's cycle keeps none, and is judged in the cycle chained from its naming.
final class StudioReplicaMigrationTests: XCTestCase {
    func testTheReplicaTableIsRebuiltKeepingItsStudiosAndTheirMissingCycles() throws {
        var migrator = DatabaseMigrator()
        ReviewDatabase.migrations(&migrator)
        let queue = try DatabaseQueue()
        try migrator.migrate(queue, upTo: "review-studio-replica-cycle")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO studio_replica (studio_id, studio_name, unit_name, screening_body_code, level, status, named_on, updated_at, revocation_reason, cycle_number, cycle_start)
                VALUES ('s-old', '钳工创新工作室', '衢州精工机械有限公司', '330802', 'city', 'active', '2021-05-01', 5, NULL, 1, NULL),
                       ('s-new', '焊工创新工作室', '衢州钢铁有限公司', '330802', 'city', 'revoked', '2024-05-01', 6, 'plagiarismOrFraud', 1, '2024-05-01')
                """)
        }
        try migrator.migrate(queue)
        try queue.read { db in
            let old = try XCTUnwrap(try StudioReplica.find("s-old", in: db))
            XCTAssertNil(old.cycle)
            XCTAssertEqual(old.standing(on: LocalDate("2024-06-01")!)?.cycle, StudioCycle(number: 2, start: LocalDate("2024-05-01")!))
            let revoked = try XCTUnwrap(try StudioReplica.find("s-new", in: db)?.standing(on: LocalDate("2025-01-01")!))
            XCTAssertEqual(revoked.status, .revoked)
            XCTAssertEqual(revoked.revocationReason, .plagiarismOrFraud)
            XCTAssertEqual(revoked.cycle, StudioCycle(start: LocalDate("2024-05-01")!))
        }
    }
}
