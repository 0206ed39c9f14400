import Foundation
import Messaging
import StudioDomain

/// A register entry as the department and the federation see it (leader's name included, never ID or phone numbers:
/// the register does not hold them).
struct StudioView: Codable, Sendable, Equatable {
    struct Body: Codable, Sendable, Equatable {
        var code: String
        var nameZh: String?
    }

    struct PlaqueView: Codable, Sendable, Equatable {
        var number: String
        var issuedOn: LocalDate
    }

    var id: StudioID
    var applicationId: ApplicationID?
    var studioName: String
    var unitName: String
    var unitCreditCode: String?
    var screeningBody: Body
    var leaderName: String?
    var level: StudioLevel
    var status: StudioStatus
    var namedOn: LocalDate
    var plaque: PlaqueView?
    var cycle: StudioCycle
    /// Art 17 standing on `today`; nil for provincial studios (assessed by the province) and revoked ones. An
    /// expired studio has one (overdue): a late assessment may still restore it.
    var standing: CycleStanding?
    var origin: String
    var registeredAt: Date
    var updatedAt: Date

    init(_ studio: RegisteredStudio, settings: AssessmentSettings, today: LocalDate) {
        id = studio.id
        applicationId = studio.applicationID
        studioName = studio.studioName
        unitName = studio.unitName
        unitCreditCode = studio.unitCreditCode
        screeningBody = Body(code: studio.screeningBodyCode, nameZh: settings.referenceData.screeningBody(code: studio.screeningBodyCode)?.nameZh)
        leaderName = studio.leaderName
        level = studio.level
        status = studio.status
        namedOn = studio.namedOn
        if let number = studio.plaqueNumber, let issued = studio.plaqueIssuedOn {
            plaque = PlaqueView(number: number, issuedOn: issued)
        }
        cycle = studio.cycle
        standing = studio.level == .city && (studio.status.holdsTitle || studio.status == .expired)
            ? CycleStanding.evaluate(cycle: studio.cycle, today: today, windowDays: settings.assessmentWindowDays) : nil
        origin = studio.origin.rawValue
        registeredAt = Millis.date(studio.registeredAt)
        updatedAt = Millis.date(studio.updatedAt)
    }
}

/// One studio with everything the register knows about it.
struct StudioDetail: Codable, Sendable {
    var studio: StudioView
    var history: [TitleHistory.Entry]
    var assessments: [CycleAssessmentView]
    var demonstrationAcceptances: [DemonstrationAcceptanceView]
    var changeReports: [ChangeReportView]
    var revocationCases: [RevocationCaseView]
}
