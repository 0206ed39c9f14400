import CCurl
import Dispatch
import Foundation
import Synchronization

/// One HTTP POST to a webhook endpoint.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// How much of the response body to keep (webhook attempts keep only a prefix for the log).
    public var responseLimit: Int

    public init(method: String = "POST", url: String, headers: [(String, String)], body: [UInt8], responseLimit: Int = 512) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.responseLimit = responseLimit
    }
}

/// What came back: a status code, or the transport error (timeout, refused connection, …).
public struct OutboundResponse: Sendable {
    public enum Failure: Sendable, Equatable {
        case timeout(String)
        case connection(String)
        case other(String)

        public var message: String {
            switch self {
            case .timeout(let m), .connection(let m), .other(let m): m
            }
        }
    }

    public var statusCode: Int?
    public var retryAfter: String?
    /// The response body, up to the request's `responseLimit` bytes.
    public var body: [UInt8]
    public var bodyPrefix: String { String(decoding: body.prefix(512), as: UTF8.self) }
    public var failure: Failure?
    public var latency: Duration
    /// `content-type` and `content-disposition` when the server sent them (lower-cased names).
    public var headers: [String: String] = [:]
    /// Every `Set-Cookie` line, for test clients that keep a session.
    public var setCookies: [String] = []

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public init(statusCode: Int?, retryAfter: String?, body: [UInt8], failure: Failure?, latency: Duration) {
        self.statusCode = statusCode
        self.retryAfter = retryAfter
        self.body = body
        self.failure = failure
        self.latency = latency
    }
}

/// Anything that can POST a webhook: libcurl in production, a fake in unit tests.
public protocol WebhookTransport: Sendable {
    func post(_ request: OutboundRequest) async -> OutboundResponse
}

/// Timeouts of every outbound call (MESSAGING.md §2).
public struct TransportTimeouts: Sendable {
    public var connect: Duration
    public var total: Duration

    public init(connect: Duration = .seconds(2), total: Duration = .seconds(10)) {
        self.connect = connect
        self.total = total
    }
}

/// POSTs webhooks with libcurl from a fixed pool of threads of its own, because `curl_easy_perform`
/// blocks and must never run on Swift's cooperative pool. Each worker keeps one easy handle for its
/// whole life, so keep-alive connections to the receivers are reused across requests.
public final class CurlTransport: WebhookTransport {
    private struct Job: Sendable {
        let request: OutboundRequest
        let continuation: CheckedContinuation<OutboundResponse, Never>
    }

    private let jobs = Mutex<[Job]>([])
    private let available = DispatchSemaphore(value: 0)
    private let timeouts: TransportTimeouts
    private let workerCount: Int

    /// `curl_global_init` is not thread-safe and must run once, before any handle exists.
    static let ensureGlobalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    public init(workers: Int = 16, timeouts: TransportTimeouts = .init()) {
        _ = Self.ensureGlobalInit
        self.timeouts = timeouts
        self.workerCount = max(1, workers)
        // The workers run for the life of the process: a service makes one transport at start and keeps it.
        for index in 0..<workerCount {
            let thread = Thread { [self] in self.workerLoop() }
            thread.name = "curl-worker-\(index)"
            thread.start()
        }
    }

    public func post(_ request: OutboundRequest) async -> OutboundResponse {
        await withCheckedContinuation { continuation in
            jobs.withLock { $0.append(Job(request: request, continuation: continuation)) }
            available.signal()
        }
    }

    private func workerLoop() {
        guard let handle = curl_easy_init() else {
            // Without a handle this worker cannot send; it still drains its share of jobs as failures.
            while true {
                available.wait()
                guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                job.continuation.resume(returning: OutboundResponse(
                    statusCode: nil, retryAfter: nil, body: [],
                    failure: .other("curl_easy_init failed"), latency: .zero))
            }
        }
        defer { curl_easy_cleanup(handle) }
        while true {
            available.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            let response = Self.perform(job.request, handle: handle, timeouts: timeouts)
            job.continuation.resume(returning: response)
        }
    }

    /// Collects what libcurl hands back; passed to the C callbacks through `Unmanaged`, alive for the call.
    final class ResponseSink {
        var body: [UInt8] = []
        var retryAfter: String?
        /// `Content-Type`, `Content-Disposition` and `Location`, for clients that pass a file on (the portal).
        var headers: [String: String] = [:]
        var setCookies: [String] = []
        let bodyLimit: Int
        init(bodyLimit: Int) { self.bodyLimit = bodyLimit }
    }

    /// One blocking request on `handle`: call it from a thread of its own, never the cooperative pool.
    public static func perform(_ request: OutboundRequest, handle: UnsafeMutableRawPointer, timeouts: TransportTimeouts) -> OutboundResponse {
        curl_easy_reset(handle)  // keeps the connection cache, clears the options of the previous request
        let sink = ResponseSink(bodyLimit: request.responseLimit)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let hasContentType = request.headers.contains { $0.0.lowercased() == "content-type" }
        for (name, value) in request.headers + (hasContentType ? [] : [("Content-Type", "application/json")]) + [("Expect", "")] {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if request.method == "POST" {
            _ = ccurl_setopt_long(handle, CURLOPT_POST, 1)
        } else if request.method == "GET" {
            _ = ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        } else {
            _ = ccurl_setopt_long(handle, CURLOPT_POST, 1)
            _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect.milliseconds))
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeouts.total.milliseconds))
        _ = ccurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        if request.method != "GET" {
            _ = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            // COPYPOSTFIELDS copies the bytes, so the body need not outlive this call's setup.
            var body = request.body
            if body.isEmpty { body = [0] }  // a valid pointer; POSTFIELDSIZE 0 sends nothing of it
            body.withUnsafeMutableBytes { buffer in
                _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
            }
        }
        _ = ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data, sink.body.count < sink.bodyLimit {
                let take = min(length, sink.bodyLimit - sink.body.count)
                data.withMemoryRebound(to: UInt8.self, capacity: take) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: take)) }
            }
            return length
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data {
                let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                let lowered = line.lowercased()
                if lowered.hasPrefix("retry-after:") {
                    sink.retryAfter = line.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespacesAndNewlines)
                } else if lowered.hasPrefix("content-type:") || lowered.hasPrefix("content-disposition:") || lowered.hasPrefix("location:") {
                    let colon = line.firstIndex(of: ":")!
                    sink.headers[String(lowered[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                } else if lowered.hasPrefix("set-cookie:") {
                    sink.setCookies.append(line.dropFirst("set-cookie:".count).trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            return length
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)

        let clock = ContinuousClock()
        let start = clock.now
        let code = curl_easy_perform(handle)
        let latency = clock.now - start
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            let failure: OutboundResponse.Failure = switch code {
            case CURLE_OPERATION_TIMEDOUT: .timeout(message)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
                .connection(message)
            default: .other(message)
            }
            return OutboundResponse(statusCode: nil, retryAfter: nil, body: sink.body, failure: failure, latency: latency)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var response = OutboundResponse(statusCode: status, retryAfter: sink.retryAfter, body: sink.body, failure: nil, latency: latency)
        response.headers = sink.headers
        response.setCookies = sink.setCookies
        return response
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// A blocking libcurl client for command-line tools and tests: one easy handle, reused (keep-alive).
/// Not for use on Swift's cooperative pool; services use `CurlTransport`.
public final class BlockingCurlClient {
    private let handle: UnsafeMutableRawPointer
    private let timeouts: TransportTimeouts

    public init(timeouts: TransportTimeouts = .init(connect: .seconds(2), total: .seconds(60))) {
        _ = CurlTransport.ensureGlobalInit
        handle = curl_easy_init()!
        self.timeouts = timeouts
    }

    deinit { curl_easy_cleanup(handle) }

    public func send(_ request: OutboundRequest) -> OutboundResponse {
        CurlTransport.perform(request, handle: handle, timeouts: timeouts)
    }
}
