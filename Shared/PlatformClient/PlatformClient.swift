import Foundation
import Messaging
import StudioDomain

/// A JSON client for the four services over libcurl, for the command-line client, the demo and the
/// end-to-end tests. Blocking: call it from a thread of its own or a synchronous test, never from
/// Swift's cooperative pool.
public final class PlatformClient {
    public struct Reply: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
        public var object: [String: Any] { json as? [String: Any] ?? [:] }
        public var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let client = BlockingCurlClient()

    public init() {}

    /// `json` is a JSON-serialisable value (dictionaries, arrays, strings, numbers) or raw bytes.
    /// `GET` of a paged list, every page (500 at a time, following `nextCursor`), as one reply `{"items": [...]}`;
    /// the first reply that is not a 200 as it came.
    public func getAll(_ url: String, token: String?) throws -> Reply {
        var items: [Any] = []
        var cursor: String?
        let separator = url.contains("?") ? "&" : "?"
        repeat {
            let reply = try call("GET", url + separator + "limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            guard reply.status == 200 else { return reply }
            items += reply.object["items"] as? [Any] ?? []
            cursor = reply.object["nextCursor"] as? String
        } while cursor != nil
        return Reply(status: 200, body: Array(try JSONSerialization.data(withJSONObject: ["items": items])))
    }

    public func call(_ method: String, _ url: String, token: String?, json: Any? = nil, headers: [(String, String)] = []) throws -> Reply {
        var allHeaders = headers
        if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
        let hasContentType = headers.contains { $0.0.lowercased() == "content-type" }
        if !hasContentType, let json, !(json is [UInt8]), !(json is String) { allHeaders.append(("Content-Type", "application/json")) }
        let body: [UInt8]
        switch json {
        case nil: body = []
        case let bytes as [UInt8]: body = bytes
        case let text as String: body = Array(text.utf8)
        case let value?: body = Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]))
        }
        let response = client.send(OutboundRequest(method: method, url: url, headers: allHeaders, body: body, responseLimit: 64 << 20))
        guard let status = response.statusCode else {
            throw Failure(description: "\(method) \(url): \(response.failure?.message ?? "no answer")")
        }
        return Reply(status: status, body: response.body)
    }
}

extension PlatformClient {
    /// A value of a shared API type (`ApplicationForm` …) as a JSON object, to send alone or inside a body: what the
    /// services' own encoder writes for it, so a client builds the one typed value instead of a dictionary of its own.
    public static func json(_ value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: DomainJSON.encoder().encode(value))
    }
}

/// A `PlatformClient` bound to one service and one bearer token, for the integration tests and the benchmarks.
public final class APIClient {
    public let baseURL: String
    public let token: String?
    private let client = PlatformClient()

    public init(baseURL: String, token: String?) {
        self.baseURL = baseURL
        self.token = token
    }

    public func call(_ method: String, _ path: String, json: Any? = nil, headers: [(String, String)] = []) throws -> PlatformClient.Reply {
        try client.call(method, baseURL + path, token: token, json: json, headers: headers)
    }

    /// `call`, throwing unless the answer has `status`.
    @discardableResult
    public func expect(_ status: Int, _ method: String, _ path: String, json: Any? = nil, headers: [(String, String)] = []) throws -> PlatformClient.Reply {
        let reply = try call(method, path, json: json, headers: headers)
        guard reply.status == status else {
            throw PlatformClient.Failure(description: "\(method) \(path): expected \(status), got \(reply.status): \(reply.text.prefix(600))")
        }
        return reply
    }
}
