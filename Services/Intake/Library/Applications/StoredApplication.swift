import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Where an application stands in intake: `draft` and `withdrawn` are intake's own; every other value is the
/// `ApplicationStatus` review last reported (`submitted` when intake has just sent it).
enum IntakeStatus {
    static let draft = "draft"
    static let withdrawn = "withdrawn"

    static func names(_ raw: String) -> (zh: String, en: String) {
        switch raw {
        case draft: ("草稿", "draft")
        case withdrawn: ("已撤回", "withdrawn")
        case "amended": ("已修改（新版本）", "amended (new version)")
        default: ApplicationStatus(rawValue: raw).map { ($0.nameZh, $0.nameEn) } ?? (raw, raw)
        }
    }

    /// Submitted, amended and returned applications may be amended or withdrawn by their screening body.
    static func isOpenToApplicant(_ raw: String) -> Bool {
        ApplicationStatus(rawValue: raw)?.isAmendable ?? false
    }
}

/// One application row.
struct StoredApplication: Sendable {
    var id: ApplicationID
    var kind: ApplicationKind
    var roundId: RoundID
    var screeningBody: String
    var status: String
    var version: Int
    var form: ApplicationForm
    var submittedOn: LocalDate?
    var withdrawnOn: LocalDate?
    var statusReasons: [DomainIssue]
    var createdAt: Int64
    var updatedAt: Int64

    /// The normalised credit code and studio name the duplicate rule compares.
    var creditCode: String? { form.applicantUnit?.creditCode.present.map(UnifiedSocialCreditCode.normalise) }
    var studioName: String? { form.studio?.name.present }
}

enum ApplicationStore {
    static func find(_ id: ApplicationID, in db: Database) throws -> StoredApplication? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM intake_application WHERE id = ?"), arguments: [id.rawValue]).map(application)
    }

    /// What people search applications by: round, status, screening body (county), year, kind, the studio's
    /// name and the applicant unit's name (substrings).
    struct Filter: Sendable {
        var round: RoundID?
        var screeningBody: String?
        var status: String?
        var year: Int?
        var kind: String?
        var name: String?
        var unit: String?
    }

    /// One page of the applications matching `filter`, oldest first, keyset-paged over (created_at, id) so no
    /// page depends on what the ids look like; and how many match in all.
    static func page(_ filter: Filter, page: PageRequest, in db: Database) throws -> (items: [StoredApplication], nextCursor: String?, total: Int) {
        var request = Table("intake_application").all()
        if let round = filter.round { request = request.filter(sql: "round_id = ?", arguments: [round.rawValue]) }
        if let body = filter.screeningBody { request = request.filter(sql: "screening_body = ?", arguments: [body]) }
        if let status = filter.status { request = request.filter(sql: "status = ?", arguments: [status]) }
        if let kind = filter.kind { request = request.filter(sql: "kind = ?", arguments: [kind]) }
        if let year = filter.year { request = request.filter(sql: "round_id IN (SELECT id FROM intake_round WHERE year = ?)", arguments: [year]) }
        if let name = filter.name { request = request.filter(sql: "instr(studio_name, ?) > 0", arguments: [name]) }
        if let unit = filter.unit { request = request.filter(sql: "instr(json_extract(form_json, '$.applicantUnit.name'), ?) > 0", arguments: [unit]) }
        let total = try request.fetchCount(db)
        if let after = page.after {
            guard let createdAt = Int64(after[0]) else { throw QueryValues.invalidCursor }
            request = request.filter(sql: "(created_at, id) > (?, ?)", arguments: [createdAt, after[1]])
        }
        let rows = try Row.fetchAll(db, request.order(sql: "created_at, id").limit(page.limit + 1)).map(application)
        let (items, next) = page.page(rows) { [String($0.createdAt), $0.id.rawValue] }
        return (items, next, total)
    }

    // The statements below are cached (compiled once per connection): a submission runs a dozen of them, and compiling
    // each again (SQLite's parser and GRDB's authorizer) cost more than running it. `formJSON` is the form already
    // encoded by the caller, when it writes the same form to several rows.

    static func insert(_ app: StoredApplication, formJSON: String? = nil, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO intake_application (id, kind, round_id, screening_body, status, version, credit_code, studio_name, studio_id,
                recommendation_order, form_json, submitted_on, withdrawn_on, status_reasons_json, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [app.id.rawValue, app.kind.rawValue, app.roundId.rawValue, app.screeningBody, app.status, app.version,
                                     app.creditCode, app.studioName, app.form.studioId?.rawValue, app.form.screening?.recommendationOrder,
                                     try formJSON ?? json(app.form), app.submittedOn?.description, app.withdrawnOn?.description,
                                     try json(app.statusReasons), app.createdAt, app.updatedAt])
    }

    static func update(_ app: StoredApplication, formJSON: String? = nil, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE intake_application SET status = ?, version = ?, credit_code = ?, studio_name = ?, studio_id = ?, recommendation_order = ?,
                form_json = ?, submitted_on = ?, withdrawn_on = ?, status_reasons_json = ?, updated_at = ?
            WHERE id = ?
            """).execute(arguments: [app.status, app.version, app.creditCode, app.studioName, app.form.studioId?.rawValue,
                                     app.form.screening?.recommendationOrder, try formJSON ?? json(app.form), app.submittedOn?.description,
                                     app.withdrawnOn?.description, try json(app.statusReasons), app.updatedAt, app.id.rawValue])
    }

    /// Version `app.version` as the current one: its form is the application's (`form_json` NULL), written once. Call
    /// it before the application row takes the new version's form: the version it supersedes keeps the form it had
    /// (copied from the application row into its own, which is still NULL).
    static func recordVersion(_ app: StoredApplication, on day: LocalDate, at millis: Int64, in db: Database) throws {
        if app.version > 1 {
            try db.cachedStatement(sql: """
                UPDATE intake_application_version SET form_json = (SELECT form_json FROM intake_application WHERE id = ?)
                WHERE application_id = ? AND version = ? AND form_json IS NULL
                """).execute(arguments: [app.id.rawValue, app.id.rawValue, app.version - 1])
        }
        try db.cachedStatement(sql: """
            INSERT INTO intake_application_version (application_id, version, form_json, recorded_on, recorded_at) VALUES (?, ?, NULL, ?, ?)
            """).execute(arguments: [app.id.rawValue, app.version, day.description, millis])
    }

    /// The next entry of the application's history (numbered from 1 per application).
    static func recordStatus(_ id: ApplicationID, status: String, reasons: [DomainIssue], source: String, at millis: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO intake_status_history (application_id, seq, status, reasons_json, source, at)
            VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM intake_status_history WHERE application_id = ?), ?, ?, ?, ?)
            """).execute(arguments: [id.rawValue, id.rawValue, status, try json(reasons), source, millis])
    }

    /// One page of an application's versions (each with its whole form), oldest first, keyset-paged by number;
    /// and how many there are.
    static func versions(_ id: ApplicationID, page: PageRequest, in db: Database) throws -> (items: [ApplicationVersionView], nextCursor: String?, total: Int) {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application_version WHERE application_id = ?", arguments: [id.rawValue]) ?? 0
        var after = 0
        if let cursor = page.after {
            guard let number = Int(cursor[0]) else { throw QueryValues.invalidCursor }
            after = number
        }
        // The current version's form is the application's (NULL in its own row: `recordVersion`).
        let rows = try Row.fetchAll(db, sql: """
            SELECT v.version, v.recorded_on, v.recorded_at, COALESCE(v.form_json, a.form_json) AS form_json
            FROM intake_application_version v JOIN intake_application a ON a.id = v.application_id
            WHERE v.application_id = ? AND v.version > ? ORDER BY v.version LIMIT ?
            """, arguments: [id.rawValue, after, page.limit + 1]).map {
            ApplicationVersionView(version: $0["version"], recordedOn: try $0.day("recorded_on"),
                                   recordedAt: Millis.date($0["recorded_at"]), form: try decode(ApplicationForm.self, $0["form_json"]))
        }
        let (items, next) = page.page(rows) { [String($0.version)] }
        return (items, next, total)
    }

    static func history(_ id: ApplicationID, in db: Database) throws -> [StatusEntryView] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM intake_status_history WHERE application_id = ? ORDER BY seq"), arguments: [id.rawValue]).map {
            let status: String = $0["status"]
            let names = IntakeStatus.names(status)
            return StatusEntryView(status: status, statusZh: names.zh, statusEn: names.en, source: $0["source"],
                                   reasons: try decode([DomainIssue].self, $0["reasons_json"]), at: Millis.date($0["at"]))
        }
    }

    /// Another live application of the same unit and studio name (naming) or the same studio (Art 13, 14) in the round.
    static func duplicate(of app: StoredApplication, in db: Database) throws -> ApplicationID? {
        if app.kind.requiresStudio, let studio = app.form.studioId {
            return try String.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM intake_application WHERE round_id = ? AND studio_id = ? AND status != 'withdrawn' AND id != ?
                """), arguments: [app.roundId.rawValue, studio.rawValue, app.id.rawValue]).map(ApplicationID.init)
        }
        guard let code = app.creditCode, let name = app.studioName else { return nil }
        return try String.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM intake_application WHERE round_id = ? AND credit_code = ? AND studio_name = ? AND status != 'withdrawn' AND id != ?
            """), arguments: [app.roundId.rawValue, code, name, app.id.rawValue]).map(ApplicationID.init)
    }

    /// The body's applications in the round that reached the department (not drafts, not withdrawn), this one aside.
    static func recommendedCount(round: RoundID, body: String, excluding id: ApplicationID, in db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT COUNT(*) FROM intake_application WHERE round_id = ? AND screening_body = ? AND status NOT IN ('draft', 'withdrawn') AND id != ?
            """), arguments: [round.rawValue, body, id.rawValue]) ?? 0
    }

    /// How many applications each body has recommended in the round (not drafts, not withdrawn), by body code.
    static func recommendedCounts(round: RoundID, in db: Database) throws -> [(body: String, count: Int)] {
        try Row.fetchAll(db, sql: """
            SELECT screening_body, COUNT(*) AS used FROM intake_application
            WHERE round_id = ? AND status NOT IN ('draft', 'withdrawn') GROUP BY screening_body ORDER BY screening_body
            """, arguments: [round.rawValue]).map { row in (row["screening_body"], row["used"]) }
    }

    static func recommendationOrderTaken(_ order: Int, round: RoundID, body: String, excluding id: ApplicationID, in db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM intake_application WHERE round_id = ? AND screening_body = ? AND recommendation_order = ?
                AND status NOT IN ('draft', 'withdrawn') AND id != ?)
            """), arguments: [round.rawValue, body, order, id.rawValue]) ?? false
    }

    /// One encoder and one decoder for the stored JSON columns (both are thread-safe; making one per value showed
    /// in the profile). Same settings, so the same bytes, as `DomainJSON`'s.
    static let encoder = DomainJSON.encoder()
    static let decoder = DomainJSON.decoder()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The form through `FormJSON`: the encoder's bytes, much cheaper (`FormJSONTests` holds the two equal).
    static func json(_ form: ApplicationForm) throws -> String {
        guard let text = FormJSON.encode(form) else { return String(decoding: try encoder.encode(form), as: UTF8.self) }
        return text
    }

    /// Reasons are most often none: `[]`, exactly what the encoder writes for an empty array, without running it.
    static func json(_ reasons: [DomainIssue]) throws -> String {
        if reasons.isEmpty { return "[]" }
        return String(decoding: try encoder.encode(reasons), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(T.self, from: Data(text.utf8))
    }

    private static func application(_ row: Row) throws -> StoredApplication {
        StoredApplication(
            id: ApplicationID(row["id"] as String), kind: try row.stored("kind", as: ApplicationKind.self),
            roundId: RoundID(row["round_id"] as String), screeningBody: row["screening_body"], status: row["status"],
            version: row["version"], form: try decode(ApplicationForm.self, row["form_json"]),
            submittedOn: try row.dayIfPresent("submitted_on"),
            withdrawnOn: try row.dayIfPresent("withdrawn_on"),
            statusReasons: try decode([DomainIssue].self, row["status_reasons_json"]),
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
