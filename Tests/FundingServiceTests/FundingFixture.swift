import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// A funding service in memory with a hand-moved clock, and the events that create grants.
struct FundingFixture {
    let service: TestService
    var clock: TestClock { service.clock }
    var database: any DatabaseWriter { service.database }

    /// 2026-09-21 (the TestClock's default start) unless told otherwise.
    /// `background: false` leaves the scheduler service out, for a test that watches every change to the database.
    init(settings: FundingSettings = FundingSettings(), background: Bool = true) throws {
        service = background ? try TestService(FundingModule(settings: settings)) : try TestService(WithoutBackgroundServices(FundingModule(settings: settings)))
    }

    var today: LocalDate { LocalDate(clock.now()) }

    static func named(_ studio: StudioID, year: Int = 2026, unit: String = "衢州巨化集团有限公司", body: String = "330802",
                      application: ApplicationID = .new(), on day: LocalDate = LocalDate("2026-09-01")!) -> StudioNamed {
        .sample(studio, name: "王师傅创新工作室", unit: unit, body: body, application: application, year: year, namedOn: day)
    }

    /// Names a studio (the naming grant follows) and returns its id.
    @discardableResult
    func nameStudio(_ studio: StudioID = .new(), year: Int = 2026, unit: String = "衢州巨化集团有限公司", body: String = "330802") async throws -> StudioID {
        let result = try await service.receive(Self.named(studio, year: year, unit: unit, body: body), from: "review")
        guard case .applied = result else { XCTFail("studio.named not applied: \(result)"); return studio }
        return studio
    }

    /// A studio named in 2026 within a budget of 100,000 yuan, and its naming grant, scheduled.
    func budgetedStudio() async throws -> (studio: StudioID, grant: GrantRecord) {
        try setBudget(2026, yuan: 100_000)
        let studio = try await nameStudio()
        return (studio, try XCTUnwrap(grants(studio: studio).first))
    }

    func setBudget(_ year: Int, yuan: Int) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO budget (year, amount_fen, set_by, set_at) VALUES (?, ?, 'department:test', 0) ON CONFLICT (year) DO UPDATE SET amount_fen = excluded.amount_fen",
                           arguments: [year, Int64(yuan) * 100])
        }
    }

    func grants(studio: StudioID? = nil) throws -> [GrantRecord] {
        try database.read { db in
            if let studio { return try GrantRecord.fetchAll(db, sql: "SELECT * FROM funding_grant WHERE studio_id = ? ORDER BY created_at, id", arguments: [studio.rawValue]) }
            return try GrantRecord.fetchAll(db, sql: "SELECT * FROM funding_grant ORDER BY created_at, id")
        }
    }

    func ledger(studio: StudioID) throws -> [LedgerEntry] {
        try database.read { db in try Ledger.entries(studioID: studio, in: db) }
    }

    func token(_ role: Role) throws -> String { try service.token(role) }
}
