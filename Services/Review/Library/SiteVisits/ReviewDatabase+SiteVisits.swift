import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Site visits (实地考察) and their photos.
extension ReviewDatabase {
    typealias VisitView = SiteVisitController.VisitView
    typealias PhotoView = SiteVisitController.PhotoView

    static func visits(of application: ApplicationID, in db: Database) throws -> [VisitView] {
        try Row.fetchAll(db, sql: "SELECT * FROM site_visit WHERE application_id = ? ORDER BY visited_on, id", arguments: [application.rawValue]).map { row in
            let id: Int64 = row["id"]
            let photos = try Row.fetchAll(db, sql: "SELECT id, file_name, media_type, size, sha256, added_at FROM site_visit_photo WHERE visit_id = ? ORDER BY id", arguments: [id]).map {
                PhotoView(id: $0["id"], fileName: $0["file_name"], mediaType: $0["media_type"], size: $0["size"], sha256: $0["sha256"], addedAt: Millis.date($0["added_at"]))
            }
            return VisitView(id: id, applicationId: ApplicationID(row["application_id"] as String), roundId: RoundID(row["round_id"] as String), visitedOn: try row.day("visited_on"),
                             visitors: try JSONText.decode([String].self, row["visitors"]), findings: row["findings"],
                             recordedBy: row["recorded_by"], recordedAt: Millis.date(row["recorded_at"]), photos: photos)
        }
    }

    /// Who may read an application's visits: the department and the federation; an expert only on their own
    /// conflict-free assignment (otherwise the application does not exist for them).
    static func mayReadVisits(_ identity: Identity, application: ApplicationID, in db: Database) throws -> Bool {
        if identity.role == .expert { return try ExpertAccess.mayRead(expert: identity.expertID, application: application, in: db) }
        return try ApplicationStore.find(application, in: db) != nil
    }

    /// A visit is recorded after the qualification review passes and before scoring starts.
    func recordVisit(application id: ApplicationID, visitedOn: LocalDate, visitors: [String], findings: String, by actor: String, at now: Int64) async throws -> VisitView {
        try await write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .open, application.applicationStatus == .qualificationPassed else {
                throw Problem.conflict("site_visit.not_between_qualification_and_scoring",
                                              zh: "实地考察在资格审查通过之后、评分开始之前进行", en: "a site visit is recorded after the qualification review passes and before scoring starts")
            }
            try db.execute(sql: """
                INSERT INTO site_visit (application_id, round_id, visited_on, visitors, findings, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.rawValue, round.id.rawValue, visitedOn.description, try JSONText.encode(visitors), findings, actor, now])
            let visitID = db.lastInsertedRowID
            try Audit.record("site_visit.recorded", round: round.id, application: id,
                             detail: ["visit": String(visitID), "visitedOn": visitedOn.description, "visitors": visitors.joined(separator: "、")],
                             actor: actor, at: now, in: db)
            return try Self.visits(of: id, in: db).first { $0.id == visitID }!
        }
    }

    func visits(of id: ApplicationID, readBy identity: Identity) async throws -> [VisitView] {
        try await read { db in
            guard try Self.mayReadVisits(identity, application: id, in: db) else { throw Problem.notFound("application", zh: "申报", id: id) }
            return try Self.visits(of: id, in: db)
        }
    }

    /// At most `SiteVisitController.photosPerVisit` photos a visit.
    func addPhoto(visit: Int64, name: String, mediaType type: String, bytes: [UInt8], by actor: String, at now: Int64) async throws -> PhotoView {
        try await write { db -> PhotoView in
            guard let row = try Row.fetchOne(db, sql: "SELECT application_id, round_id FROM site_visit WHERE id = ?", arguments: [visit]) else {
                throw Problem.notFound("site visit", zh: "实地考察记录", id: String(visit))
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM site_visit_photo WHERE visit_id = ?", arguments: [visit]) ?? 0
            let limit = SiteVisitController.photosPerVisit
            guard count < limit else {
                throw Problem.conflict("photo.too_many", zh: "每次考察至多\(limit)张照片", en: "at most \(limit) photos a visit")
            }
            let sha = ContentHash.sha256Hex(bytes)
            try db.execute(sql: "INSERT INTO site_visit_photo (visit_id, file_name, media_type, size, sha256, content, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [visit, name, type, bytes.count, sha, Data(bytes), actor, now])
            let id = db.lastInsertedRowID
            try Audit.record("site_visit.photo_added", round: RoundID(row["round_id"] as String), application: ApplicationID(row["application_id"] as String),
                             detail: ["visit": String(visit), "photo": String(id), "sha256": sha, "type": type], actor: actor, at: now, in: db)
            return PhotoView(id: id, fileName: name, mediaType: type, size: bytes.count, sha256: sha, addedAt: Millis.date(now))
        }
    }

    /// A photo's file name, type and bytes, or nil when it does not exist for `identity`.
    func photo(_ photoText: String, visit: Int64, readBy identity: Identity) async throws -> (fileName: String, mediaType: String, content: Data)? {
        try await read { db -> (fileName: String, mediaType: String, content: Data)? in
            guard let photoID = Int64(photoText),
                  let row = try Row.fetchOne(db, sql: """
                      SELECT p.file_name, p.media_type, p.content, v.application_id FROM site_visit_photo p JOIN site_visit v ON v.id = p.visit_id
                      WHERE p.id = ? AND p.visit_id = ?
                      """, arguments: [photoID, visit]),
                  try Self.mayReadVisits(identity, application: ApplicationID(row["application_id"] as String), in: db) else { return nil }
            return (row["file_name"], row["media_type"], row["content"])
        }
    }
}
