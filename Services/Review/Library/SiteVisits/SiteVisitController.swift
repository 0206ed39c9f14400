import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Site visits (实地考察): an optional step of a round between qualification and scoring, as the neighbouring
/// cities' rules require and the department does in practice. The department records the day, who visited,
/// the findings and photos (JPEG or PNG, recognised by their first bytes, at most 5 MiB each, kept in review's
/// database). The department, the federation and the experts assigned to the application (and free of a
/// conflict) read them; any other expert gets 404, as for the application itself.
struct SiteVisitController {
    let environment: ServiceEnvironment

    static let photoLimit = 5 * 1024 * 1024
    static let photosPerVisit = 20

    func add(to router: Router<AppRequestContext>) {
        router.post("applications/:application/site-visits", use: record)
        router.get("applications/:application/site-visits", use: list)
        router.post("site-visits/:visit/photos", use: addPhoto)
        router.get("site-visits/:visit/photos/:photo", use: photo)
    }

    struct PhotoView: ResponseEncodable, Codable, Sendable {
        var id: Int64
        var fileName: String
        var mediaType: String
        var size: Int
        var sha256: String
        var addedAt: Date
    }

    struct VisitView: ResponseEncodable, Codable, Sendable {
        var id: Int64
        var applicationId: String
        var roundId: String
        var visitedOn: LocalDate
        var visitors: [String]
        var findings: String
        var recordedBy: String
        var recordedAt: Date
        var photos: [PhotoView]
    }

    static func visits(of application: String, in db: Database) throws -> [VisitView] {
        try Row.fetchAll(db, sql: "SELECT * FROM site_visit WHERE application_id = ? ORDER BY visited_on, id", arguments: [application]).map { row in
            let id: Int64 = row["id"]
            let photos = try Row.fetchAll(db, sql: "SELECT id, file_name, media_type, size, sha256, added_at FROM site_visit_photo WHERE visit_id = ? ORDER BY id", arguments: [id]).map {
                PhotoView(id: $0["id"], fileName: $0["file_name"], mediaType: $0["media_type"], size: $0["size"], sha256: $0["sha256"], addedAt: Millis.date($0["added_at"]))
            }
            return VisitView(id: id, applicationId: row["application_id"], roundId: row["round_id"], visitedOn: LocalDate(row["visited_on"] as String)!,
                             visitors: try JSONText.decode([String].self, row["visitors"]), findings: row["findings"],
                             recordedBy: row["recorded_by"], recordedAt: Millis.date(row["recorded_at"]), photos: photos)
        }
    }

    /// Who may read an application's visits: the department and the federation; an expert only on their own
    /// conflict-free assignment (otherwise the application does not exist for them).
    static func mayRead(_ identity: Identity, application: String, in db: Database) throws -> Bool {
        if identity.role == .expert { return try ExpertAccess.mayRead(expert: identity.subject ?? "", application: application, in: db) }
        return try ApplicationStore.find(application, in: db) != nil
    }

    struct VisitInput: Decodable {
        var visitedOn: LocalDate
        var visitors: [String]
        var findings: String
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<VisitView> {
        let identity = try context.require(.department)
        let id = try context.parameters.require("application")
        let input = try await request.decodeJSON(VisitInput.self, context: context)
        let today = LocalDate(environment.now())
        var issues: [DomainIssue] = []
        let visitors = input.visitors.map { $0.trimmingCharacters(in: .whitespaces) }
        if visitors.isEmpty || visitors.count > 20 || visitors.contains(where: { $0.isEmpty || $0.count > 50 }) {
            issues.append(DomainIssue(code: "site_visit.visitors", field: "visitors", messageZh: "请填写1至20名考察人员，每人不超过50个字符", messageEn: "name 1 to 20 visitors, each in at most 50 characters"))
        }
        if input.findings.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(.required("findings", nameZh: "考察情况", nameEn: "The findings"))
        } else if input.findings.count > 4000 {
            issues.append(DomainIssue(code: "site_visit.findings_too_long", field: "findings", messageZh: "考察情况不超过4000个字符", messageEn: "the findings are at most 4000 characters"))
        }
        if input.visitedOn > today {
            issues.append(DomainIssue(code: "site_visit.in_future", field: "visitedOn", messageZh: "考察日期不能晚于今天", messageEn: "the visit cannot be after today"))
        }
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let now = Millis.from(environment.now())
        let view = try await environment.database.write { db in
            let application = try ApplicationStore.require(id, in: db)
            let round = try RoundStore.require(application.roundID, in: db)
            guard round.status == .open, application.applicationStatus == .qualificationPassed else {
                throw ProblemFactory.conflict("site_visit.not_between_qualification_and_scoring",
                                              zh: "实地考察在资格审查通过之后、评分开始之前进行", en: "a site visit is recorded after the qualification review passes and before scoring starts")
            }
            try db.execute(sql: """
                INSERT INTO site_visit (application_id, round_id, visited_on, visitors, findings, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, round.id, input.visitedOn.description, try JSONText.encode(visitors), input.findings, identity.actor, now])
            let visitID = db.lastInsertedRowID
            try Audit.record("site_visit.recorded", round: round.id, application: id,
                             detail: ["visit": String(visitID), "visitedOn": input.visitedOn.description, "visitors": visitors.joined(separator: "、")],
                             actor: identity.actor, at: now, in: db)
            return try Self.visits(of: id, in: db).first { $0.id == visitID }!
        }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Items<VisitView> {
        let identity = try context.require(.department, .federation, .expert)
        let id = try context.parameters.require("application")
        return Items(items: try await environment.database.read { db in
            guard try Self.mayRead(identity, application: id, in: db) else { throw ProblemFactory.notFound("application", zh: "申报", id) }
            return try Self.visits(of: id, in: db)
        })
    }

    static func visitID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("visit")) else { throw ProblemFactory.notFound("site visit", zh: "实地考察记录", "?") }
        return id
    }

    @Sendable func addPhoto(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<PhotoView> {
        let identity = try context.require(.department)
        let visit = try Self.visitID(context)
        let name = request.uri.queryParameters["name"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty || name.count > 200 || name.contains("/") || name.contains("\\") || name.contains("..") || name.contains(":")
            || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Problem.validation([DomainIssue(code: "photo.name", field: "name", messageZh: "请填写照片文件名：不含路径、“..”、冒号或控制字符，不超过200个字符",
                                                  messageEn: "name the photo: no path, “..”, colon or control characters, at most 200 characters")])
        }
        let bytes = Array(try await request.body.collect(upTo: Self.photoLimit + 1).readableBytesView)
        guard bytes.count <= Self.photoLimit else {
            throw Problem(.contentTooLarge, code: "photo.too_large", field: "body", zh: "照片不超过5 MiB", en: "a photo is at most 5 MiB")
        }
        guard let type = FileContent.recognisedType(of: bytes), type == "image/jpeg" || type == "image/png" else {
            throw Problem(.unsupportedMediaType, code: "photo.type", field: "body", zh: "照片须为 JPEG 或 PNG 文件（按文件内容识别）", en: "a photo must be a JPEG or PNG file (recognised by its content)")
        }
        let now = Millis.from(environment.now())
        let view = try await environment.database.write { db -> PhotoView in
            guard let row = try Row.fetchOne(db, sql: "SELECT application_id, round_id FROM site_visit WHERE id = ?", arguments: [visit]) else {
                throw ProblemFactory.notFound("site visit", zh: "实地考察记录", String(visit))
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM site_visit_photo WHERE visit_id = ?", arguments: [visit]) ?? 0
            guard count < Self.photosPerVisit else {
                throw ProblemFactory.conflict("photo.too_many", zh: "每次考察至多\(Self.photosPerVisit)张照片", en: "at most \(Self.photosPerVisit) photos a visit")
            }
            let sha = ContentHash.sha256Hex(bytes)
            try db.execute(sql: "INSERT INTO site_visit_photo (visit_id, file_name, media_type, size, sha256, content, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [visit, name, type, bytes.count, sha, Data(bytes), identity.actor, now])
            let id = db.lastInsertedRowID
            try Audit.record("site_visit.photo_added", round: row["round_id"], application: row["application_id"],
                             detail: ["visit": String(visit), "photo": String(id), "sha256": sha, "type": type], actor: identity.actor, at: now, in: db)
            return PhotoView(id: id, fileName: name, mediaType: type, size: bytes.count, sha256: sha, addedAt: Millis.date(now))
        }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func photo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department, .federation, .expert)
        let visit = try Self.visitID(context)
        let photoText = try context.parameters.require("photo")
        guard let file = try await environment.database.read({ db -> (String, String, Data)? in
            guard let photoID = Int64(photoText),
                  let row = try Row.fetchOne(db, sql: """
                      SELECT p.file_name, p.media_type, p.content, v.application_id FROM site_visit_photo p JOIN site_visit v ON v.id = p.visit_id
                      WHERE p.id = ? AND p.visit_id = ?
                      """, arguments: [photoID, visit]),
                  try Self.mayRead(identity, application: row["application_id"], in: db) else { return nil }
            return (row["file_name"], row["media_type"], row["content"])
        }) else { throw ProblemFactory.notFound("photo", zh: "照片", photoText) }
        // Served with the type checked on upload, as a download.
        return FileContent.download(file.2, mediaType: file.1, fileName: file.0)
    }
}
