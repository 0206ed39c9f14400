import Foundation

// Review → intake.

/// `application.status_changed`: review moved an application on; intake shows it to the applicant.
public struct ApplicationStatusChanged: DomainEvent {
    public static let eventType = "application.status_changed"
    public static let version = 1

    public var applicationID: ApplicationID
    public var kind: ApplicationKind
    public var status: ApplicationStatus
    /// Why, for `qualificationFailed`, `returnedForAmendment` and negative outcomes; empty otherwise.
    public var reasons: [DomainIssue]

    public var aggregate: String { Aggregates.application(applicationID) }

    public init(applicationID: ApplicationID, kind: ApplicationKind, status: ApplicationStatus, reasons: [DomainIssue] = []) {
        self.applicationID = applicationID
        self.kind = kind
        self.status = status
        self.reasons = reasons
    }
}

/// `panel.changed`: the experts who may read an application (assigned to it, with no conflict of interest) are now
/// these (专家组, Art 11). Intake serves the application's attachments to them and to no other expert. Sent
/// whenever the set changes: the assignment run, a manual change, a conflict found late, a recusal.
public struct ExpertPanelChanged: DomainEvent {
    public static let eventType = "panel.changed"
    public static let version = 1

    public var applicationID: ApplicationID
    public var roundID: RoundID
    /// The whole panel, sorted; empty when nobody may read the application any more.
    public var expertIDs: [String]

    public var aggregate: String { Aggregates.application(applicationID) }

    public init(applicationID: ApplicationID, roundID: RoundID, expertIDs: [String]) {
        self.applicationID = applicationID
        self.roundID = roundID
        self.expertIDs = expertIDs
    }
}

/// `score_sheet.submitted`: an expert submitted (or confirmed) their score sheet for an application (Art 11). No
/// service needs it; the portal's to-do lists close the expert's "评审任务" with it.
public struct ScoreSheetSubmitted: DomainEvent {
    public static let eventType = "score_sheet.submitted"
    public static let version = 1

    public var applicationID: ApplicationID
    public var roundID: RoundID
    public var expertID: String

    public var aggregate: String { Aggregates.application(applicationID) }

    public init(applicationID: ApplicationID, roundID: RoundID, expertID: String) {
        self.applicationID = applicationID
        self.roundID = roundID
        self.expertID = expertID
    }
}

// Review → assessment, funding.

/// `studio.named`: the city federation named the studio (Art 11); assessment registers it and starts its
/// first cycle, funding owes the naming grant (Art 12).
public struct StudioNamed: DomainEvent {
    public static let eventType = "studio.named"
    public static let version = 1

    /// Allocated by review when the naming is decided; from now on the studio's identity.
    public var studioID: StudioID
    public var applicationID: ApplicationID
    public var roundID: RoundID
    public var year: Int
    public var studioName: String
    public var unitName: String
    public var unitCreditCode: String
    public var screeningBodyCode: String
    public var leaderName: String
    /// The naming day: the start of the first cycle (Art 17).
    public var namedOn: LocalDate
    public var level: StudioLevel

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, applicationID: ApplicationID, roundID: RoundID, year: Int, studioName: String,
                unitName: String, unitCreditCode: String, screeningBodyCode: String, leaderName: String,
                namedOn: LocalDate, level: StudioLevel = .city) {
        self.studioID = studioID
        self.applicationID = applicationID
        self.roundID = roundID
        self.year = year
        self.studioName = studioName
        self.unitName = unitName
        self.unitCreditCode = unitCreditCode
        self.screeningBodyCode = screeningBodyCode
        self.leaderName = leaderName
        self.namedOn = namedOn
        self.level = level
    }
}

/// `project_grant.awarded`: the studio was among the 2–5 picked for project funding (Art 13); funding owes it.
public struct ProjectGrantAwarded: DomainEvent {
    public static let eventType = "project_grant.awarded"
    public static let version = 1

    public var studioID: StudioID
    public var applicationID: ApplicationID
    public var roundID: RoundID
    public var year: Int
    /// The business day of the federation's decision (市总工会决定), on review's clock: in demo mode the demo day.
    /// Absent from awards sent before it was added; a receiver then takes the day the event was committed.
    public var decidedOn: LocalDate?

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, applicationID: ApplicationID, roundID: RoundID, year: Int, decidedOn: LocalDate? = nil) {
        self.studioID = studioID
        self.applicationID = applicationID
        self.roundID = roundID
        self.year = year
        self.decidedOn = decidedOn
    }
}

/// `demonstration.selected`: the studio was among the 1–2 chosen for demonstration status (Art 14);
/// assessment runs the acceptance assessment, and only `demonstration.accepted` releases the money.
public struct DemonstrationSelected: DomainEvent {
    public static let eventType = "demonstration.selected"
    public static let version = 1

    public var studioID: StudioID
    public var applicationID: ApplicationID
    public var roundID: RoundID
    public var year: Int

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, applicationID: ApplicationID, roundID: RoundID, year: Int) {
        self.studioID = studioID
        self.applicationID = applicationID
        self.roundID = roundID
        self.year = year
    }
}
