import Foundation
import Hummingbird
import HummingbirdAuth
import ServiceKit
import StudioDomain

/// The request context of the portal: Hummingbird's core, the browser session (hummingbird-auth), the
/// signed-in account with its service tokens, and the posted form, parsed once by `FormMiddleware`.
public struct PortalContext: RequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<PortalSession>
    public var account: Account?
    public var tokens: [PlatformService: String] = [:]
    public var form = FormValues()
    /// The signed-in account's open to-dos, for the badge on every page (TodoBadgeMiddleware).
    public var todoCount: Int?

    public init(source: Source) {
        coreContext = .init(source: source)
        sessions = .init()
    }

    /// Attachments are up to 10 MiB (intake's limit), plus the form around them.
    public var maxUploadSize: Int { 11 * 1024 * 1024 }

    public var csrf: String { sessions.session?.csrf ?? "" }

    /// The signed-in account, or a redirect to the sign-in page (`AccessMiddleware` runs first, so this holds).
    public func requireAccount() throws -> Account {
        guard let account else { throw PortalError.signInRequired }
        return account
    }

    /// The signed-in account's token for `service`.
    public func token(_ service: PlatformService) -> String? { tokens[service] }

    static let errorMark = "\u{1}"

    /// Takes the one-time message set by the previous POST.
    public func takeFlash() -> String? {
        guard var session = sessions.session, let flash = session.flash else { return nil }
        session.flash = nil
        _ = sessions.updateSession(session)
        return flash
    }

    /// A one-time message for the next page; `isError` draws it as a refusal.
    public func setFlash(_ message: String, isError: Bool = false) {
        guard var session = sessions.session else { return }
        session.flash = (isError ? Self.errorMark : "") + message
        _ = sessions.updateSession(session)
    }
}

/// What a page can fail with, each rendered as a page of its own (never a 500 with a stack trace).
public enum PortalError: Error, Sendable {
    case signInRequired
    case forbidden
    case notFound
    case badForm(String)
    case csrf
    case unavailable(PlatformService)
    /// A service refused in a way that has no form to show it beside.
    case refused(status: Int, issues: [DomainIssue])
}

extension PlatformService {
    /// "申报服务" …, for the page shown when a service is down.
    var nameZh: String {
        switch self {
        case .intake: "申报服务"
        case .review: "评审服务"
        case .funding: "经费服务"
        case .assessment: "考核管理服务"
        }
    }
}
