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
    let database: ReviewDatabase

    static let photoLimit = 5 * 1024 * 1024
    static let photosPerVisit = 20

    /// Mounted at the root: a visit is recorded on its application and then has a path of its own.
    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("applications/:application/site-visits", use: record)
            .get("applications/:application/site-visits", use: list)
            .post("site-visits/:visit/photos", use: addPhoto)
            .get("site-visits/:visit/photos/:photo", use: photo)
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
        var applicationId: ApplicationID
        var roundId: RoundID
        var visitedOn: LocalDate
        var visitors: [String]
        var findings: String
        var recordedBy: String
        var recordedAt: Date
        var photos: [PhotoView]
    }

    struct VisitInput: Decodable {
        var visitedOn: LocalDate
        var visitors: [String]
        var findings: String
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<VisitView> {
        let identity = try context.require(.department)
        let id = try context.applicationID()
        let input = try await request.decodeJSON(VisitInput.self, context: context)
        let moment = environment.moment()
        let today = moment.today
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
        let view = try await database.recordVisit(application: id, visitedOn: input.visitedOn, visitors: visitors, findings: input.findings,
                                                  by: identity.actor, at: moment.millis)
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<VisitView> {
        let identity = try context.require(.department, .federation, .expert)
        let id = try context.applicationID()
        return Listing(items: try await database.visits(of: id, readBy: identity))
    }

    static func visitID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("visit")) else { throw Problem.notFound("site visit", zh: "实地考察记录", id: "?") }
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
        let view = try await database.addPhoto(visit: visit, name: name, mediaType: type, bytes: bytes, by: identity.actor, at: Millis.from(environment.now()))
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func photo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.department, .federation, .expert)
        let visit = try Self.visitID(context)
        let photoText = try context.parameters.require("photo")
        guard let file = try await database.photo(photoText, visit: visit, readBy: identity) else { throw Problem.notFound("photo", zh: "照片", id: photoText) }
        // Served with the type checked on upload, as a download.
        return FileContent.download(file.2, mediaType: file.1, fileName: file.0)
    }
}
