import Foundation

/// What the public may read of a round's 公示 (public notice of the proposed list, Art 11, 13, 14): studios,
/// units and areas, never a person (no leader, no ID number, no phone number). Built field by field by
/// review's public endpoints and read by the portal, so the two cannot disagree on a field.
public struct PublicProposedList: Codable, Sendable, Equatable {
    public var roundId: String
    public var kind: ApplicationKind
    public var year: Int
    /// First and last day of the notice, both inclusive (Asia/Shanghai business days).
    public var startsOn: LocalDate
    public var endsOn: LocalDate
    /// The notice's length in working days (工作日), holidays and make-up working days (调休) counted.
    public var workingDays: Int
    /// True while today lies within the period: an objection (异议) may be lodged.
    public var acceptingObjections: Bool
    /// The proposed list in rank order.
    public var entries: [PublicProposedEntry]

    public init(roundId: String, kind: ApplicationKind, year: Int, startsOn: LocalDate, endsOn: LocalDate, workingDays: Int,
                acceptingObjections: Bool, entries: [PublicProposedEntry]) {
        self.roundId = roundId
        self.kind = kind
        self.year = year
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.workingDays = workingDays
        self.acceptingObjections = acceptingObjections
        self.entries = entries
    }
}

/// One application on the proposed list: the studio, the applicant unit and the screening body (its code and
/// its name as the area).
public struct PublicProposedEntry: Codable, Sendable, Equatable {
    public var applicationId: String
    public var studioName: String
    public var applicantUnit: String
    public var area: String
    public var screeningBodyCode: String

    public init(applicationId: String, studioName: String, applicantUnit: String, area: String, screeningBodyCode: String) {
        self.applicationId = applicationId
        self.studioName = studioName
        self.applicantUnit = applicantUnit
        self.area = area
        self.screeningBodyCode = screeningBodyCode
    }
}

/// A page of published notices, newest first; `total` counts them all.
public struct PublicProposedListPage: Codable, Sendable, Equatable {
    public var items: [PublicProposedList]
    public var total: Int

    public init(items: [PublicProposedList], total: Int) {
        self.items = items
        self.total = total
    }
}

/// An objection lodged by anyone during the notice. The name and the contact are kept for the department
/// and never shown by a public page.
public struct PublicObjectionInput: Codable, Sendable, Equatable {
    public var applicationId: String
    public var name: String
    public var contact: String
    public var text: String

    public init(applicationId: String, name: String, contact: String, text: String) {
        self.applicationId = applicationId
        self.name = name
        self.contact = contact
        self.text = text
    }

    /// Bounds of the fields, as sent (characters).
    public static let nameLimit = 50
    public static let contactLimit = 100
    public static let textLimit = 2000
}

/// What the objector gets back: the reference and the day it counts as received, nothing they sent.
public struct PublicObjectionReceipt: Codable, Sendable, Equatable {
    public var objectionId: Int64
    public var roundId: String
    public var applicationId: String
    public var receivedOn: LocalDate

    public init(objectionId: Int64, roundId: String, applicationId: String, receivedOn: LocalDate) {
        self.objectionId = objectionId
        self.roundId = roundId
        self.applicationId = applicationId
        self.receivedOn = receivedOn
    }
}
