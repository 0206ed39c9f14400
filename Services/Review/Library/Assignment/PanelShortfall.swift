import GRDB
import StudioDomain

/// An application in review with fewer experts than its round asks for.
struct PanelShortfall: Codable, Sendable, Equatable {
    var applicationId: ApplicationID
    var experts: Int
    var needed: Int

    static func panelSize(of application: ApplicationID, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE application_id = ?", arguments: [application.rawValue]) ?? 0
    }

    /// Once applications are assigned (the solver ran, or scoring started), every one passed or under review whose
    /// panel is short. Before any assignment the whole round is unassigned, which is not a shortfall but the start.
    static func all(in round: ReviewRound, in db: Database) throws -> [PanelShortfall] {
        try Row.fetchAll(db, sql: """
            SELECT r.id, (SELECT COUNT(*) FROM assignment a WHERE a.application_id = r.id) AS experts FROM review_application r
            WHERE r.round_id = ? AND r.status IN ('qualificationPassed', 'underExpertReview')
              AND EXISTS (SELECT 1 FROM assignment WHERE round_id = ?)
            ORDER BY r.id
            """, arguments: [round.id.rawValue, round.id.rawValue]).compactMap { row in
            let experts: Int = row["experts"]
            return experts < round.expertsPerApplication ? PanelShortfall(applicationId: ApplicationID(row["id"] as String), experts: experts, needed: round.expertsPerApplication) : nil
        }
    }

    var issue: DomainIssue {
        DomainIssue(code: "scoring.panel_incomplete", field: "applications.\(applicationId)", article: Article(11),
                    messageZh: "申报 \(applicationId) 只有 \(experts) 名专家，需要 \(needed) 名；请先补派专家",
                    messageEn: "application \(applicationId) has \(experts) experts, needs \(needed); assign more first")
    }
}
