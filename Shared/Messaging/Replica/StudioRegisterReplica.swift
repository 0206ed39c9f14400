import Foundation
import GRDB
import StudioDomain

/// One service's copy of the studio register (创新工作室名册), kept by assessment and first known from review's
/// naming, built only from events: intake (who may apply, Art 13, 14, 17, 20), review (资格审查 of a studio's own
/// application) and funding (the payee, 收款单位, and no money to a revoked studio) each keep one in their own
/// table, in the one shape `createTable` makes, through this one type.
///
/// **The policy for an event that arrives before its studio: record what it says, fill in the rest when the
/// studio's naming arrives; a revocation is never undone.** The register's events are ordered per studio within
/// one lane (MESSAGING.md §4), but not across lanes: funding hears the naming from review (`studio.named`) and
/// everything after from assessment, and a replay to a second subscription is a second lane whose old
/// `studio.registered` may follow a newer `studio.revoked` of the first (see `Inbox`). The three policies this
/// replaced each broke one of those cases:
/// - refusing the event (intake) holds every later event of the studio on that lane behind retries for up to
///   27 hours, then dead-letters it, although nothing in it was wrong;
/// - ignoring it (review) loses it for good: a revocation that came first left the studio able to apply;
/// - upserting a stub (funding) was right for the first event, but a later naming then overwrote the stub's
///   newer facts (a changed unit name, the payee of Art 19) with the older ones it carries.
///
/// So every event upserts its row: a fact a later event of the register brought (unit name, screening body,
/// cycle, status) is kept when a naming or registration arrives after it, which fills in only what is still
/// unknown; a cycle never goes back to an earlier number; `revoked` stays whatever follows. A row whose naming
/// has not arrived yet is not a studio to the rules: `ReplicaStudio.standing` is nil for it, so the studio reads as
/// unknown (`studio_unknown`) until it arrives, exactly as before it. Replays of one webhook id never reach here
/// (the inbox drops them); an event re-sent under a new id applies the same facts again and changes nothing.
public struct StudioRegisterReplica: Sendable {
    /// The service's table, created by `createTable` (or migrated to its shape).
    public let table: String

    public init(table: String) {
        precondition(table.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "a table name, not SQL: \(table)")
        self.table = table
    }

    /// The replica's table. Every column but the id may be unknown (NULL) until the event that carries it arrives.
    public func createTable(in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE \(table) (
                studio_id TEXT PRIMARY KEY NOT NULL,
                application_id TEXT,
                studio_name TEXT,
                unit_name TEXT,
                screening_body_code TEXT,
                level TEXT,
                status TEXT,
                revocation_reason TEXT,
                named_on TEXT,
                cycle_number INTEGER,
                cycle_start TEXT,
                updated_at INTEGER NOT NULL
            )
            """)
    }

    /// Migration of an older table of this replica to `createTable`'s shape: `select` lists, from the old
    /// table, the twelve columns in `createTable`'s order (`id AS studio_id, …`); empty text becomes unknown.
    public func rebuild(selecting select: String, in db: Database) throws {
        try db.execute(sql: "ALTER TABLE \(table) RENAME TO \(table)_old")
        try createTable(in: db)
        try db.execute(sql: "INSERT INTO \(table) SELECT \(select) FROM \(table)_old")
        for column in ["application_id", "studio_name", "unit_name", "screening_body_code", "level", "named_on", "cycle_start"] {
            try db.execute(sql: "UPDATE \(table) SET \(column) = NULL WHERE \(column) = ''")
        }
        try db.execute(sql: "DROP TABLE \(table)_old")
    }

    // MARK: Reading

    public func find(_ id: StudioID, in db: Database) throws -> ReplicaStudio? {
        try ReplicaStudio.fetchOne(db, sql: "SELECT * FROM \(table) WHERE studio_id = ?", arguments: [id.rawValue])
    }

    // MARK: The events

    /// `studio.registered` (assessment) and `studio.named` (review): who the studio is. Fills in only what no later
    /// event already told.
    public func identify(_ id: StudioID, applicationID: ApplicationID?, studioName: String, unitName: String,
                         screeningBodyCode: String, level: StudioLevel, status: StudioStatus, namedOn: LocalDate,
                         cycle: StudioCycle, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO \(table) (studio_id, application_id, studio_name, unit_name, screening_body_code, level, status,
                                  named_on, cycle_number, cycle_start, updated_at)
            VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET
                application_id = COALESCE(application_id, excluded.application_id),
                studio_name = COALESCE(studio_name, excluded.studio_name),
                unit_name = COALESCE(unit_name, excluded.unit_name),
                screening_body_code = COALESCE(screening_body_code, excluded.screening_body_code),
                level = COALESCE(level, excluded.level),
                status = COALESCE(status, excluded.status),
                named_on = COALESCE(named_on, excluded.named_on),
                cycle_start = CASE WHEN cycle_number IS NULL THEN excluded.cycle_start ELSE cycle_start END,
                cycle_number = COALESCE(cycle_number, excluded.cycle_number),
                updated_at = excluded.updated_at
            """, arguments: [id.rawValue, applicationID?.rawValue, studioName, unitName, screeningBodyCode, level.rawValue,
                             status.rawValue, namedOn.description, cycle.number, cycle.start.description, millis])
    }

    /// `studio.changed` (Art 19): a new unit name or screening body; an empty or absent one did not change.
    public func change(_ event: StudioChanged, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO \(table) (studio_id, unit_name, screening_body_code, updated_at) VALUES (?, NULLIF(?, ''), NULLIF(?, ''), ?)
            ON CONFLICT (studio_id) DO UPDATE SET
                unit_name = COALESCE(excluded.unit_name, unit_name),
                screening_body_code = COALESCE(excluded.screening_body_code, screening_body_code),
                updated_at = excluded.updated_at
            """, arguments: [event.studioID.rawValue, event.unitName, event.screeningBodyCode, millis])
    }

    /// `studio.cycle_changed` and `studio.renewed` (Art 17): the cycle the register holds, never an earlier one.
    public func hold(_ cycle: StudioCycle, for id: StudioID, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO \(table) (studio_id, cycle_number, cycle_start, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET
                cycle_start = CASE WHEN cycle_number IS NULL OR cycle_number <= excluded.cycle_number THEN excluded.cycle_start ELSE cycle_start END,
                cycle_number = MAX(COALESCE(cycle_number, 0), excluded.cycle_number),
                updated_at = excluded.updated_at
            """, arguments: [id.rawValue, cycle.number, cycle.start.description, millis])
    }

    /// A new status (expired, demonstration, restored by a late pass): a revoked studio stays revoked.
    /// `onlyFrom`, when given, is the one status (or an unknown one) the change applies to.
    public func setStatus(_ status: StudioStatus, for id: StudioID, onlyFrom: StudioStatus? = nil, at millis: Int64, in db: Database) throws {
        let applies = onlyFrom.map { "status IS NULL OR status = '\($0.rawValue)'" } ?? "status IS NULL OR status != 'revoked'"
        try db.execute(sql: """
            INSERT INTO \(table) (studio_id, status, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET
                status = CASE WHEN \(applies) THEN excluded.status ELSE status END,
                updated_at = excluded.updated_at
            """, arguments: [id.rawValue, status.rawValue, millis])
    }

    /// `studio.revoked` (Art 17, 20): for good, with its reason.
    public func revoke(_ id: StudioID, reason: RevocationReason, at millis: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO \(table) (studio_id, status, revocation_reason, updated_at) VALUES (?, 'revoked', ?, ?)
            ON CONFLICT (studio_id) DO UPDATE SET status = 'revoked', revocation_reason = excluded.revocation_reason,
                updated_at = excluded.updated_at
            """, arguments: [id.rawValue, reason.rawValue, millis])
    }

    /// Applies one of the register's events (`StudioRegisterEvent`).
    public func apply<Event: StudioRegisterEvent>(_ event: Event, at millis: Int64, in db: Database) throws {
        try event.apply(to: self, at: millis, in: db)
    }

    /// The inbox handlers for assessment's register events (studio.registered, cycle_changed, changed, renewed,
    /// expired, revoked, demonstration.accepted). A service that does more with one of them, or also takes
    /// `studio.named`, then calls `handle` for it.
    public func register(_ handlers: inout InboxHandlers, now: @escaping @Sendable () -> Date) {
        handle(StudioRegistered.self, in: &handlers, now: now)
        handle(StudioCycleChanged.self, in: &handlers, now: now)
        handle(StudioChanged.self, in: &handlers, now: now)
        handle(StudioRenewed.self, in: &handlers, now: now)
        handle(StudioExpired.self, in: &handlers, now: now)
        handle(StudioRevoked.self, in: &handlers, now: now)
        handle(DemonstrationAccepted.self, in: &handlers, now: now)
    }

    /// The inbox handler for `Event`: the replica's step, then the service's own (`then`, given the same instant,
    /// read once), in the one inbox transaction. Replaces a handler registered before for the type.
    public func handle<Event: StudioRegisterEvent>(
        _ type: Event.Type, in handlers: inout InboxHandlers, now: @escaping @Sendable () -> Date,
        then follow: (@Sendable (Database, Envelope<Event>, Date) throws -> Void)? = nil
    ) {
        let replica = self
        handlers.on(type) { db, envelope in
            let instant = now()
            try replica.apply(envelope.data, at: Millis.from(instant), in: db)
            try follow?(db, envelope, instant)
        }
    }
}

/// One studio as a replica knows it; a field is nil until an event told it.
public struct ReplicaStudio: Hashable, Sendable, FetchableRecord {
    public var studioID: StudioID
    public var applicationID: ApplicationID?
    public var studioName: String?
    public var unitName: String?
    public var screeningBodyCode: String?
    public var level: StudioLevel?
    public var status: StudioStatus?
    public var revocationReason: RevocationReason?
    public var namedOn: LocalDate?
    /// Nil for a row from before its service kept the register's cycle (review's `review-studio-replica-cycle`).
    public var cycle: StudioCycle?

    public init(row: Row) throws {
        studioID = StudioID(row["studio_id"] as String)
        applicationID = (row["application_id"] as String?).map(ApplicationID.init)
        studioName = row["studio_name"]
        unitName = row["unit_name"]
        screeningBodyCode = row["screening_body_code"]
        level = (row["level"] as String?).flatMap(StudioLevel.init(rawValue:))
        status = (row["status"] as String?).flatMap(StudioStatus.init(rawValue:))
        revocationReason = (row["revocation_reason"] as String?).flatMap(RevocationReason.init(rawValue:))
        namedOn = try row.dayIfPresent("named_on")
        cycle = try row.dayIfPresent("cycle_start").map { StudioCycle(number: max(1, row["cycle_number"] as Int? ?? 1), start: $0) }
    }

    public var isRevoked: Bool { status == .revoked }

    /// The studio as the rules see it (Art 13, 14, 17, 20), once its naming has arrived; nil before (unknown). A
    /// row without a cycle is judged in the cycle chained from its naming that contains `date`.
    public func standing(on date: LocalDate) -> StudioStanding? {
        guard let studioName, let screeningBodyCode, let level, let namedOn else { return nil }
        return StudioStanding(id: studioID, name: studioName, screeningBodyCode: screeningBodyCode, level: level,
                              status: status ?? .active, revocationReason: revocationReason, namedOn: namedOn,
                              cycle: cycle ?? StudioCycle.cycle(containing: date, namedOn: namedOn) ?? StudioCycle(start: namedOn))
    }
}

/// An event of the studio register a replica applies.
public protocol StudioRegisterEvent: DomainEvent {
    func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws
}

extension StudioRegistered: StudioRegisterEvent {
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.identify(studioID, applicationID: applicationID, studioName: studioName, unitName: unitName,
                             screeningBodyCode: screeningBodyCode, level: level, status: status, namedOn: namedOn,
                             cycle: cycle, at: millis, in: db)
    }
}

extension StudioNamed: StudioRegisterEvent {
    /// The naming is the start of the first cycle (Art 17), the studio active.
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.identify(studioID, applicationID: applicationID, studioName: studioName, unitName: unitName,
                             screeningBodyCode: screeningBodyCode, level: level, status: .active, namedOn: namedOn,
                             cycle: StudioCycle(start: namedOn), at: millis, in: db)
    }
}

extension StudioChanged: StudioRegisterEvent {
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.change(self, at: millis, in: db)
    }
}

extension StudioCycleChanged: StudioRegisterEvent {
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.hold(cycle, for: studioID, at: millis, in: db)
    }
}

extension StudioRenewed: StudioRegisterEvent {
    /// A late pass restores an expired studio (`restoredStatus`); nothing restores a revoked one.
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.hold(cycle, for: studioID, at: millis, in: db)
        if let restoredStatus {
            try replica.setStatus(restoredStatus, for: studioID, onlyFrom: .expired, at: millis, in: db)
        }
    }
}

extension StudioExpired: StudioRegisterEvent {
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.setStatus(.expired, for: studioID, at: millis, in: db)
    }
}

extension StudioRevoked: StudioRegisterEvent {
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.revoke(studioID, reason: reason, at: millis, in: db)
    }
}

extension DemonstrationAccepted: StudioRegisterEvent {
    public func apply(to replica: StudioRegisterReplica, at millis: Int64, in db: Database) throws {
        try replica.setStatus(.demonstration, for: studioID, at: millis, in: db)
    }
}
