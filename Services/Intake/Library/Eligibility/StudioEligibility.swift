import Foundation
import GRDB
import StudioDomain

/// Art 13, 14, 17, 20 at intake's door: the shared rule (`EligibilityRules.studioApplication`) on intake's
/// copy of the register.
enum StudioEligibility {
    static func issues(_ id: StudioID, kind: ApplicationKind, body: String, submittedOn: LocalDate, in db: Database) throws -> [DomainIssue] {
        EligibilityRules.studioApplication(kind, studioID: id, studio: try StudioReplica.find(id, in: db)?.standing, applicantBody: body,
                                           submittedOn: submittedOn)
    }
}

extension ReplicatedStudio {
    var standing: StudioStanding {
        StudioStanding(id: studioId, name: studioName, screeningBodyCode: screeningBodyCode, level: level, status: status, revocationReason: revocationReason,
                       namedOn: namedOn, cycle: cycle)
    }
}
