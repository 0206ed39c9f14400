import Foundation

// Assessment → intake, review, funding: the studio register, which the others replicate.

/// `studio.registered`: the studio entered the register (after `studio.named`, or a provincial studio
/// recorded so that it may apply for demonstration status, Art 14).
public struct StudioRegistered: DomainEvent {
    public static let eventType = "studio.registered"
    public static let version = 1

    public var studioID: StudioID
    /// The naming application; nil for a studio named elsewhere (provincial).
    public var applicationID: ApplicationID?
    public var studioName: String
    public var unitName: String
    public var screeningBodyCode: String
    public var level: StudioLevel
    public var status: StudioStatus
    public var namedOn: LocalDate
    public var cycle: StudioCycle

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, applicationID: ApplicationID?, studioName: String, unitName: String,
                screeningBodyCode: String, level: StudioLevel, status: StudioStatus = .active, namedOn: LocalDate,
                cycle: StudioCycle) {
        self.studioID = studioID
        self.applicationID = applicationID
        self.studioName = studioName
        self.unitName = unitName
        self.screeningBodyCode = screeningBodyCode
        self.level = level
        self.status = status
        self.namedOn = namedOn
        self.cycle = cycle
    }
}

/// `studio.cycle_changed`: a new cycle began (Art 17). JSON `cycle` is `{number, start, end}`, `end` exclusive.
public struct StudioCycleChanged: DomainEvent {
    public static let eventType = "studio.cycle_changed"
    public static let version = 1

    public var studioID: StudioID
    public var cycle: StudioCycle

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, cycle: StudioCycle) {
        self.studioID = studioID
        self.cycle = cycle
    }
}

/// `studio.changed` (Art 19): the unit changed its name or its affiliation (隶属关系), i.e. its screening body.
/// A nil field did not change; at least one is set.
public struct StudioChanged: DomainEvent {
    public static let eventType = "studio.changed"
    public static let version = 1

    public var studioID: StudioID
    public var unitName: String?
    public var screeningBodyCode: String?
    public var effectiveOn: LocalDate
    public var note: String?

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, unitName: String? = nil, screeningBodyCode: String? = nil, effectiveOn: LocalDate,
                note: String? = nil) {
        self.studioID = studioID
        self.unitName = unitName
        self.screeningBodyCode = screeningBodyCode
        self.effectiveOn = effectiveOn
        self.note = note
    }
}

/// `studio.revoked`: the title was withdrawn (Art 17 failed assessment, Art 20 fraud); receivers stop all
/// applications and unpaid grants of the studio.
public struct StudioRevoked: DomainEvent {
    public static let eventType = "studio.revoked"
    public static let version = 1

    public var studioID: StudioID
    public var reason: RevocationReason
    public var details: String?
    public var decidedOn: LocalDate
    /// The public notice (通报, Art 20), if one was issued.
    public var noticeID: NoticeID?

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, reason: RevocationReason, details: String? = nil, decidedOn: LocalDate, noticeID: NoticeID? = nil) {
        self.studioID = studioID
        self.reason = reason
        self.details = details
        self.decidedOn = decidedOn
        self.noticeID = noticeID
    }
}

/// `studio.renewed`: the studio passed its cycle assessment and keeps the title (Art 17) for `cycle`.
public struct StudioRenewed: DomainEvent {
    public static let eventType = "studio.renewed"
    public static let version = 1

    public var studioID: StudioID
    public var assessmentID: AssessmentID?
    public var assessedOn: LocalDate
    /// The cycle the renewal opens.
    public var cycle: StudioCycle
    /// Set when a late assessment restores an expired studio (`studio.expired`): the status it holds again.
    public var restoredStatus: StudioStatus?

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, assessmentID: AssessmentID? = nil, assessedOn: LocalDate, cycle: StudioCycle,
                restoredStatus: StudioStatus? = nil) {
        self.studioID = studioID
        self.assessmentID = assessmentID
        self.assessedOn = assessedOn
        self.cycle = cycle
        self.restoredStatus = restoredStatus
    }
}

/// `studio.expired`: the studio's cycle ended unassessed and the grace period after it passed (Art 17): it is
/// off the public register, with a public notice, until a late assessment that passes restores it
/// (`studio.renewed` with `restoredStatus`). Receivers treat it as a studio without the title.
public struct StudioExpired: DomainEvent {
    public static let eventType = "studio.expired"
    public static let version = 1

    public var studioID: StudioID
    /// The cycle that ended unassessed.
    public var cycle: StudioCycle
    public var expiredOn: LocalDate
    public var noticeID: NoticeID?

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, cycle: StudioCycle, expiredOn: LocalDate, noticeID: NoticeID? = nil) {
        self.studioID = studioID
        self.cycle = cycle
        self.expiredOn = expiredOn
        self.noticeID = noticeID
    }
}

/// `studio.assessment_overdue`: the studio's cycle ended without its end-of-cycle assessment (Art 17) and the grace
/// period after it is running: the studio keeps its title until `graceEndsOn` (its first day expired, when
/// `studio.expired` follows unless an assessment is recorded first). Sent once per cycle by assessment's sweep,
/// on the business day; the portal's department to-do (考核逾期) opens on it.
public struct StudioAssessmentOverdue: DomainEvent {
    public static let eventType = "studio.assessment_overdue"
    public static let version = 1

    public var studioID: StudioID
    /// The cycle that ended unassessed.
    public var cycle: StudioCycle
    /// The business day the sweep found it overdue.
    public var overdueOn: LocalDate
    /// The first day the studio is expired if still unassessed.
    public var graceEndsOn: LocalDate

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, cycle: StudioCycle, overdueOn: LocalDate, graceEndsOn: LocalDate) {
        self.studioID = studioID
        self.cycle = cycle
        self.overdueOn = overdueOn
        self.graceEndsOn = graceEndsOn
    }
}

/// `demonstration.accepted`: a selected studio passed the acceptance assessment (考核验收, Art 14); it holds the
/// demonstration title and funding owes the 50,000 yuan grant.
public struct DemonstrationAccepted: DomainEvent {
    public static let eventType = "demonstration.accepted"
    public static let version = 1

    public var studioID: StudioID
    public var applicationID: ApplicationID
    public var year: Int
    public var acceptedOn: LocalDate
    public var assessmentID: AssessmentID?

    public var aggregate: String { Aggregates.studio(studioID) }

    public init(studioID: StudioID, applicationID: ApplicationID, year: Int, acceptedOn: LocalDate, assessmentID: AssessmentID? = nil) {
        self.studioID = studioID
        self.applicationID = applicationID
        self.year = year
        self.acceptedOn = acceptedOn
        self.assessmentID = assessmentID
    }
}
