import Foundation

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
