import Foundation
import Hummingbird
import Messaging
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

extension ApplicationView {
    init(_ app: StoredApplication, attachments: [AttachmentView], history: [StatusEntryView]) {
        let names = IntakeStatus.names(app.status)
        self.init(
            id: app.id, kind: app.kind, roundId: app.roundId, screeningBodyCode: app.screeningBody, status: app.status,
            statusZh: names.zh, statusEn: names.en, statusReasons: app.statusReasons, version: app.version,
            submittedOn: app.submittedOn, withdrawnOn: app.withdrawnOn, form: app.form,
            attachments: attachments, statusHistory: history,
            createdAt: Millis.date(app.createdAt), updatedAt: Millis.date(app.updatedAt))
    }

    /// The view of an application `ApplicationWorkflow.create` has just written, without reading it back: a new
    /// application has no attachments yet, and its history is what `create` recorded (`draft`, then `submitted`
    /// when submitted at once), each at its creation instant with no reasons. `LifecycleTests` hold it against the view read back.
    static func created(_ app: StoredApplication) -> ApplicationView {
        let statuses = app.status == IntakeStatus.draft ? [IntakeStatus.draft] : [IntakeStatus.draft, app.status]
        let at = Millis.date(app.createdAt)
        let history = statuses.map { status in
            let names = IntakeStatus.names(status)
            return StatusEntryView(status: status, statusZh: names.zh, statusEn: names.en, source: "intake", reasons: [], at: at)
        }
        return ApplicationView(app, attachments: [], history: history)
    }

    /// The view, with its form given as `formJSON` (the bytes `FormJSON` wrote for that form), so the form, the largest
    /// part, is not encoded a second time; what `FormJSON` leaves to the encoder goes through it (`FormJSONTests`).
    static func encode(_ view: ApplicationView, formJSON: String) throws -> Data {
        if let direct = FormJSON.data(view, writing: ApplicationForm.self, as: formJSON) { return direct }
        return try JSONBody.encode(view)
    }
}
