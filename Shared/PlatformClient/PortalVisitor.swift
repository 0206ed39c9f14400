import Foundation
import Messaging

/// A browser-less visitor of the portal over libcurl: it keeps the session cookie and reads the CSRF token from
/// the pages, as a browser would. For the portal's security tests and its benchmark. Blocking.
public final class PortalVisitor {
    public let baseURL: String
    private let client = BlockingCurlClient(timeouts: .init(connect: .seconds(2), total: .seconds(30)))
    public var cookie: String?
    public private(set) var lastSetCookies: [String] = []

    public init(baseURL: String) { self.baseURL = baseURL }

    public struct Page: Sendable {
        public var status: Int
        public var body: String
        public var location: String?
        /// From the request's start to the last byte of the answer, in milliseconds.
        public var millis: Double
    }

    public func get(_ path: String) -> Page { send("GET", path, form: nil) }

    public func post(_ path: String, form: [(String, String)]) -> Page { send("POST", path, form: form) }

    /// The CSRF token of the page at `path` (every page carries it in its forms).
    public func csrf(from path: String) -> String {
        let page = get(path)
        guard let range = page.body.range(of: #"name="_csrf" value=""#) else { return "" }
        return String(page.body[range.upperBound...].prefix { $0 != "\"" })
    }

    public func signIn(_ username: String, _ password: String) -> Page {
        let token = csrf(from: "/login")
        return post("/login", form: [("_csrf", token), ("username", username), ("password", password)])
    }

    private func send(_ method: String, _ path: String, form: [(String, String)]?) -> Page {
        var headers: [(String, String)] = []
        if let cookie { headers.append(("Cookie", cookie)) }
        var body: [UInt8] = []
        if let form {
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = Array(form.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&").utf8)
        }
        let response = client.send(OutboundRequest(method: method, url: baseURL + path, headers: headers, body: body, responseLimit: 8 << 20))
        lastSetCookies = response.setCookies
        if let session = response.setCookies.first(where: { $0.hasPrefix("qz_session=") }) {
            let pair = String(session.prefix { $0 != ";" })
            cookie = session.lowercased().contains("expires=thu, 01 jan 1970") || pair == "qz_session=" ? nil : pair
        }
        let millis = Double(response.latency.components.seconds) * 1000 + Double(response.latency.components.attoseconds) / 1e15
        return Page(status: response.statusCode ?? 0, body: String(decoding: response.body, as: UTF8.self), location: response.header("location"), millis: millis)
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? ""
    }
}
