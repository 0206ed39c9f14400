import Foundation
import GRDB
import ServiceKit
import StudioDomain
import TestSupport
import XCTest
@testable import FundingService

/// The books hold whatever happens: a seeded random run of events and decisions, checked after every step.
final class LedgerInvariantTests: XCTestCase {

    func testTheLedgerIsAppendOnlyInTheDatabaseItself() async throws {
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        XCTAssertEqual(try fixture.ledger(studio: studio).count, 1)
        for sql in ["UPDATE ledger_entry SET amount_fen = 1", "DELETE FROM ledger_entry",
                    "INSERT INTO ledger_entry (grant_id, studio_id, kind, amount_fen, occurred_on, recorded_by, recorded_at) SELECT id, studio_id, 'paid', amount_fen + 1, '2026-09-01', 'x', 0 FROM funding_grant",
                    "INSERT INTO ledger_entry (grant_id, studio_id, kind, amount_fen, occurred_on, recorded_by, recorded_at) SELECT id, studio_id, 'expense', -5, '2026-09-01', 'x', 0 FROM funding_grant"] {
            do {
                try await fixture.database.write { db in try db.execute(sql: sql) }
                XCTFail("the database accepted: \(sql)")
            } catch let error as DatabaseError {
                XCTAssertEqual(error.resultCode, .SQLITE_CONSTRAINT, sql)
            }
        }
        XCTAssertEqual(try fixture.ledger(studio: studio).map(\.amountFen), [1_000_000])
    }

    /// Runs `sql` and expects the database itself to refuse it with a constraint error.
    func assertRefused(_ sql: String, _ fixture: FundingFixture, file: StaticString = #filePath, line: UInt = #line) async throws {
        do {
            try await fixture.database.write { db in try db.execute(sql: sql) }
            XCTFail("the database accepted: \(sql)", file: file, line: line)
        } catch let error as DatabaseError {
            XCTAssertEqual(error.resultCode, .SQLITE_CONSTRAINT, "\(sql): \(error)", file: file, line: line)
        }
    }

    func testTheLedgerIsAppendOnlyEvenForInsertOrReplace() async throws {
        // Given a named studio whose grant is on the books
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        let before = try fixture.ledger(studio: studio)
        XCTAssertEqual(before.map(\.amountFen), [1_000_000])
        // When an entry is rewritten through REPLACE (which deletes without firing the delete trigger) or an upsert
        let columns = "id, grant_id, studio_id, kind, amount_fen, occurred_on, reference, note, recorded_by, recorded_at"
        let forged = "SELECT id, grant_id, studio_id, kind, 1, occurred_on, reference, 'forged', recorded_by, recorded_at FROM ledger_entry"
        try await assertRefused("INSERT OR REPLACE INTO ledger_entry (\(columns)) \(forged)", fixture)
        try await assertRefused("REPLACE INTO ledger_entry (\(columns)) \(forged)", fixture)
        try await assertRefused("INSERT INTO ledger_entry (\(columns)) \(forged) WHERE true ON CONFLICT (id) DO UPDATE SET amount_fen = 1", fixture)
        // Then the books are as they were, and a new entry still appends
        XCTAssertEqual(try fixture.ledger(studio: studio).map(\.amountFen), before.map(\.amountFen))
        XCTAssertEqual(try fixture.ledger(studio: studio).map(\.note), before.map(\.note))
        try await fixture.database.write { db in
            try db.execute(sql: """
                INSERT INTO ledger_entry (grant_id, studio_id, kind, amount_fen, occurred_on, recorded_by, recorded_at)
                SELECT grant_id, studio_id, 'paid', 100, occurred_on, 'test', 0 FROM ledger_entry
                """)
        }
        XCTAssertEqual(try fixture.ledger(studio: studio).map(\.amountFen), [1_000_000, 100])
    }

    func testAGrantsAmountAndKindCannotBeChangedAfterItIsCreated() async throws {
        // Given a scheduled naming grant of 10,000 yuan
        let fixture = try FundingFixture()
        try fixture.setBudget(2026, yuan: 100_000)
        let studio = try await fixture.nameStudio()
        let grant = try XCTUnwrap(fixture.grants(studio: studio).first)
        XCTAssertEqual(grant.amountFen, 1_000_000)
        // When its amount or kind is updated, or the row replaced by one with another amount
        try await assertRefused("UPDATE funding_grant SET amount_fen = 100", fixture)
        try await assertRefused("UPDATE funding_grant SET kind = 'demonstration'", fixture)
        try await assertRefused("UPDATE funding_grant SET amount_fen = amount_fen * 5, kind = 'demonstration', status = 'approved'", fixture)
        try await fixture.database.write { db in
            try db.execute(sql: "CREATE TEMP TABLE forged AS SELECT * FROM funding_grant")
            try db.execute(sql: "UPDATE forged SET amount_fen = 100, kind = 'demonstration'")
        }
        try await assertRefused("INSERT OR REPLACE INTO funding_grant SELECT * FROM forged", fixture)
        try await assertRefused("REPLACE INTO funding_grant SELECT * FROM forged", fixture)
        // Then it is as decided, and its workflow still moves it on
        let moment = Moment(fixture.clock.now())
        let approved = try await fixture.database.write { db in try FundingDatabase.approve(grant.id, by: Agent(event: "t", source: "t"), at: moment, in: db) }
        XCTAssertEqual(approved.status, .approved)
        let after = try XCTUnwrap(fixture.grants(studio: studio).first)
        XCTAssertEqual(after.amountFen, 1_000_000)
        XCTAssertEqual(after.kind, .naming)
    }

    func testInvariantsHoldAfterEveryStepOfARandomizedRun() async throws {
        for seed: UInt64 in [1, 2, 20261124] {
            try await run(seed: seed, steps: 200)
        }
    }

    func run(seed: UInt64, steps: Int) async throws {
        var random = SplitMix64(seed: seed)
        let fixture = try FundingFixture()
        var studios: [StudioID] = []
        var events: [any DomainEventSender] = []
        var previous: [LedgerEntry] = []
        var refusals = 0, paidCount = 0
        let actor = Agent(event: "random", source: "test")
        for step in 0..<steps {
            let moment = Moment(fixture.clock.now())
            let grants = try fixture.grants()
            let pick = { (status: GrantStatus?, random: inout SplitMix64) -> GrantRecord? in
                let pool = status == nil ? grants : grants.filter { $0.status == status }
                return pool.randomElement(using: &random)
            }
            do {
                switch Int.random(in: 0..<12, using: &random) {
                case 0, 1:
                    let studio = StudioID.new()
                    studios.append(studio)
                    let event = FundingFixture.named(studio, year: Int.random(in: 2026...2027, using: &random))
                    events.append(Sender(event: event, source: "review"))
                    try await fixture.service.receive(event, from: "review")
                case 2 where !studios.isEmpty:
                    let event = ProjectGrantAwarded(studioID: studios.randomElement(using: &random)!, applicationID: .new(), roundID: "r",
                                                    year: Int.random(in: 2026...2027, using: &random))
                    events.append(Sender(event: event, source: "review"))
                    try await fixture.service.receive(event, from: "review")
                case 3 where !studios.isEmpty:
                    let event = DemonstrationAccepted(studioID: studios.randomElement(using: &random)!, applicationID: .new(),
                                                      year: Int.random(in: 2026...2027, using: &random), acceptedOn: moment.today)
                    events.append(Sender(event: event, source: "assessment"))
                    try await fixture.service.receive(event, from: "assessment")
                case 4 where !events.isEmpty:
                    try await events.randomElement(using: &random)!.send(to: fixture.service)  // redelivery under a new id
                case 5:
                    let year = Int.random(in: 2026...2027, using: &random)
                    let amount = Money(yuan: 10_000 * Int.random(in: 0...12, using: &random))
                    try await fixture.database.write { db in try FundingDatabase.setBudget(year: year, amount: amount, by: actor, at: moment.millis, in: db) }
                case 6:
                    if let grant = pick(.scheduled, &random) ?? pick(nil, &random) {
                        _ = try await fixture.database.write { db in try FundingDatabase.approve(grant.id, by: actor, at: moment, in: db) }
                    }
                case 7:
                    if let grant = pick(.held, &random) ?? pick(nil, &random) {
                        _ = try await fixture.database.write { db in try FundingDatabase.release(grant.id, by: actor, at: moment, in: db) }
                    }
                case 8:
                    if let grant = pick(.approved, &random) ?? pick(nil, &random) {
                        let reference = "R\(seed)-\(step)"
                        _ = try await fixture.database.write { db in
                            try FundingDatabase.pay(grant.id, paymentReference: reference, paidOn: moment.today, by: actor, at: moment, settings: .standard, in: db)
                        }
                        paidCount += 1
                    }
                case 9:
                    if let grant = pick(nil, &random) {
                        _ = try await fixture.database.write { db in try FundingDatabase.cancel(grant.id, reason: "随机取消", by: actor, at: moment, in: db) }
                    }
                case 10:
                    if let grant = pick(.paid, &random) ?? pick(nil, &random) {
                        let input = Expenses.Input(grantId: grant.id, category: ExpenseCategory.allCases.randomElement(using: &random)!.nameZh,
                                                   purpose: ExpensePurpose.allCases.randomElement(using: &random)!.rawValue,
                                                   amount: Money(fen: Int64.random(in: 1...800_000, using: &random)), spentOn: moment.today.description,
                                                   description: "随机开支", receipts: nil)
                        _ = try await fixture.database.write { db in
                            try FundingDatabase.recordExpense(studioID: grant.studioId, input, by: actor, at: moment, settings: .standard, in: db)
                        }
                    }
                case 11 where Int.random(in: 0..<4, using: &random) == 0 && !studios.isEmpty:
                    try await fixture.service.receive(StudioRevoked(studioID: studios.randomElement(using: &random)!, reason: .assessmentFailed, decidedOn: moment.today), from: "assessment")
                default:
                    fixture.clock.advance(.seconds(86400))
                }
            } catch is Problem {
                refusals += 1  // a refused step must leave nothing behind: the invariants below say so
            }
            previous = try checkInvariants(fixture, previous: previous, context: "seed \(seed) step \(step)")
        }
        XCTAssertGreaterThan(refusals, 0, "the run should exercise refusals")
        XCTAssertGreaterThan(paidCount, 0, "the run should exercise payments")
        // The run reached every kind of ledger entry, and grants ended both paid and cancelled
        let reached = try await fixture.database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT 'status:' || status FROM funding_grant UNION SELECT DISTINCT 'entry:' || kind FROM ledger_entry"))
        }
        for expected in ["entry:granted", "entry:cancelled", "entry:paid", "entry:expense", "status:paid", "status:cancelled"] {
            XCTAssertTrue(reached.contains(expected), "seed \(seed) never reached \(expected): \(reached.sorted())")
        }
    }

    /// Checks the books and returns the ledger, for the append-only comparison at the next step.
    func checkInvariants(_ fixture: FundingFixture, previous: [LedgerEntry], context: String) throws -> [LedgerEntry] {
        try fixture.database.read { db in
            let ledger = try LedgerEntry.fetchAll(db, sql: "SELECT * FROM ledger_entry ORDER BY id")
            // Append-only: every earlier entry is still there, unchanged
            XCTAssertGreaterThanOrEqual(ledger.count, previous.count, context)
            for (old, new) in zip(previous, ledger) {
                XCTAssertEqual(old.id, new.id, context)
                XCTAssertEqual(old.amountFen, new.amountFen, context)
                XCTAssertEqual(old.kind, new.kind, context)
            }
            XCTAssertTrue(ledger.allSatisfy { $0.amountFen > 0 }, "no amount is zero or negative — \(context)")
            // Every money movement is in the hash-chained audit log, and the chain is intact
            let audit = try AuditLog.verify(in: db)
            XCTAssertTrue(audit.intact, "\(audit.problem ?? "") — \(context)")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'ledger.%'"), ledger.count, context)
            let grants = try GrantRecord.fetchAll(db)
            for grant in grants {
                let balances = try Ledger.balances(grantID: grant.id, in: db)
                XCTAssertLessThanOrEqual(balances.paid, balances.granted, "paid never exceeds granted — \(context)")
                XCTAssertLessThanOrEqual(balances.spent, balances.paid, "spent within paid under the refuse policy — \(context)")
                switch grant.status {
                case .held: XCTAssertEqual(balances.granted, .zero, context)
                case .cancelled: XCTAssertEqual(balances.granted, .zero, context); XCTAssertEqual(balances.paid, .zero, context)
                case .scheduled, .approved: XCTAssertEqual(balances.granted, grant.amount, context); XCTAssertEqual(balances.paid, .zero, context)
                case .paid:
                    XCTAssertEqual(balances.granted, grant.amount, context)
                    XCTAssertEqual(balances.paid, grant.amount, context)
                    XCTAssertNotNil(grant.paymentReference, context)
                    XCTAssertNotNil(grant.paidBy, context)
                }
            }
            // Exactly once: one naming grant per studio, one grant per kind, studio and year
            XCTAssertEqual(Set(grants.filter { $0.kind == .naming }.map(\.studioId)).count, grants.filter { $0.kind == .naming }.count, context)
            XCTAssertEqual(Set(grants.map { "\($0.kind)|\($0.studioId)|\($0.year)" }).count, grants.count, context)
            // Commitments stay within each year's budget; without a budget nothing is committed
            for year in [2026, 2027] {
                let committed = try Budgets.committed(year: year, in: db)
                if let budget = try Budgets.budget(year: year, in: db) {
                    XCTAssertLessThanOrEqual(committed, budget, "\(year) — \(context)")
                } else {
                    XCTAssertEqual(committed, .zero, "\(year) — \(context)")
                }
            }
            // A revoked studio has no grant waiting for money
            let revokedUnpaid = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM funding_grant g JOIN funding_studio s ON s.studio_id = g.studio_id
                WHERE s.status = 'revoked' AND g.status IN ('held', 'scheduled', 'approved')
                """) ?? 0
            XCTAssertEqual(revokedUnpaid, 0, context)
            return ledger
        }
    }
}

/// An event kept for a later redelivery.
protocol DomainEventSender: Sendable {
    func send(to service: TestService) async throws
}

struct Sender<Event: DomainEvent>: DomainEventSender {
    var event: Event
    var source: String
    func send(to service: TestService) async throws { try await service.receive(event, from: source) }
}
