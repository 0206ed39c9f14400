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

        handlers.on(StudioNamed.self) { db, envelope in
            let event = envelope.data
            let moment = Moment(now())
            try StudioReplica.record(studioID: event.studioID.rawValue, studioName: event.studioName, unitName: event.unitName,
                                     screeningBodyCode: event.screeningBodyCode, status: .active, at: moment.millis, in: db)
            try GrantIntake.apply(.init(kind: .naming, studioID: event.studioID, applicationID: event.applicationID, year: event.year,
                                        decidedOn: event.namedOn, eventID: envelope.id, source: envelope.source),
                                  settings: settings, at: moment.millis, in: db)
        }

        handlers.on(ProjectGrantAwarded.self) { db, envelope in
            let event = envelope.data
            // The award carries no date of its own: the day review committed it is the decision day.
            try GrantIntake.apply(.init(kind: .projectGrant, studioID: event.studioID, applicationID: event.applicationID, year: event.year,
                                        decidedOn: LocalDate(envelope.occurredAt), eventID: envelope.id, source: envelope.source),
                                  settings: settings, at: Moment(now()).millis, in: db)
        }

        handlers.on(DemonstrationAccepted.self) { db, envelope in
            let event = envelope.data
            try GrantIntake.apply(.init(kind: .demonstration, studioID: event.studioID, applicationID: event.applicationID, year: event.year,
                                        decidedOn: event.acceptedOn, eventID: envelope.id, source: envelope.source),
                                  settings: settings, at: Moment(now()).millis, in: db)
        }

        handlers.on(StudioRegistered.self) { db, envelope in
            let event = envelope.data
            try StudioReplica.record(studioID: event.studioID.rawValue, studioName: event.studioName, unitName: event.unitName,
                                     screeningBodyCode: event.screeningBodyCode, status: event.status, at: Moment(now()).millis, in: db)
        }

        handlers.on(StudioChanged.self) { db, envelope in
            try StudioReplica.change(envelope.data, at: Moment(now()).millis, in: db)
        }

        // Expiry and a late pass that restores the studio change the replica's status; a revocation stays.
        handlers.on(StudioExpired.self) { db, envelope in
            try StudioReplica.setStatus(envelope.data.studioID.rawValue, to: .expired, at: Moment(now()).millis, in: db)
        }

        handlers.on(StudioRenewed.self) { db, envelope in
            guard let restored = envelope.data.restoredStatus else { return }
            try StudioReplica.setStatus(envelope.data.studioID.rawValue, to: restored, at: Moment(now()).millis, in: db)
        }

        handlers.on(StudioRevoked.self) { db, envelope in
            let event = envelope.data
            let moment = Moment(now())
            try StudioReplica.markRevoked(event.studioID.rawValue, at: moment.millis, in: db)
            let article = event.reason.article.map { "（\($0.chinese)）" } ?? ""
            try FundingDatabase.cancelUnpaid(studioID: event.studioID,
                                             reason: "工作室被撤销命名：\(event.reason.nameZh)\(article) / studio revoked: \(event.reason.nameEn)",
                                             by: Agent(event: envelope.id, source: envelope.source), at: moment, outbox: environment.outbox, in: db)
        }
    }
}
