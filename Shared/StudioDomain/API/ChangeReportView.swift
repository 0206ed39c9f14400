import Foundation

/// A report of a change of unit name or affiliation (变更单位名称或改变隶属关系, Art 19) as assessment answers it
/// (`GET /change-reports`, `POST /studios/{id}/change-reports`, the decision) and the portal reads it: one
/// definition for the service and its client.
public struct ChangeReportView: Codable, Sendable, Equatable {
    public var id: String
    public var studioId: StudioID
    public var newUnitName: String?
    public var newScreeningBodyCode: String?
    public var previousUnitName: String
    public var previousScreeningBodyCode: String
    public var reportedOn: LocalDate
    public var note: String?
    public var reportedByRole: String
    public var reportedBySubject: String?
    public var reportedAt: Date
    /// `pending`, `adjusted` or `declined`.
    public var status: String
    public var decisionNote: String?
    public var effectiveOn: LocalDate?
    public var decidedByRole: String?
    public var decidedBySubject: String?
    public var decidedAt: Date?

    public init(id: String, studioId: StudioID, newUnitName: String?, newScreeningBodyCode: String?, previousUnitName: String,
                previousScreeningBodyCode: String, reportedOn: LocalDate, note: String?, reportedByRole: String, reportedBySubject: String?,
                reportedAt: Date, status: String, decisionNote: String?, effectiveOn: LocalDate?, decidedByRole: String?,
                decidedBySubject: String?, decidedAt: Date?) {
        self.id = id
        self.studioId = studioId
        self.newUnitName = newUnitName
        self.newScreeningBodyCode = newScreeningBodyCode
        self.previousUnitName = previousUnitName
        self.previousScreeningBodyCode = previousScreeningBodyCode
        self.reportedOn = reportedOn
        self.note = note
        self.reportedByRole = reportedByRole
        self.reportedBySubject = reportedBySubject
        self.reportedAt = reportedAt
        self.status = status
        self.decisionNote = decisionNote
        self.effectiveOn = effectiveOn
        self.decidedByRole = decidedByRole
        self.decidedBySubject = decidedBySubject
        self.decidedAt = decidedAt
    }
}
