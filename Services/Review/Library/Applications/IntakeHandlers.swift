import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// Intake's round and application events. `round.opened` makes the round known with the defaults of its kind, so
/// the department configures it before any application arrives; a round id first seen in an application (from a
/// round intake opened before it sent `round.opened`) opens one the same way.
enum IntakeHandlers {
    static func register(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        handlers.on(RoundOpened.self) { db, envelope in
            let event = envelope.data
            if let known = try RoundStore.find(event.roundID, in: db) {
                guard known.kind == event.kind else {
                    throw EventRejected([DomainIssue(code: "round.kind_mismatch", field: "kind",
                                                     messageZh: "批次 \(known.id) 在评审服务中是\(known.kind.nameZh)批次，不是\(event.kind.nameZh)批次",
                                                     messageEn: "round \(known.id) is a \(known.kind.nameEn) round in review, not a \(event.kind.nameEn) round")])
                }
                return  // already known through an application: its settings stay as the department left them
            }
            let now = environment.now()
            let round = ReviewRound.defaults(id: event.roundID, kind: event.kind, year: event.year, now: now)
            try RoundStore.save(round, in: db)
            try Audit.record("round.opened", round: round.id, detail: ["opensOn": event.opensOn.description, "deadline": event.deadline.description],
                             actor: "intake", at: Millis.from(now), in: db)
        }

        // The department corrected the round in intake: review keeps intake's deadline and records why.
        handlers.on(RoundChanged.self) { db, envelope in
            let event = envelope.data
            try db.execute(sql: "UPDATE review_round SET intake_deadline = ? WHERE id = ?", arguments: [event.deadline.description, event.roundID.rawValue])
            try Audit.record("round.changed", round: event.roundID,
                             detail: RoundChangeDetail(change: event.change, previousDeadline: event.previousDeadline.description,
                                                       deadline: event.deadline.description, quotaPerBody: event.quotaPerBody,
                                                       quotas: event.quotas, reason: event.reason),
                             actor: "intake", at: Millis.from(environment.now()), in: db)
        }

        // A cancelled round (撤销批次) takes no more applications in intake; review marks it and records why.
        handlers.on(RoundCancelled.self) { db, envelope in
            let event = envelope.data
            try db.execute(sql: "UPDATE review_round SET cancelled_on = ?, cancel_reason = ? WHERE id = ?",
                           arguments: [event.cancelledOn.description, event.reason, event.roundID.rawValue])
            try Audit.record("round.cancelled", round: event.roundID,
                             detail: ["cancelledOn": event.cancelledOn.description, "reason": event.reason],
                             actor: "intake", at: Millis.from(environment.now()), in: db)
        }

        handlers.on(ApplicationSubmitted.self) { db, envelope in
            let event = envelope.data
            let now = Millis.from(environment.now())
            let round = try roundFor(event.application, now: environment.now(), in: db)
            guard try ApplicationStore.find(event.application.applicationID, in: db) == nil else { return }
            try db.execute(sql: """
                INSERT INTO review_application (id, round_id, kind, status, version, content, submitted_on, received_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.application.applicationID.rawValue, round.id.rawValue, event.application.kind.rawValue,
                                 ApplicationStatus.submitted.rawValue, event.applicationVersion, try JSONText.encode(event.application),
                                 event.submittedOn.description, now, now])
        }

        handlers.on(ApplicationAmended.self) { db, envelope in
            let event = envelope.data
            let now = Millis.from(environment.now())
            guard let existing = try ApplicationStore.find(event.application.applicationID, in: db) else {
                throw EventRejected([DomainIssue(code: "application.unknown", field: "application.applicationID",
                                                 messageZh: "评审服务未收到该申报的提交事件", messageEn: "review has not received this application's submission")])
            }
            guard event.application.roundID == existing.roundID, event.application.kind == existing.kind else {
                throw EventRejected([DomainIssue(code: "application.round_changed", field: "application.roundID",
                                                 messageZh: "补正不能更改申报批次或类型", messageEn: "an amendment cannot move the application to another round or kind")])
            }
            let status = existing.applicationStatus
            guard status == .submitted || status == .returnedForAmendment || status == .qualificationPassed else {
                throw EventRejected([DomainIssue(code: "application.not_amendable", field: "application",
                                                 messageZh: "申报已进入专家评审或已结束（\(status?.nameZh ?? existing.status)），不能补正",
                                                 messageEn: "the application is in expert review or finished (\(status?.nameEn ?? existing.status)); it cannot be amended")])
            }
            try db.execute(sql: "UPDATE review_application SET content = ?, version = ?, updated_at = ? WHERE id = ?",
                           arguments: [try JSONText.encode(event.application), event.applicationVersion, now, existing.id.rawValue])
            // The amended content needs a fresh qualification review; assignments made on the old content go.
            try db.execute(sql: "DELETE FROM assignment WHERE application_id = ?", arguments: [existing.id.rawValue])
            try PanelAccess.publish(applications: [existing.id], outbox: environment.outbox, nowMillis: now, in: db)
            if status != .submitted {
                try ApplicationStore.setStatus(existing, to: .submitted, outbox: environment.outbox, nowMillis: now, in: db)
            }
        }

        handlers.on(ApplicationWithdrawn.self) { db, envelope in
            let event = envelope.data
            let now = Millis.from(environment.now())
            guard let existing = try ApplicationStore.find(event.applicationID, in: db) else { return }
            if let status = existing.applicationStatus, status.isFinal { return }
            try db.execute(sql: "UPDATE review_application SET status = ?, updated_at = ? WHERE id = ?",
                           arguments: [ReviewApplication.withdrawn, now, existing.id.rawValue])
            try db.execute(sql: "DELETE FROM score_sheet WHERE application_id = ? AND status = 'draft'", arguments: [existing.id.rawValue])
            try db.execute(sql: "DELETE FROM assignment WHERE application_id = ? AND NOT EXISTS (SELECT 1 FROM score_sheet s WHERE s.application_id = assignment.application_id AND s.expert_id = assignment.expert_id)", arguments: [existing.id.rawValue])
            try PanelAccess.publish(applications: [existing.id], outbox: environment.outbox, nowMillis: now, in: db)
            try Audit.record("application.withdrawn", round: existing.roundID, application: existing.id,
                             detail: ["reason": event.reason ?? ""], actor: "intake", at: now, in: db)
        }
    }

    static func roundFor(_ content: ApplicationContent, now: Date, in db: Database) throws -> ReviewRound {
        if let round = try RoundStore.find(content.roundID, in: db) {
            guard round.kind == content.kind else {
                throw EventRejected([DomainIssue(code: "round.kind_mismatch", field: "application.kind",
                                                 messageZh: "批次 \(round.id) 是\(round.kind.nameZh)批次，不能受理\(content.kind.nameZh)",
                                                 messageEn: "round \(round.id) is a \(round.kind.nameEn) round; it cannot take a \(content.kind.nameEn)")])
            }
            guard round.status == .open else {
                throw EventRejected([DomainIssue(code: "round.not_open", field: "application.roundID",
                                                 messageZh: "批次 \(round.id) 已开始评分，不再受理申报", messageEn: "round \(round.id) has started scoring and takes no more applications")])
            }
            return round
        }
        let round = ReviewRound.defaults(id: content.roundID, kind: content.kind, year: content.year, now: now)
        try RoundStore.save(round, in: db)
        return round
    }
}

/// What review's audit keeps of intake's correction of a round.
struct RoundChangeDetail: Encodable {
    var change: String
    var previousDeadline: String
    var deadline: String
    var quotaPerBody: Int?
    var quotas: [String: Int]
    var reason: String
}
