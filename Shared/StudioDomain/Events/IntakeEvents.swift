import Foundation

// Intake → review.

/// `round.opened`: the department opened a round (申报批次) in intake. Review learns the round at once, so the
/// department can set its quota, rubric and experts before the first application arrives.
public struct RoundOpened: DomainEvent {
    public static let eventType = "round.opened"
    public static let version = 1

    public var roundID: RoundID
    public var kind: ApplicationKind
    public var year: Int
    /// The first day intake accepts submissions, inclusive (Asia/Shanghai).
    public var opensOn: LocalDate
    /// The last day intake accepts submissions, inclusive (Asia/Shanghai).
    public var deadline: LocalDate

    public var aggregate: String { Aggregates.round(roundID) }

    public init(roundID: RoundID, kind: ApplicationKind, year: Int, opensOn: LocalDate, deadline: LocalDate) {
        self.roundID = roundID
        self.kind = kind
        self.year = year
        self.opensOn = opensOn
        self.deadline = deadline
    }
}

/// `round.changed`: the department corrected an open round — a new deadline (e.g. two more days for a county)
/// or a new quota (Art 10 择优申报) — with its reason. The round's state after the change.
public struct RoundChanged: DomainEvent {
    public static let eventType = "round.changed"
    public static let version = 1

    public var roundID: RoundID
    /// `deadline` or `quota`.
    public var change: String
    public var deadline: LocalDate
    public var previousDeadline: LocalDate
    public var quotaPerBody: Int?
    public var quotas: [String: Int]
    public var reason: String

    public var aggregate: String { Aggregates.round(roundID) }

    public init(roundID: RoundID, change: String, deadline: LocalDate, previousDeadline: LocalDate, quotaPerBody: Int?,
                quotas: [String: Int], reason: String) {
        self.roundID = roundID
        self.change = change
        self.deadline = deadline
        self.previousDeadline = previousDeadline
        self.quotaPerBody = quotaPerBody
        self.quotas = quotas
        self.reason = reason
    }
}

/// `round.cancelled`: the department cancelled a round (撤销批次) with its reason; intake takes nothing more for it.
public struct RoundCancelled: DomainEvent {
    public static let eventType = "round.cancelled"
    public static let version = 1

    public var roundID: RoundID
    /// The business day (Asia/Shanghai) of the cancellation.
    public var cancelledOn: LocalDate
    public var reason: String

    public var aggregate: String { Aggregates.round(roundID) }

    public init(roundID: RoundID, cancelledOn: LocalDate, reason: String) {
        self.roundID = roundID
        self.cancelledOn = cancelledOn
        self.reason = reason
    }
}

/// `application.submitted`: an application reached the department (Art 10).
public struct ApplicationSubmitted: DomainEvent {
    public static let eventType = "application.submitted"
    public static let version = 1

    public var application: ApplicationContent
    /// The submission day in Asia/Shanghai, the day Art 7 is judged on.
    public var submittedOn: LocalDate
    /// 1 on submission; each amendment counts up.
    public var applicationVersion: Int

    public var aggregate: String { Aggregates.application(application.applicationID) }

    public init(application: ApplicationContent, submittedOn: LocalDate, applicationVersion: Int = 1) {
        self.application = application
        self.submittedOn = submittedOn
        self.applicationVersion = applicationVersion
    }
}

/// `application.amended`: the applicant corrected a returned or still-open application; the content replaces the
/// previous version as a whole.
public struct ApplicationAmended: DomainEvent {
    public static let eventType = "application.amended"
    public static let version = 1

    public var application: ApplicationContent
    /// 2, 3, … in the order of amendment.
    public var applicationVersion: Int
    /// The original submission day (Art 7 is still judged on it).
    public var submittedOn: LocalDate
    public var amendedOn: LocalDate

    public var aggregate: String { Aggregates.application(application.applicationID) }

    public init(application: ApplicationContent, applicationVersion: Int, submittedOn: LocalDate, amendedOn: LocalDate) {
        self.application = application
        self.applicationVersion = applicationVersion
        self.submittedOn = submittedOn
        self.amendedOn = amendedOn
    }
}

/// `application.withdrawn`: the applicant withdrew; review drops it from its round.
public struct ApplicationWithdrawn: DomainEvent {
    public static let eventType = "application.withdrawn"
    public static let version = 1

    public var applicationID: ApplicationID
    public var kind: ApplicationKind
    public var roundID: RoundID
    public var withdrawnOn: LocalDate
    public var reason: String?

    public var aggregate: String { Aggregates.application(applicationID) }

    public init(applicationID: ApplicationID, kind: ApplicationKind, roundID: RoundID, withdrawnOn: LocalDate, reason: String? = nil) {
        self.applicationID = applicationID
        self.kind = kind
        self.roundID = roundID
        self.withdrawnOn = withdrawnOn
        self.reason = reason
    }
}
