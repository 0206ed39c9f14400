import Foundation
import GRDB
import Messaging
import StudioDomain

extension RegisteredStudio {
    var registeredEvent: StudioRegistered {
        StudioRegistered(studioID: id, applicationID: applicationID, studioName: studioName, unitName: unitName,
                         screeningBodyCode: screeningBodyCode, level: level, status: status, namedOn: namedOn, cycle: cycle)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
