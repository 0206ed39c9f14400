import Foundation
import GRDB
import Messaging
import ServiceKit
import StudioDomain

/// What funding does with the events it takes. Each runs inside the inbox transaction (MESSAGING.md §6);
/// the unique indexes on `funding_grant` keep a grant single even when an event is re-sent under a new id.
enum FundingEventHandlers {
    static func register(_ handlers: inout InboxHandlers, environment: ServiceEnvironment, settings: FundingSettings) {
        let now = environment.now
        let replica = StudioReplica.replica
        replica.register(&handlers, now: now)

        replica.handle(StudioNamed.self, in: &handlers, now: now) { db, envelope, instant in
            let event = envelope.data
            try GrantIntake.apply(.init(kind: .naming, studioID: event.studioID, applicationID: event.applicationID, year: event.year,
                                        decidedOn: event.namedOn, eventID: envelope.id, source: envelope.source),
                                  settings: settings, at: Moment(instant).millis, in: db)
        }

        handlers.on(ProjectGrantAwarded.self) { db, envelope in
            let event = envelope.data
            // The federation's decision day on review's clock; an award sent before it carried one: the day review committed it.
            try GrantIntake.apply(.init(kind: .projectGrant, studioID: event.studioID, applicationID: event.applicationID, year: event.year,
                                        decidedOn: event.decidedOn ?? LocalDate(envelope.occurredAt), eventID: envelope.id, source: envelope.source),
                                  settings: settings, at: Moment(now()).millis, in: db)
        }

        replica.handle(DemonstrationAccepted.self, in: &handlers, now: now) { db, envelope, instant in
            let event = envelope.data
            try GrantIntake.apply(.init(kind: .demonstration, studioID: event.studioID, applicationID: event.applicationID, year: event.year,
                                        decidedOn: event.acceptedOn, eventID: envelope.id, source: envelope.source),
                                  settings: settings, at: Moment(instant).millis, in: db)
        }

        replica.handle(StudioChanged.self, in: &handlers, now: now) { db, envelope, instant in
            try StudioReplica.changePayee(envelope.data, at: Moment(instant).millis, in: db)
        }

        replica.handle(StudioRevoked.self, in: &handlers, now: now) { db, envelope, instant in
            let event = envelope.data
            let article = event.reason.article.map { "（\($0.chinese)）" } ?? ""
            try FundingDatabase.cancelUnpaid(studioID: event.studioID,
                                             reason: "工作室被撤销命名：\(event.reason.nameZh)\(article) / studio revoked: \(event.reason.nameEn)",
                                             by: Agent(event: envelope.id, source: envelope.source), at: Moment(instant), outbox: environment.outbox, in: db)
        }
    }
}
