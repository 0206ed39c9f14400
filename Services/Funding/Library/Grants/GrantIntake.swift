import ServiceKit
import Foundation
import GRDB
import Messaging
import StudioDomain

/// Turns a deciding event (Art 12 naming, Art 13 project selection, Art 14 demonstration acceptance) into
/// exactly one grant, however often and under however many webhook ids the event arrives.
enum GrantIntake {
    struct Decision {
        var kind: GrantKind
        var studioID: StudioID
        var applicationID: ApplicationID
        var year: Int
        var decidedOn: LocalDate
        var eventID: String
        var source: String
    }

    enum Outcome: Equatable { case created(GrantID), alreadyExists(GrantID) }

    @discardableResult
    static func apply(_ decision: Decision, settings: FundingSettings, at millis: Int64, in db: Database) throws -> Outcome {
        if let existing = try String.fetchOne(db, sql: """
            SELECT id FROM funding_grant
            WHERE kind = ?1 AND (source_application_id = ?2 OR (studio_id = ?3 AND (year = ?4 OR kind = 'naming')))
            """, arguments: [decision.kind.rawValue, decision.applicationID.rawValue, decision.studioID.rawValue, decision.year]) {
            return .alreadyExists(GrantID(existing))
        }
        guard let studio = try StudioReplica.find(decision.studioID.rawValue, in: db), !studio.unitName.isEmpty else {
            // The register entry travels on another stream; the sender retries until it has arrived.
            throw EventRejected([DomainIssue(code: "studio.unknown", field: "data.studioID", article: decision.kind.article,
                                             messageZh: "尚未收到工作室 \(decision.studioID) 的登记信息，稍后重试",
                                             messageEn: "studio \(decision.studioID) is not registered here yet; retry later")])
        }
        let amount = settings.amount(for: decision.kind)
        let id = GrantID.new()
        var status = GrantStatus.scheduled
        var holdReason: String?
        var cancelReason: String?
        if studio.revoked {
            status = .cancelled
            cancelReason = "工作室已被撤销命名 / the studio's title was revoked"
        } else if let reason = try Budgets.holdReason(year: decision.year, adding: amount, in: db) {
            status = .held
            holdReason = "\(reason.code): \(reason.zh) / \(reason.en)"
        }
        let actor = Agent(event: decision.eventID, source: decision.source)
        let record = GrantRecord(
            id: id, reference: reference(for: decision.kind, year: decision.year, id: id), kind: decision.kind,
            studioId: decision.studioID, year: decision.year, sourceApplicationId: decision.applicationID,
            sourceEventId: decision.eventID, amountFen: amount.fen, decidedOn: decision.decidedOn.description,
            dueOn: decision.decidedOn.adding(days: settings.paymentDays).description, status: status, dueState: .notDue,
            holdReason: holdReason, payeeName: studio.unitName, screeningBodyCode: studio.screeningBodyCode,
            approvedBy: nil, approvedAt: nil, releasedBy: nil, releasedAt: nil, paidBy: nil, paidAt: nil, paidOn: nil,
            paymentReference: nil, cancelledBy: cancelReason == nil ? nil : actor.text, cancelledAt: cancelReason == nil ? nil : millis,
            cancelReason: cancelReason, batchId: nil, createdAt: millis, updatedAt: millis)
        try record.insert(db)
        if status == .scheduled {
            try Ledger.append(grantID: id, studioID: record.studioId, kind: .granted, amount: amount, on: decision.decidedOn,
                              reference: record.reference, note: decision.kind.nameZh, by: actor, at: millis, in: db)
        }
        return .created(id)
    }

    /// `QZ2027-N-1A2B3C4D5E`: short enough for a bank clerk to type, unique with the grant id behind it. The last ten
    /// hex digits of the id: ids are time-ordered (UUIDv7), so their first ten are the time to a quarter of a second
    /// and two grants decided together would share them; the last ones are random.
    static func reference(for kind: GrantKind, year: Int, id: GrantID) -> String {
        let letter = switch kind { case .naming: "N"; case .projectGrant: "P"; case .demonstration: "D" }
        return "QZ\(year)-\(letter)-" + id.rawValue.replacingOccurrences(of: "-", with: "").suffix(10).uppercased()
    }
}
