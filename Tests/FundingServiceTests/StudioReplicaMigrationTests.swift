import Foundation
import GRDB
@testable import FundingService
import StudioDomain
import XCTest

/// Migration `funding-v7-shared-studio-replica`: `funding_studio` in the shared replica's shape, its rows kept; the
/// empty names of a row an early event made become unknown, and the naming fills them in when it arrives.
final class StudioReplicaMigrationTests: XCTestCase {
    func testTheReplicaTableIsRebuiltAndAnEarlyRowIsFilledInByTheNaming() throws {
        var migrator = DatabaseMigrator()
        FundingSchema.migrate(&migrator)
        StudioReplica.migrate(&migrator)
        let queue = try DatabaseQueue()
        try migrator.migrate(queue, upTo: "funding-v6-grant-paging")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO funding_studio (studio_id, studio_name, unit_name, screening_body_code, status, updated_at)
                VALUES ('s-1', '钳工创新工作室', '衢州精工机械有限公司', '330802', 'revoked', 5),
                       ('s-2', '', '新单位有限公司', '', 'active', 6)
                """)
        }
        try migrator.migrate(queue)
        try queue.write { db in
            XCTAssertEqual(try StudioReplica.find("s-1", in: db)?.revoked, true)
            XCTAssertEqual(try StudioReplica.find("s-1", in: db)?.unitName, "衢州精工机械有限公司")
            try StudioReplica.replica.apply(StudioNamed(studioID: "s-2", applicationID: "a-2", roundID: "r-1", year: 2026, studioName: "焊工创新工作室",
                                                        unitName: "衢州钢铁有限公司", unitCreditCode: "91330800MA2XXXXXXX", screeningBodyCode: "330803",
                                                        leaderName: "李师傅", namedOn: LocalDate("2026-12-01")!), at: 7, in: db)
            let filled = try XCTUnwrap(try StudioReplica.find("s-2", in: db))
            XCTAssertEqual(filled.studioName, "焊工创新工作室")
            XCTAssertEqual(filled.screeningBodyCode, "330803")
            XCTAssertEqual(filled.unitName, "新单位有限公司", "the unit name a later change told stays the payee")
        }
    }
}
