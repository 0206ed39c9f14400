import Foundation
import GRDB
import StudioDomain

/// Art 13, 14, 17, 20 at intake's door: the shared rule (`EligibilityRules.studioApplication`) on intake's
/// copy of the register.
enum StudioEligibility {
    static func issues(_ id: StudioID, kind: ApplicationKind, body: String, submittedOn: LocalDate, in db: Database) throws -> [DomainIssue] {
        // Another body's studio reads as unknown: existence does not leak.
        let studio = try StudioReplica.find(id, in: db).flatMap { $0.screeningBodyCode == body ? $0.standing : nil }
        return EligibilityRules.studioApplication(kind, studioID: id, studio: studio, submittedOn: submittedOn)
    }
}

extension ReplicatedStudio {
    var standing: StudioStanding {
        StudioStanding(id: studioId, name: studioName, level: level, status: status, revocationReason: revocationReason,
                       namedOn: namedOn, cycle: cycle)
    }
}
