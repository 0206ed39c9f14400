import Foundation

// Funding → the portal.

/// `grant.paid`: finance paid a grant (Art 12–14), by hand or through the bank's confirmation of a payment batch;
/// the portal marks finance's "grant to pay" done. Sent in the payment's transaction (the outbox).
public struct GrantPaid: DomainEvent {
    public static let eventType = "grant.paid"
    public static let version = 1

    public var studioID: StudioID
    public var grantID: GrantID
    /// The grant's kind (`naming`, `projectGrant`, `demonstration`) and the year it was decided for.
    public var kind: String
    public var year: Int
    /// Integer fen.
    public var amount: Money
    public var paidOn: LocalDate
    public var paymentReference: String

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, grantID: GrantID, kind: String, year: Int, amount: Money, paidOn: LocalDate, paymentReference: String) {
        self.studioID = studioID
        self.grantID = grantID
        self.kind = kind
        self.year = year
        self.amount = amount
        self.paidOn = paidOn
        self.paymentReference = paymentReference
    }
}

/// `grant.cancelled`: an unpaid grant will not be paid (the department's decision with its reason, or a
/// revocation); finance's "grant to pay" ends with it.
public struct GrantCancelled: DomainEvent {
    public static let eventType = "grant.cancelled"
    public static let version = 1

    public var studioID: StudioID
    public var grantID: GrantID
    /// The grant's kind (`naming`, `projectGrant`, `demonstration`) and the year it was decided for.
    public var kind: String
    public var year: Int
    public var reason: String
    public var cancelledOn: LocalDate

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, grantID: GrantID, kind: String, year: Int, reason: String, cancelledOn: LocalDate) {
        self.studioID = studioID
        self.grantID = grantID
        self.kind = kind
        self.year = year
        self.reason = reason
        self.cancelledOn = cancelledOn
    }
}

// Funding → assessment.

/// `inspection.misuse_found`: a joint inspection (Art 16) found money spent outside Art 15; assessment
/// follows up the rectification and may revoke the studio.
public struct InspectionMisuseFound: DomainEvent {
    public static let eventType = "inspection.misuse_found"
    public static let version = 1

    public var studioID: StudioID
    public var inspectionID: InspectionID
    public var grantID: GrantID?
    /// The amount misused, in integer fen.
    public var amount: Money
    public var description: String
    public var foundOn: LocalDate
    public var rectificationDeadline: LocalDate

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, inspectionID: InspectionID, grantID: GrantID? = nil, amount: Money,
                description: String, foundOn: LocalDate, rectificationDeadline: LocalDate) {
        self.studioID = studioID
        self.inspectionID = inspectionID
        self.grantID = grantID
        self.amount = amount
        self.description = description
        self.foundOn = foundOn
        self.rectificationDeadline = rectificationDeadline
    }
}
