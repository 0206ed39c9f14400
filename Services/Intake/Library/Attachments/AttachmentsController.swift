import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// Attachments of an application: the raw file as the body, its name in `?name=`.
struct AttachmentsController {
    let environment: ServiceEnvironment
    let database: IntakeDatabase
    var referenceData: ReferenceData { database.settings.referenceData }

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(":id/attachments", use: upload)
            .get(":id/attachments", use: list)
            .get(":id/attachments/:sha256", use: download)
            .delete(":id/attachments/:sha256", use: remove)
    }

    /// Removes an attachment while the application is a draft or open to its body (returned for amendment,
    /// submitted before the deadline), the same states in which one may be added.
    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let sha = try context.parameters.require("sha256")
        try await database.removeAttachment(sha, of: id, by: caller)
        return Response(status: .noContent)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentView> {
        let caller = Caller.screeningBody(try Caller.screeningBody(context, referenceData: referenceData))
        let id = ApplicationID(try context.parameters.require("id"))
        let name = request.uri.queryParameters["name"].map(String.init)
        if let issue = AttachmentStore.nameIssue(name) { throw Problem.validation([issue]) }
        let bytes = try await JSONBody.bytes(request, context: context)
        let view = try await database.addAttachment(bytes, name: name ?? "", to: id, by: caller, at: environment.moment().millis)
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<AttachmentView> {
        let reader = try AttachmentReader(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        let name = request.queryText("name")
        return Listing(try await database.attachments(of: id, readBy: reader, name: name, page: try PageRequest.parse(request)))
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try AttachmentReader(context, referenceData: referenceData)
        let id = ApplicationID(try context.parameters.require("id"))
        let sha = try context.parameters.require("sha256")
        guard let file = try await database.attachment(sha, of: id, readBy: reader) else { throw Problem.notFound("attachment", zh: "附件", id: sha) }
        return FileContent.download(file.bytes, mediaType: file.mediaType, fileName: file.fileName)
    }
}
