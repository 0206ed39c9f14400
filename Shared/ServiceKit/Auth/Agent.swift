import Foundation

/// Who acted (the actor of a decision), as every decision row and audit entry stores it: the role and, where the token names
/// one, the subject (else the token's id), or the service whose event caused it.
public struct Agent: Sendable, Equatable {
    public var role: String
    public var subject: String?

    public init(role: String, subject: String?) {
        self.role = role
        self.subject = subject
    }

    public init(_ identity: Identity) {
        self.init(role: identity.role.rawValue, subject: identity.subject ?? identity.tokenID)
    }

    /// An effect of an event from another service, named by the envelope it came in: `event:review:msg_…`.
    public init(event envelopeID: String, source: String) {
        self.init(role: "event", subject: "\(source):\(envelopeID)")
    }

    /// An event applied from another service, by the service alone: `service:assessment`.
    public static func service(_ source: String) -> Agent { Agent(role: "service:\(source)", subject: nil) }

    /// `department:tok_…`, `expert:E1`, `event:review:msg_…`: the one-column form.
    public var text: String { subject.map { "\(role):\($0)" } ?? role }

    /// Reads the one-column form back (split at its first colon).
    public init(text: String) {
        guard let colon = text.firstIndex(of: ":") else {
            self.init(role: text, subject: nil)
            return
        }
        self.init(role: String(text[..<colon]), subject: String(text[text.index(after: colon)...]))
    }
}
