import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// One entry of the register (名册): the authoritative record of a named studio.
struct RegisteredStudio: Sendable, Equatable {
    enum Origin: String, Sendable { case naming, provincialImport = "provincial_import" }

    var id: StudioID
    var applicationID: ApplicationID?
    var studioName: String
    var unitName: String
    var unitCreditCode: String?
    var screeningBodyCode: String
    /// Shown to the department and the federation only, never on the public pages.
    var leaderName: String?
    var level: StudioLevel
    var status: StudioStatus
    var namedOn: LocalDate
    var plaqueNumber: String?
    var plaqueIssuedOn: LocalDate?
    var cycle: StudioCycle
    var origin: Origin
    var registeredAt: Int64
    var updatedAt: Int64

    init(row: Row) throws {
        id = StudioID(row["id"] as String)
        applicationID = (row["application_id"] as String?).map(ApplicationID.init)
        studioName = row["studio_name"]
        unitName = row["unit_name"]
        unitCreditCode = row["unit_credit_code"]
        screeningBodyCode = row["screening_body_code"]
        leaderName = row["leader_name"]
        level = try row.stored("level", as: StudioLevel.self)
        status = try row.stored("status", as: StudioStatus.self)
        namedOn = try row.day("named_on")
        plaqueNumber = row["plaque_number"]
        plaqueIssuedOn = try row.dayIfPresent("plaque_issued_on")
        cycle = StudioCycle(number: row["cycle_number"], start: try row.day("cycle_start"))
        origin = try row.stored("origin", as: Origin.self)
        registeredAt = row["registered_at"]
        updatedAt = row["updated_at"]
    }

    init(id: StudioID, applicationID: ApplicationID?, studioName: String, unitName: String, unitCreditCode: String?,
         screeningBodyCode: String, leaderName: String?, level: StudioLevel, namedOn: LocalDate, origin: Origin, nowMillis: Int64) {
        self.id = id
        self.applicationID = applicationID
        self.studioName = studioName
        self.unitName = unitName
        self.unitCreditCode = unitCreditCode
        self.screeningBodyCode = screeningBodyCode
        self.leaderName = leaderName
        self.level = level
        self.status = .active
        self.namedOn = namedOn
        self.cycle = StudioCycle(start: namedOn)
        self.origin = origin
        registeredAt = nowMillis
        updatedAt = nowMillis
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO studio (id, application_id, studio_name, unit_name, unit_credit_code, screening_body_code, leader_name,
                                level, status, named_on, plaque_number, plaque_issued_on, cycle_number, cycle_start, origin,
                                registered_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id.rawValue, applicationID?.rawValue, studioName, unitName, unitCreditCode, screeningBodyCode, leaderName,
                             level.rawValue, status.rawValue, namedOn.description, plaqueNumber, plaqueIssuedOn?.description,
                             cycle.number, cycle.start.description, origin.rawValue, registeredAt, updatedAt])
    }

    /// Writes the fields that may change after registration.
    func update(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE studio SET unit_name = ?, screening_body_code = ?, status = ?, cycle_number = ?, cycle_start = ?, updated_at = ?
            WHERE id = ?
            """, arguments: [unitName, screeningBodyCode, status.rawValue, cycle.number, cycle.start.description, updatedAt, id.rawValue])
    }

    static func find(_ id: StudioID, in db: Database) throws -> RegisteredStudio? {
        try Row.fetchOne(db, sql: "SELECT * FROM studio WHERE id = ?", arguments: [id.rawValue]).map(RegisteredStudio.init)
    }

    /// The studio, or a 404 naming it.
    static func require(_ id: StudioID, in db: Database) throws -> RegisteredStudio {
        guard let studio = try find(id, in: db) else { throw Problem.notFound("studio", zh: "工作室", id: id.rawValue) }
        return studio
    }

    static func all(in db: Database) throws -> [RegisteredStudio] {
        try Row.fetchAll(db, sql: "SELECT * FROM studio ORDER BY named_on, plaque_number, studio_name, id").map(RegisteredStudio.init)
    }

    /// A studio that lost its title accepts no further decision on it.
    func requireTitle(field: String = "studioId") throws {
        guard status.holdsTitle else {
            throw Problem(.conflict, code: "studio.no_title", field: field,
                          zh: "工作室“\(studioName)”当前状态为\(status.nameZh)，不再持有市级创新工作室称号。",
                          en: "the studio \(id) is \(status.nameEn) and no longer holds the title.")
        }
    }
}

extension RegisteredStudio {
    var registeredEvent: StudioRegistered {
        StudioRegistered(studioID: id, applicationID: applicationID, studioName: studioName, unitName: unitName,
                         screeningBodyCode: screeningBodyCode, level: level, status: status, namedOn: namedOn, cycle: cycle)
    }
}
