import Foundation
import Hummingbird
import StudioDomain

/// An application as its screening body (or the department) sees it.
public struct ApplicationView: Codable, Sendable, ResponseCodable {
    public var id: ApplicationID
    public var kind: ApplicationKind
    public var roundId: RoundID
    public var screeningBodyCode: String
    /// `draft`, `withdrawn`, or the `ApplicationStatus` review last reported.
    public var status: String
    public var statusZh: String
    public var statusEn: String
    /// Why, when review gave reasons (qualification failed, returned for amendment, …).
    public var statusReasons: [DomainIssue]
    /// 0 for a draft, 1 once submitted, one more per amendment.
    public var version: Int
    public var submittedOn: LocalDate?
    public var withdrawnOn: LocalDate?
    public var form: ApplicationForm
    public var attachments: [AttachmentView]
    public var statusHistory: [StatusEntryView]
    public var createdAt: Date
    public var updatedAt: Date
}

public struct ApplicationSummaryView: Codable, Sendable {
    public var id: ApplicationID
    public var kind: ApplicationKind
    public var roundId: RoundID
    public var screeningBodyCode: String
    public var status: String
    public var statusZh: String
    public var statusEn: String
    public var version: Int
    public var studioName: String?
    public var unitName: String?
    public var recommendationOrder: Int?
    public var submittedOn: LocalDate?
}

public struct ApplicationVersionView: Codable, Sendable {
    public var version: Int
    public var recordedOn: LocalDate
    public var recordedAt: Date
    public var form: ApplicationForm
}

public struct StatusEntryView: Codable, Sendable {
    public var status: String
    public var statusZh: String
    public var statusEn: String
    /// `intake` for intake's own steps, `review` for review's reports.
    public var source: String
    public var reasons: [DomainIssue]
    public var at: Date
}

public struct AttachmentView: Codable, Sendable, ResponseCodable {
    public var sha256: String
    public var fileName: String
    public var mediaType: String
    public var size: Int
    public var addedAt: Date
}

extension StoredApplication {
    var summary: ApplicationSummaryView {
        let names = IntakeStatus.names(status)
        return ApplicationSummaryView(id: id, kind: kind, roundId: roundId, screeningBodyCode: screeningBody, status: status,
                                      statusZh: names.zh, statusEn: names.en, version: version, studioName: studioName,
                                      unitName: form.applicantUnit?.name, recommendationOrder: form.screening?.recommendationOrder,
                                      submittedOn: submittedOn)
    }
}
