import CCurl
import CCurlLoop
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

/// POSTs webhooks with libcurl on one thread of its own (`curl_loop.c`), on libcurl's socket interface: one
/// `poll` over every socket in flight, each ready socket handed to libcurl with what it is ready for, at most
/// `workers` transfers at once and the rest waiting in order. The loop never runs on Swift's cooperative pool, and
/// its multi handle keeps the keep-alive connections to the receivers for every transfer. (Until the eighth round
/// of issue 20 this was a pool of threads each blocking in `curl_easy_perform`: libcurl's easy interface polls a
/// reused connection for liveness, waits for the answer and polls again before each read, five `poll` a request.)
public final class CurlTransport: WebhookTransport {
    /// One transfer in flight: what its callbacks write into and who waits for it. Retained while libcurl has it.
    private final class Transfer {
        let handle: UnsafeMutableRawPointer
        let sink: ResponseSink
        let headerList: UnsafeMutablePointer<curl_slist>?
        let continuation: CheckedContinuation<OutboundResponse, Never>
        let start: ContinuousClock.Instant
        weak var transport: CurlTransport?
        init(handle: UnsafeMutableRawPointer, sink: ResponseSink, headerList: UnsafeMutablePointer<curl_slist>?,
             continuation: CheckedContinuation<OutboundResponse, Never>, transport: CurlTransport) {
            self.handle = handle
            self.sink = sink
            self.headerList = headerList
            self.continuation = continuation
            self.start = ContinuousClock.now
            self.transport = transport
        }
    }

    /// Why `@unchecked` holds: the loop's only entry point from other threads is `studio_curl_loop_submit`, which
    /// takes the loop's own mutex; everything else in it belongs to the loop's thread.
    private struct Loop: @unchecked Sendable { let pointer: OpaquePointer }
    private let loop: Loop?
    /// Easy handles of finished transfers, reset and used again (their buffers stay allocated).
    private let idleHandles = Mutex<[IdleHandle]>([])
    /// Why `@unchecked` holds: an idle handle is in no transfer; whoever takes it off the list owns it alone.
    private struct IdleHandle: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }
    private let timeouts: TransportTimeouts
    private let maxIdleHandles: Int

    /// `curl_global_init` is not thread-safe and must run once, before any handle exists.
    static let ensureGlobalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// `workers`: how many transfers may be in flight at once (the dispatcher's in-flight limit).
    public init(workers: Int = 16, timeouts: TransportTimeouts = .init()) {
        _ = Self.ensureGlobalInit
        self.timeouts = timeouts
        maxIdleHandles = max(1, workers)
        // The loop runs for the life of the process: a service makes one transport at start and keeps it.
        loop = studio_curl_loop_create(Int32(max(1, workers))) { token, code in
            let transfer = Unmanaged<Transfer>.fromOpaque(token!).takeRetainedValue()
            transfer.continuation.resume(returning: CurlTransport.response(
                code: CURLcode(rawValue: UInt32(code)), handle: transfer.handle, sink: transfer.sink,
                latency: ContinuousClock.now - transfer.start))
            curl_slist_free_all(transfer.headerList)
            if let transport = transfer.transport { transport.recycle(transfer.handle) } else { curl_easy_cleanup(transfer.handle) }
        }.map(Loop.init)
    }

    public func post(_ request: OutboundRequest) async -> OutboundResponse {
        await withCheckedContinuation { continuation in
            guard let loop, let handle = idleHandles.withLock({ $0.popLast()?.pointer }) ?? curl_easy_init() else {
                continuation.resume(returning: OutboundResponse(statusCode: nil, retryAfter: nil, body: [],
                                                                failure: .other("libcurl could not start a transfer"), latency: .zero))
                return
            }
            let sink = ResponseSink(bodyLimit: request.responseLimit)
            let headerList = Self.configure(handle, request, sink: sink, timeouts: timeouts)
            let transfer = Transfer(handle: handle, sink: sink, headerList: headerList, continuation: continuation, transport: self)
            let token = Unmanaged.passRetained(transfer).toOpaque()
            if studio_curl_loop_submit(loop.pointer, handle, token) != 0 {
                Unmanaged<Transfer>.fromOpaque(token).release()
                curl_slist_free_all(headerList)
                curl_easy_cleanup(handle)
                continuation.resume(returning: OutboundResponse(statusCode: nil, retryAfter: nil, body: [],
                                                                failure: .other("the transfer queue could not grow"), latency: .zero))
            }
        }
    }

    private func recycle(_ handle: UnsafeMutableRawPointer) {
        let kept = idleHandles.withLock { idle -> Bool in
            guard idle.count < maxIdleHandles else { return false }
            idle.append(IdleHandle(pointer: handle))
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
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
        let sink = ResponseSink(bodyLimit: request.responseLimit)
        let headerList = configure(handle, request, sink: sink, timeouts: timeouts)
        defer { curl_slist_free_all(headerList) }
        let clock = ContinuousClock()
        let start = clock.now
        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        return response(code: code, handle: handle, sink: sink, latency: clock.now - start)
    }

    /// Sets `handle` up for `request` (after a reset: the connection cache stays, the previous options go), its
    /// callbacks writing into `sink`. The returned header list must outlive the transfer; the caller frees it.
    static func configure(_ handle: UnsafeMutableRawPointer, _ request: OutboundRequest, sink: ResponseSink,
                          timeouts: TransportTimeouts) -> UnsafeMutablePointer<curl_slist>? {
        curl_easy_reset(handle)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
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
        return headerList
    }

    /// What a finished transfer on `handle` came to.
    static func response(code: CURLcode, handle: UnsafeMutableRawPointer, sink: ResponseSink, latency: Duration) -> OutboundResponse {
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
