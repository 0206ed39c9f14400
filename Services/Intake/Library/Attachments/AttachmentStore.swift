import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Attachments (附件) are stored once per content (SHA-256) in the database and linked to applications by name;
/// a second upload under the same name replaces the link.
/// Only PDF, PNG and JPEG are taken, recognised by their first bytes, never by the name or the declared type.
enum AttachmentStore {
    /// 10 MiB; the service's request body limit applies first.
    static let maximumSize = 10 * 1024 * 1024

    static func mediaType(of bytes: [UInt8]) -> String? { FileContent.recognisedType(of: bytes) }

    /// Why `name` cannot be a file name, or nil: no paths, no parent references, no control characters.
    static func nameIssue(_ name: String?) -> DomainIssue? {
        guard let name = name.present else {
            return DomainIssue.required("name", nameZh: "附件文件名", nameEn: "The attachment's file name")
        }
        let forbidden = name.contains("/") || name.contains("\\") || name.contains("..") || name.hasPrefix(".")
            || name.unicodeScalars.contains { $0.properties.generalCategory == .control } || name.contains(":") || name.count > 200
        guard forbidden else { return nil }
        return DomainIssue(code: "attachment_name", field: "name",
                           messageZh: "附件文件名不能包含路径、“..”、冒号或控制字符，且不超过200个字符。",
                           messageEn: "An attachment name may not contain a path, “..”, a colon or control characters, and is at most 200 characters.")
    }

    static func add(_ bytes: [UInt8], name: String, to id: ApplicationID, now: Int64, in db: Database) throws -> AttachmentView {
        guard bytes.count <= maximumSize else {
            throw Problem(.contentTooLarge, code: "attachment.too_large", field: "body",
                          zh: "附件过大：\(bytes.count) 字节，上限 \(maximumSize) 字节", en: "the attachment is \(bytes.count) bytes; the limit is \(maximumSize)")
        }
        guard !bytes.isEmpty, let mediaType = mediaType(of: bytes) else {
            throw Problem(.unsupportedMediaType, code: "attachment.type", field: "body",
                          zh: "附件须为 PDF、PNG 或 JPEG 文件", en: "an attachment must be a PDF, PNG or JPEG file")
        }
        let sha = ContentHash.sha256Hex(bytes)
        try db.execute(sql: """
            INSERT INTO intake_blob (sha256, media_type, size, content, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING
            """, arguments: [sha, mediaType, bytes.count, Data(bytes), now])
        try db.execute(sql: """
            INSERT INTO intake_attachment (application_id, sha256, file_name, added_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (application_id, file_name) DO UPDATE SET sha256 = excluded.sha256, added_at = excluded.added_at
            """, arguments: [id.rawValue, sha, name, now])
        return AttachmentView(sha256: sha, fileName: name, mediaType: mediaType, size: bytes.count, addedAt: Millis.date(now))
    }

    static func list(_ id: ApplicationID, in db: Database) throws -> [AttachmentView] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.sha256, a.file_name, a.added_at, b.media_type, b.size FROM intake_attachment a JOIN intake_blob b ON b.sha256 = a.sha256
            WHERE a.application_id = ? ORDER BY a.added_at, a.file_name
            """), arguments: [id.rawValue]).map {
            AttachmentView(sha256: $0["sha256"], fileName: $0["file_name"], mediaType: $0["media_type"], size: $0["size"], addedAt: Millis.date($0["added_at"]))
        }
    }

    /// One page of an application's attachments, in the order they were added (then by name), keyset-paged over
    /// (added_at, file_name); `name` keeps the files whose name contains it. And how many match in all.
    static func page(_ id: ApplicationID, name: String?, page: PageRequest, in db: Database) throws -> (items: [AttachmentView], nextCursor: String?, total: Int) {
        var conditions = ["a.application_id = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [id.rawValue]
        if let name { conditions.append("instr(a.file_name, ?) > 0"); arguments.append(name) }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_attachment a WHERE " + conditions.joined(separator: " AND "),
                                     arguments: StatementArguments(arguments)) ?? 0
        if let after = page.after {
            guard let addedAt = Int64(after[0]) else { throw QueryValues.invalidCursor }
            conditions.append("(a.added_at, a.file_name) > (?, ?)")
            arguments += [addedAt, after[1]]
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.sha256, a.file_name, a.added_at, b.media_type, b.size FROM intake_attachment a JOIN intake_blob b ON b.sha256 = a.sha256
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.added_at, a.file_name LIMIT ?
            """, arguments: StatementArguments(arguments + [page.limit + 1])).map {
            (AttachmentView(sha256: $0["sha256"], fileName: $0["file_name"], mediaType: $0["media_type"], size: $0["size"], addedAt: Millis.date($0["added_at"])),
             $0["added_at"] as Int64)
        }
        let (items, next) = page.page(rows) { [String($0.1), $0.0.fileName] }
        return (items.map(\.0), next, total)
    }

    static func content(_ sha: String, of id: ApplicationID, in db: Database) throws -> (mediaType: String, fileName: String, bytes: Data)? {
        try Row.fetchOne(db, sql: """
            SELECT b.media_type, b.content, a.file_name FROM intake_attachment a JOIN intake_blob b ON b.sha256 = a.sha256
            WHERE a.application_id = ? AND a.sha256 = ?
            """, arguments: [id.rawValue, sha]).map { ($0["media_type"], $0["file_name"], $0["content"]) }
    }

    /// Removes one attachment of an application; false when it has none with that hash. The blob stays while
    /// another application refers to it.
    static func remove(_ sha: String, of id: ApplicationID, in db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM intake_attachment WHERE application_id = ? AND sha256 = ?", arguments: [id.rawValue, sha])
        guard db.changesCount > 0 else { return false }
        try db.execute(sql: "DELETE FROM intake_blob WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM intake_attachment WHERE sha256 = ?)", arguments: [sha, sha])
        return true
    }
}
