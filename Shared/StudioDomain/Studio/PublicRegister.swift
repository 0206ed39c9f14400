import Foundation

/// What the public may read of the register (Art 12, 17, 18, 20): studios and units, never a person. Built
/// field by field by assessment's public pages and read by the portal, so the two cannot disagree on a field.

/// One studio of the public register (工作室名录).
public struct PublicStudio: Codable, Sendable, Equatable {
    public var id: StudioID
    public var name: String
    public var unit: String
    /// The screening body's name (the county, cluster or city system the unit belongs to).
    public var area: String
    public var level: StudioLevel
    public var yearNamed: Int
    public var status: StudioStatus

    public init(id: StudioID, name: String, unit: String, area: String, level: StudioLevel, yearNamed: Int, status: StudioStatus) {
        self.id = id
        self.name = name
        self.unit = unit
        self.area = area
        self.level = level
        self.yearNamed = yearNamed
        self.status = status
    }
}

/// A studio's public page: its row of the register, the naming date, the plaque (牌匾, Art 12, 18) and the
/// title's history by kind and date. The history's free text is left out: it may name people.
public struct PublicStudioPage: Codable, Sendable, Equatable {
    public var studio: PublicStudio
    public var namedOn: LocalDate
    public var plaqueNumber: String?
    public var history: [PublicTitleEvent]

    public init(studio: PublicStudio, namedOn: LocalDate, plaqueNumber: String?, history: [PublicTitleEvent]) {
        self.studio = studio
        self.namedOn = namedOn
        self.plaqueNumber = plaqueNumber
        self.history = history
    }
}

/// One change of a studio's title: `registered`, `renewed`, `assessmentFailed`, `demonstrationAccepted`,
/// `changed` or `revoked`, the status after it, and the day it took effect.
public struct PublicTitleEvent: Codable, Sendable, Equatable {
    public var kind: String
    public var toStatus: String
    public var effectiveOn: LocalDate

    public init(kind: String, toStatus: String, effectiveOn: LocalDate) {
        self.kind = kind
        self.toStatus = toStatus
        self.effectiveOn = effectiveOn
    }
}

/// A public notice (通报) of a revocation, in Chinese.
public struct PublicNoticeView: Codable, Sendable, Equatable {
    public var id: NoticeID
    public var studioId: StudioID
    /// `revocation` (Art 17 failed assessment, Art 20) or `expiry` (a cycle ended unassessed; `reason` is `other`).
    public var kind: String
    public var reason: RevocationReason
    public var title: String
    public var body: String
    public var publishedOn: LocalDate

    public init(id: NoticeID, studioId: StudioID, kind: String = "revocation", reason: RevocationReason, title: String, body: String,
                publishedOn: LocalDate) {
        self.id = id
        self.studioId = studioId
        self.kind = kind
        self.reason = reason
        self.title = title
        self.body = body
        self.publishedOn = publishedOn
    }
}
