import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Intake's copy of the studio register, built only from assessment's events: which studios are named, by
/// which screening body, at which level, and where they are in their cycle (Art 13, 14, 17, 19, 20).
public struct ReplicatedStudio: Codable, Hashable, Sendable {
    public var studioId: StudioID
    public var applicationId: ApplicationID?
    public var studioName: String
    public var unitName: String
    public var screeningBodyCode: String
    public var level: StudioLevel
    public var status: StudioStatus
    /// Why the title was revoked (when `status` is revoked): the article a refusal cites depends on it.
    public var revocationReason: RevocationReason?
    public var namedOn: LocalDate
    public var cycle: StudioCycle
}

/// Intake's copy of the register: the one replica (`StudioRegisterReplica`, its policy for an event that arrives
/// before its studio there) in `intake_studio`.
enum StudioReplica {
    static let replica = StudioRegisterReplica(table: "intake_studio")

    /// A studio once its naming has arrived; a row that only later events made reads as unknown.
    static func find(_ id: StudioID, in db: Database) throws -> ReplicatedStudio? {
        try replica.find(id, in: db).flatMap(ReplicatedStudio.init)
    }

    /// Migration: `intake_studio` in the shared replica's shape (id → studio_id, screening_body → screening_body_code,
    /// every fact nullable until its event arrives).
    static func migrate(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v6-shared-studio-replica") { db in
            try replica.rebuild(selecting: """
                id, application_id, studio_name, unit_name, screening_body, level, status, revocation_reason, named_on,
                cycle_number, cycle_start, updated_at
                """, in: db)
        }
    }

    /// What people look studios up by: the screening body (county), the studio's and the unit's name (substrings),
    /// status, level and the year it was named.
    struct Filter: Sendable {
        var screeningBody: String?
        var name: String?
        var unit: String?
        var status: String?
        var level: String?
        var year: Int?
    }

    /// One page of the named studios matching `filter`, by name (then id), keyset-paged over (studio_name, studio_id);
    /// and how many match in all.
    static func page(_ filter: Filter, page: PageRequest, in db: Database) throws -> (items: [ReplicatedStudio], nextCursor: String?, total: Int) {
        var request = Table("intake_studio").filter(sql: "named_on IS NOT NULL AND studio_name IS NOT NULL AND screening_body_code IS NOT NULL AND level IS NOT NULL")
        if let body = filter.screeningBody { request = request.filter(sql: "screening_body_code = ?", arguments: [body]) }
        if let name = filter.name { request = request.filter(sql: "instr(studio_name, ?) > 0", arguments: [name]) }
        if let unit = filter.unit { request = request.filter(sql: "instr(unit_name, ?) > 0", arguments: [unit]) }
        if let status = filter.status { request = request.filter(sql: "COALESCE(status, 'active') = ?", arguments: [status]) }
        if let level = filter.level { request = request.filter(sql: "level = ?", arguments: [level]) }
        if let year = filter.year { request = request.filter(sql: "substr(named_on, 1, 4) = ?", arguments: [String(format: "%04d", year)]) }
        let total = try request.fetchCount(db)
        if let after = page.after {
            request = request.filter(sql: "(studio_name, studio_id) > (?, ?)", arguments: [after[0], after[1]])
        }
        let rows = try ReplicaStudio.fetchAll(db, request.order(sql: "studio_name, studio_id").limit(page.limit + 1)).compactMap(ReplicatedStudio.init)
        let (items, next) = page.page(rows) { [$0.studioName, $0.studioId.rawValue] }
        return (items, next, total)
    }

    static func register(_ handlers: inout InboxHandlers, now: @escaping @Sendable () -> Date) {
        replica.register(&handlers, now: now)
    }
}

extension ReplicatedStudio {
    /// The studio a replica row describes, once its naming has arrived.
    init?(_ studio: ReplicaStudio) {
        guard let namedOn = studio.namedOn, let standing = studio.standing(on: namedOn) else { return nil }
        self.init(studioId: studio.studioID, applicationId: studio.applicationID, studioName: standing.name, unitName: studio.unitName ?? "",
                  screeningBodyCode: standing.screeningBodyCode, level: standing.level, status: standing.status,
                  revocationReason: standing.revocationReason, namedOn: namedOn, cycle: studio.cycle ?? StudioCycle(start: namedOn))
    }
}
