import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import Synchronization
import XCTest

/// The libcurl transport against a real HTTP server on a port: every request answered with its own
/// response, never more in flight than the limit, and timeouts and refused connections reported as such.
final class CurlTransportTests: XCTestCase {
    /// Counts the requests the receiver is serving at once, and the most it ever served at once.
    final class Concurrency: Sendable {
        let state = Mutex<(now: Int, most: Int)>((0, 0))
        func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    func receiver(_ concurrency: Concurrency) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.post("/echo") { request, _ -> Response in
            concurrency.enter()
            defer { concurrency.leave() }
            let body = try await request.body.collect(upTo: 1 << 20)
            try await Task.sleep(for: .milliseconds(2))
            return Response(status: .ok, headers: [.contentType: "text/plain", .retryAfter: "7"], body: .init(byteBuffer: body))
        }
        router.post("/slow") { _, _ -> Response in
            try await Task.sleep(for: .seconds(2))
            return Response(status: .noContent)
        }
        router.get("/status/:code") { _, context -> Response in
            Response(status: .init(code: Int(context.parameters.get("code") ?? "500") ?? 500))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func testManyConcurrentRequestsEachGetTheirOwnAnswerWithinTheInFlightLimit() async throws {
        let concurrency = Concurrency()
        try await receiver(concurrency).test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let transport = CurlTransport(workers: 6)
            let responses = await withTaskGroup(of: (Int, OutboundResponse).self) { group in
                for index in 0..<300 {
                    group.addTask {
                        let request = OutboundRequest(url: "http://127.0.0.1:\(port)/echo", headers: [("X-Index", "\(index)")],
                                                      body: Array("message \(index)".utf8))
                        return (index, await transport.post(request))
                    }
                }
                var all: [Int: OutboundResponse] = [:]
                for await (index, response) in group { all[index] = response }
                return all
            }
            XCTAssertEqual(responses.count, 300)
            for (index, response) in responses {
                XCTAssertNil(response.failure, "request \(index): \(response.failure?.message ?? "")")
                XCTAssertEqual(response.statusCode, 200)
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "message \(index)")
                XCTAssertEqual(response.retryAfter, "7")
                XCTAssertEqual(response.header("Content-Type"), "text/plain")
            }
            XCTAssertLessThanOrEqual(concurrency.most, 6, "more requests in flight than the transport allows")
            XCTAssertGreaterThan(concurrency.most, 1, "the requests were not sent concurrently")
            // A status without a body, after all that
            let teapot = await transport.post(OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/status/418", headers: [], body: []))
            XCTAssertEqual(teapot.statusCode, 418)
        }
    }

    func testATimeoutAndARefusedConnectionAreReportedAndTheTransportGoesOn() async throws {
        let concurrency = Concurrency()
        try await receiver(concurrency).test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let transport = CurlTransport(workers: 2, timeouts: .init(connect: .seconds(1), total: .milliseconds(300)))
            async let slow = transport.post(OutboundRequest(url: "http://127.0.0.1:\(port)/slow", headers: [], body: []))
            // Port 1 on the loopback: nothing listens there
            async let refused = transport.post(OutboundRequest(url: "http://127.0.0.1:1/events", headers: [], body: []))
            let (timedOut, notConnected) = await (slow, refused)
            guard case .timeout = timedOut.failure else { return XCTFail("expected a timeout, got \(String(describing: timedOut.failure))") }
            XCTAssertGreaterThanOrEqual(timedOut.latency, .milliseconds(250))
            XCTAssertLessThan(timedOut.latency, .milliseconds(1500), "the 300 ms timeout did not end the transfer")
            guard case .connection = notConnected.failure else { return XCTFail("expected a refused connection, got \(String(describing: notConnected.failure))") }
            let after = await transport.post(OutboundRequest(url: "http://127.0.0.1:\(port)/echo", headers: [], body: Array("after".utf8)))
            XCTAssertEqual(after.statusCode, 200)
            XCTAssertEqual(String(decoding: after.body, as: UTF8.self), "after")
        }
    }
}
