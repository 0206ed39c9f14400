import GRDB
import StudioDomain

/// The one rule for what an expert may read: an application assigned to them, with no conflict (re-checked on
/// every read, so a conflict declared after the assignment closes the door at once).
enum ExpertAccess {
    static func mayRead(expert: ExpertID, application: ApplicationID, in db: Database) throws -> Bool {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assignment WHERE application_id = ? AND expert_id = ?)", arguments: [application.rawValue, expert.rawValue]) ?? false else {
            return false
        }
        return try ConflictFinder.conflicts(expertID: expert, applicationID: application, in: db).isEmpty
    }
}
