import Foundation
import GRDB
import ServiceKit

/// Who made a decision: the role and, where the token names one, the subject. Every decision row stores it
/// with the instant, so the register can always say who did what and when.
struct Actor: Sendable, Equatable {
    var role: String
    var subject: String?

    init(_ identity: Identity) {
        role = identity.role.rawValue
        subject = identity.subject ?? identity.tokenID
    }

    init(role: String, subject: String?) {
        self.role = role
        self.subject = subject
    }

    /// An event applied from another service: the sending service is the actor.
    static func service(_ source: String) -> Actor { Actor(role: "service:\(source)", subject: nil) }
}
