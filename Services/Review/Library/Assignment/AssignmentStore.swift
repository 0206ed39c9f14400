import GRDB

/// An expert's assignment to an application (one row of `assignment`): by the solver or by hand, with the
/// speciality mismatch it costs.
struct AssignmentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "assignment"

    var applicationId: String
    var expertId: String
    var roundId: String
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
    static func inRound(_ round: String, in db: Database) throws -> [AssignmentRecord] {
        try AssignmentRecord.filter(AssignmentRecord.Columns.roundId == round)
            .order(AssignmentRecord.Columns.applicationId, AssignmentRecord.Columns.expertId).fetchAll(db)
    }

    static func exists(application: String, expert: String, in db: Database) throws -> Bool {
        try AssignmentRecord.filter(AssignmentRecord.Columns.applicationId == application && AssignmentRecord.Columns.expertId == expert).isEmpty(db) == false
    }

    /// How many applications of the round the expert has.
    static func load(of expert: String, round: String, in db: Database) throws -> Int {
        try AssignmentRecord.filter(AssignmentRecord.Columns.roundId == round && AssignmentRecord.Columns.expertId == expert).fetchCount(db)
    }

    /// The experts of an application's panel, by id.
    static func experts(of application: String, in db: Database) throws -> [String] {
        try String.fetchAll(db, AssignmentRecord.select(AssignmentRecord.Columns.expertId)
            .filter(AssignmentRecord.Columns.applicationId == application).order(AssignmentRecord.Columns.expertId))
    }

    static func insert(application: String, expert: String, round: String, source: String, cost: Int, by actor: String, at millis: Int64, in db: Database) throws {
        try AssignmentRecord(applicationId: application, expertId: expert, roundId: round, source: source, cost: cost, createdBy: actor, createdAt: millis).insert(db)
    }

    /// A new run replaces the round's assignments and the sheets scored on them.
    static func clear(round: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM assignment WHERE round_id = ?", arguments: [round])
        try db.execute(sql: "DELETE FROM score_sheet WHERE round_id = ?", arguments: [round])
    }

    /// Removes an expert from a panel with their sheet; false when they were not on it.
    static func remove(application: String, expert: String, in db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND expert_id = ?", arguments: [application, expert])
        guard db.changesCount > 0 else { return false }
        try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND expert_id = ?", arguments: [application, expert])
        return true
    }
}
