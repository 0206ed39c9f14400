import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// Attachments (附件) of an application: added and removed by its screening body while the application is a draft
/// or open to it (returned for amendment, submitted before the deadline); read by whoever may read the application's
/// files (`AttachmentReader`).
extension IntakeDatabase {
    func addAttachment(_ bytes: [UInt8], name: String, to id: ApplicationID, by caller: Caller, at now: Int64) async throws -> AttachmentView {
        try await write { db in
            try Self.requireOpenToAttachments(try Self.visible(id, to: caller, in: db), zh: "添加", en: "added to")
            return try AttachmentStore.add(bytes, name: name, to: id, now: now, in: db)
        }
    }

    func removeAttachment(_ sha: String, of id: ApplicationID, by caller: Caller) async throws {
        try await write { db in
            try Self.requireOpenToAttachments(try Self.visible(id, to: caller, in: db), zh: "删除", en: "removed from")
            guard try AttachmentStore.remove(sha, of: id, in: db) else { throw Problem.notFound("attachment", zh: "附件", id: sha) }
        }
    }

    func attachments(of id: ApplicationID, readBy reader: AttachmentReader, name: String?, page: PageRequest) async throws -> (items: [AttachmentView], nextCursor: String?, total: Int) {
        try await read { db in
            try reader.mayRead(id, in: db)
            return try AttachmentStore.page(id, name: name, page: page, in: db)
        }
    }

    func attachment(_ sha: String, of id: ApplicationID, readBy reader: AttachmentReader) async throws -> (mediaType: String, fileName: String, bytes: Data)? {
        try await read { db in
            try reader.mayRead(id, in: db)
            return try AttachmentStore.content(sha, of: id, in: db)
        }
    }

    /// A 409 unless the application is a draft or open to its body: the states in which an attachment may be added or removed.
    private static func requireOpenToAttachments(_ app: StoredApplication, zh verb: String, en phrase: String) throws {
        guard app.status == IntakeStatus.draft || IntakeStatus.isOpenToApplicant(app.status) else {
            throw Problem(.conflict, code: "application.closed", field: "status",
                          zh: "当前状态（\(IntakeStatus.names(app.status).zh)）不能\(verb)附件", en: "attachments cannot be \(phrase) an application that is \(app.status)")
        }
    }
}
