import GRDB
import StudioDomain

/// An expert's assignment to an application (one row of `assignment`): by the solver or by hand, with the
/// speciality mismatch it costs.
struct AssignmentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "assignment"

    var applicationId: ApplicationID
    var expertId: ExpertID
    var roundId: RoundID
    /// `solver` or `manual`.
    var source: String
    var cost: Int
    var createdBy: String
    var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case applicationId = "application_id", expertId = "expert_id", roundId = "round_id", source, cost
        case createdBy = "created_by", createdAt = "created_at"
    }

    enum Columns {
        static let applicationId = Column(CodingKeys.applicationId)
        static let expertId = Column(CodingKeys.expertId)
        static let roundId = Column(CodingKeys.roundId)
    }
}

/// The assignment table's reads and writes, in the caller's transaction.
enum AssignmentStore {
    static func inRound(_ round: RoundID, in db: Database) throws -> [AssignmentRecord] {
        try AssignmentRecord.filter(AssignmentRecord.Columns.roundId == round.rawValue)
            .order(AssignmentRecord.Columns.applicationId, AssignmentRecord.Columns.expertId).fetchAll(db)
    }

    static func exists(application: ApplicationID, expert: ExpertID, in db: Database) throws -> Bool {
        try AssignmentRecord.filter(AssignmentRecord.Columns.applicationId == application.rawValue && AssignmentRecord.Columns.expertId == expert.rawValue).isEmpty(db) == false
    }

    /// How many applications of the round the expert has.
    static func load(of expert: ExpertID, round: RoundID, in db: Database) throws -> Int {
        try AssignmentRecord.filter(AssignmentRecord.Columns.roundId == round.rawValue && AssignmentRecord.Columns.expertId == expert.rawValue).fetchCount(db)
    }

    /// The experts of an application's panel, by id.
    static func experts(of application: ApplicationID, in db: Database) throws -> [ExpertID] {
        try String.fetchAll(db, AssignmentRecord.select(AssignmentRecord.Columns.expertId)
            .filter(AssignmentRecord.Columns.applicationId == application.rawValue).order(AssignmentRecord.Columns.expertId)).map(ExpertID.init)
    }

    static func insert(application: ApplicationID, expert: ExpertID, round: RoundID, source: String, cost: Int, by actor: String, at millis: Int64, in db: Database) throws {
        try AssignmentRecord(applicationId: application, expertId: expert, roundId: round, source: source, cost: cost, createdBy: actor, createdAt: millis).insert(db)
    }

    /// A new run replaces the round's assignments and the sheets scored on them.
    static func clear(round: RoundID, in db: Database) throws {
        try db.execute(sql: "DELETE FROM assignment WHERE round_id = ?", arguments: [round.rawValue])
        try db.execute(sql: "DELETE FROM score_sheet WHERE round_id = ?", arguments: [round.rawValue])
    }

    /// Removes an expert from a panel with their sheet; false when they were not on it.
    static func remove(application: ApplicationID, expert: ExpertID, in db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application.rawValue, expert.rawValue])
        guard db.changesCount > 0 else { return false }
        try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application.rawValue, expert.rawValue])
        return true
    }
}
