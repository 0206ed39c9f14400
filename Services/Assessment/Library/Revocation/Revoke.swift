import ServiceKit
import Foundation
import GRDB
import Messaging
import StudioDomain

/// Withdrawing a title: the one path both a failed assessment (Art 17) and a fraud decision (Art 20) take.
/// In the caller's transaction it sets the status, appends the history, publishes the 通报 and emits `studio.revoked`.
enum Revoke {
    @discardableResult
    static func studio(_ studio: RegisteredStudio, reason: RevocationReason, findingZh: String, details: String,
                       decidedOn: LocalDate, reference: String, actor: Agent, outbox: Outbox, nowMillis: Int64,
                       in db: Database) throws -> NoticeID {
        var studio = studio
        let previous = studio.status
        studio.status = .revoked
        studio.updatedAt = nowMillis
        try studio.update(db)
        let notice = PublicNotice(id: .new(), studio: studio, reason: reason, findingZh: findingZh, decidedOn: decidedOn)
        try notice.insert(actor: actor, nowMillis: nowMillis, in: db)
        try TitleHistory.append(studio: studio.id, kind: .revoked, from: previous, to: .revoked,
                                detailsZh: "撤销命名（\(reason.nameZh)）：\(details)；通报 \(notice.id)。",
                                reference: reference, effectiveOn: decidedOn, actor: actor, nowMillis: nowMillis, in: db)
        try outbox.append(StudioRevoked(studioID: studio.id, reason: reason, details: details, decidedOn: decidedOn, noticeID: notice.id), in: db)
        return notice.id
    }
}
