import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Attachments of an application: the raw file as the body, its name in `?name=`.
struct AttachmentsController {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData

    func add(to router: Router<AppRequestContext>) {
        router.post("applications/:id/attachments", use: upload)
        router.get("applications/:id/attachments", use: list)
        router.get("applications/:id/attachments/:sha256", use: download)
        router.delete("applications/:id/attachments/:sha256", use: remove)
    }

    /// Removes an attachment while the application is a draft or open to its body (returned for amendment,
    /// submitted before the deadline), the same states in which one may be added.
    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let sha = try context.parameters.require("sha256")
        try await environment.database.write { db in
            let app = try ApplicationsController.visible(id, to: caller, in: db)
            guard app.status == IntakeStatus.draft || IntakeStatus.isOpenToApplicant(app.status) else {
                throw Problem(.conflict, code: "application.closed", field: "status",
                              zh: "当前状态（\(IntakeStatus.names(app.status).zh)）不能删除附件", en: "attachments cannot be removed from an application that is \(app.status)")
            }
            guard try AttachmentStore.remove(sha, of: id, in: db) else { throw Problem.notFound("attachment", zh: "附件", id: sha) }
        }
        return Response(status: .noContent)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentView> {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let name = request.uri.queryParameters["name"].map(String.init)
        if let issue = AttachmentStore.nameIssue(name) { throw Problem.validation([issue]) }
        let bytes = try await JSONBody.bytes(request, context: context)
        let now = Millis.from(environment.now())
        let view = try await environment.database.write { db in
            let app = try ApplicationsController.visible(id, to: caller, in: db)
            guard app.status == IntakeStatus.draft || IntakeStatus.isOpenToApplicant(app.status) else {
                throw Problem(.conflict, code: "application.closed", field: "status",
                              zh: "当前状态（\(IntakeStatus.names(app.status).zh)）不能添加附件", en: "attachments cannot be added to an application that is \(app.status)")
            }
            return try AttachmentStore.add(bytes, name: name ?? "", to: id, now: now, in: db)
        }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<AttachmentView> {
        let reader = try Reader(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        let name = request.uri.queryParameters["name"].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let page = try PageRequest.parse(request)
        let result = try await environment.database.read { db in
            try reader.mayRead(id, in: db)
            return try AttachmentStore.page(id, name: name, page: page, in: db)
        }
        return Listing(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }

    /// Who may read an application's files: its screening body and the department (as for the application), and
    /// the experts on its panel as review last said (`ExpertPanel`). To any other expert it does not exist (404).
    enum Reader {
        case caller(Caller)
        case expert(String)

        init(_ context: AppRequestContext, referenceData: ReferenceData) throws {
            let identity = try context.require(.screeningBody, .department, .expert)
            if identity.role == .expert {
                self = .expert(identity.subject ?? "")
            } else {
                self = .caller(try Caller.resolve(context, referenceData: referenceData))
            }
        }

        func mayRead(_ id: ApplicationID, in db: Database) throws {
            switch self {
            case .caller(let caller):
                _ = try ApplicationsController.visible(id, to: caller, in: db)
            case .expert(let expert):
                guard !expert.isEmpty, try ExpertPanel.includes(expert, application: id, in: db) else {
                    throw Problem.notFound("application", zh: "申报", id: id.rawValue)
                }
            }
        }
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try Reader(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        let sha = try context.parameters.require("sha256")
        guard let file = try await environment.database.read({ db -> (mediaType: String, fileName: String, bytes: Data)? in
            try reader.mayRead(id, in: db)
            return try AttachmentStore.content(sha, of: id, in: db)
        }) else { throw Problem.notFound("attachment", zh: "附件", id: sha) }
        return FileContent.download(file.bytes, mediaType: file.mediaType, fileName: file.fileName)
    }
}
