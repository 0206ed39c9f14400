import Foundation
import Messaging
import Synchronization

/// A value behind a lock that closures on other threads may share.
/// A `Mutex` the load generator's threads share by reference.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout sending Value) throws -> sending R) rethrows -> R {
        try mutex.withLock(body)
    }
}

/// A shared counter: each call returns the next number.
final class SharedCounter: Sendable {
    private let value: Atomic<Int>
    init(_ start: Int) { value = Atomic(start) }
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// What one closed-loop load run measured.
struct LoadResult {
    var connections: Int
    var completed: Int
    var errors: Int
    var seconds: Double
    /// Latencies of the measured requests, in milliseconds, sorted.
    var latencies: [Double]
    var firstError: String?

    var perSecond: Double { seconds > 0 ? Double(completed) / seconds : 0 }
    var p50: Double { percentile(latencies, 0.50) }
    var p99: Double { percentile(latencies, 0.99) }
}

func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func median(_ values: [Double]) -> Double {
    let sorted = values.filter { !$0.isNaN }.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// A closed-loop HTTP load generator: `connections` threads, each with its own libcurl easy handle
/// (one keep-alive connection), sending back to back. Requests that start during the warm-up are not
/// counted; the measured window is `duration` seconds after it. A request counts as completed only
/// with the expected status.
enum LoadGenerator {
    static func run(connections: Int, warmup: Double, duration: Double, expectStatus: Set<Int>,
                    request: @escaping @Sendable (_ thread: Int, _ sequence: Int) -> OutboundRequest) -> LoadResult {
        let clock = ContinuousClock()
        let begin = clock.now
        let measureFrom = begin + .milliseconds(Int64(warmup * 1000))
        let measureTo = measureFrom + .milliseconds(Int64(duration * 1000))
        struct PerThread: Sendable { var latencies: [Double] = []; var completed = 0; var errors = 0; var firstError: String? }
        let results = Locked<[PerThread]>([])
        let group = DispatchGroup()
        for index in 0..<connections {
            group.enter()
            let thread = Thread {
                let client = BlockingCurlClient(timeouts: .init(connect: .seconds(2), total: .seconds(30)))
                var mine = PerThread()
                mine.latencies.reserveCapacity(20_000)
                var sequence = 0
                while true {
                    let start = clock.now
                    if start >= measureTo { break }
                    let response = client.send(request(index, sequence))
                    sequence += 1
                    let end = clock.now
                    guard start >= measureFrom, end <= measureTo else { continue }
                    if let status = response.statusCode, expectStatus.contains(status) {
                        mine.completed += 1
                        mine.latencies.append((end - start).seconds * 1000)
                    } else {
                        mine.errors += 1
                        if mine.firstError == nil {
                            mine.firstError = "\(response.statusCode.map(String.init) ?? "-") \(response.failure?.message ?? response.bodyPrefix)"
                        }
                    }
                }
                results.withLock { $0.append(mine) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let all = results.withLock { $0 }
        return LoadResult(connections: connections, completed: all.reduce(0) { $0 + $1.completed }, errors: all.reduce(0) { $0 + $1.errors },
                          seconds: duration, latencies: all.flatMap(\.latencies).sorted(), firstError: all.compactMap(\.firstError).first)
    }
}
