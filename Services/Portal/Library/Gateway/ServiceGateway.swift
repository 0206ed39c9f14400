import Foundation
import Messaging
import StudioDomain

/// Where the four services listen.
public struct ServiceEndpoints: Sendable {
    public var baseURLs: [PlatformService: String]
    public init(baseURLs: [PlatformService: String]) { self.baseURLs = baseURLs }

    public static func local(host: String = "127.0.0.1", ports: [PlatformService: Int] = [.intake: 8081, .review: 8082, .funding: 8083, .assessment: 8084]) -> ServiceEndpoints {
        ServiceEndpoints(baseURLs: ports.mapValues { "http://\(host):\($0)" })
    }
}

/// A service's answer: its status and body, decoded on demand.
public struct ServiceReply: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var contentType: String?
    public var contentDisposition: String?

    public var isSuccess: Bool { (200..<300).contains(status) }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try DomainJSON.decoder().decode(T.self, from: Data(body))
    }

    /// The RFC 9457 problem document the services answer with, when this is one.
    public var problem: ServiceProblem? {
        guard !isSuccess else { return nil }
        return try? DomainJSON.decoder().decode(ServiceProblem.self, from: Data(body))
    }
}

/// The services' problem document: a title in Chinese and English and one issue per field.
public struct ServiceProblem: Decodable, Sendable {
    public var status: Int?
    public var title: String?
    public var errors: [DomainIssue]?
}

/// Why a call got no answer from a service: it is down, or did not answer in time. Pages show
/// "申报服务暂不可用 / intake is unavailable" for it, never a 500.
public struct ServiceUnavailable: Error, Sendable {
    public var service: PlatformService
    public var reason: String
}

/// Calls the services' HTTP APIs with libcurl, on the transport's own threads (never Swift's cooperative
/// pool), with connect and total timeouts; the caller's bearer token goes with every call.
public struct ServiceGateway: Sendable {
    public let endpoints: ServiceEndpoints
    let transport: CurlTransport

    public init(endpoints: ServiceEndpoints, workers: Int = 8, timeouts: TransportTimeouts = .init(connect: .seconds(2), total: .seconds(20))) {
        self.endpoints = endpoints
        transport = CurlTransport(workers: workers, timeouts: timeouts)
    }

    public func call(_ service: PlatformService, _ method: String, _ path: String, token: String?, json: (some Encodable)?,
                     headers: [(String, String)] = []) async throws -> ServiceReply {
        let body = try json.map { Array(try DomainJSON.encoder().encode($0)) } ?? []
        var all = headers
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try await send(service, method, path, token: token, body: body, headers: all)
    }

    public func get(_ service: PlatformService, _ path: String, token: String?) async throws -> ServiceReply {
        try await send(service, "GET", path, token: token, body: [], headers: [])
    }

    public func send(_ service: PlatformService, _ method: String, _ path: String, token: String?, body: [UInt8],
                     headers: [(String, String)]) async throws -> ServiceReply {
        guard let base = endpoints.baseURLs[service] else { throw ServiceUnavailable(service: service, reason: "no address configured") }
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        all.append(("Accept", "application/json"))
        let response = await transport.post(OutboundRequest(method: method, url: base + path, headers: all, body: body, responseLimit: 32 << 20))
        guard let status = response.statusCode else {
            throw ServiceUnavailable(service: service, reason: response.failure?.message ?? "no answer")
        }
        return ServiceReply(status: status, body: response.body, contentType: response.header("content-type"),
                            contentDisposition: response.header("content-disposition"))
    }
}
