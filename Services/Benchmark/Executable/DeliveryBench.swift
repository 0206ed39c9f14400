import Foundation
import PlatformClient
import GRDB
import Messaging
import Synchronization

/// A producer and a consumer process wired for `webhook.test` (subscription + shared secret), as the
/// launcher wires the platform. Events are committed in the producer by `POST /ops/test-events` (one
/// transaction per request, `count` events on one aggregate); the consumer's handler writes
/// `webhook_test_received` inside its inbox transaction.
final class DeliveryPair {
    let root: String
    let producer: ServiceProcess
    let consumer: ServiceProcess
    let producerAPI: APIClient
    let producerName: String

    /// Retries fast, so a consumer that comes back is found within a second (the production schedule
    /// waits 5 s, then 5 min: that would measure the schedule, not the drain).
    static let retrySchedule = (["0", "100ms", "200ms", "500ms"] + Array(repeating: "1s", count: 600)).joined(separator: ",")

    init(producerName: String = "intake", consumerName: String = "review", root: String) throws {
        self.root = root
        self.producerName = producerName
        // STUDIOBENCH_INFLIGHT=<n> runs both with `--max-in-flight n` (the services' default is 32), for experiments.
        let arguments = ["--retry-schedule", Self.retrySchedule] + (ProcessInfo.processInfo.environment["STUDIOBENCH_INFLIGHT"].map { ["--max-in-flight", $0] } ?? [])
        producer = ServiceProcess(name: producerName, dataDir: root, extraArguments: arguments)
        consumer = ServiceProcess(name: consumerName, dataDir: root, extraArguments: arguments)
        try producer.subscribe(consumer)
        producerAPI = APIClient(baseURL: producer.baseURL, token: try producer.operatorToken(label: "bench"))
    }

    /// Commits `count` events on `aggregate` in one producer transaction.
    func commit(aggregate: String, count: Int) throws {
        _ = try producerAPI.expect(201, "POST", "/ops/test-events", json: ["aggregate": aggregate, "count": count, "note": "bench"])
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// Waits until the consumer has applied `count` events of the batch; returns false on timeout.
    func waitForReceived(_ count: Int, prefix: String, timeout: Double) throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            if try appliedCount(prefix: prefix) >= count { return true }
            usleep(20_000)
        }
        return false
    }

    private var poller: DatabaseQueue?

    /// How many events of the batch the consumer has applied, as cheaply as the clock needs it: the sum over the
    /// batch's aggregates of the last sequence its inbox applied (a batch's aggregates are fresh, so their sequences
    /// start at 1, and each arrives in order), about a hundred rows of one connection kept open. Counting the rows
    /// scanned up to 100,000 of them every 20 ms on a new connection, CPU taken from the two processes being
    /// measured on this 2-core machine. `account(prefix:)` still counts every row, lost and twice, afterwards.
    func appliedCount(prefix: String) throws -> Int {
        if poller == nil { poller = try DatabaseQueue(path: consumer.databasePath, configuration: Self.readOnly) }
        return try poller!.read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(last_sequence), 0) FROM inbox_aggregate WHERE source = ? AND aggregate LIKE ?",
                             arguments: [producerName, prefix + "%"]) ?? 0
        }
    }

    struct Accounting {
        var produced = 0
        var received = 0
        var distinctReceived = 0
        var receivedWithoutOutbox = 0
        var deliveriesSucceeded = 0
        /// received_at − occurred_at per event, ms (consumer's handler stamp − producer's append stamp).
        var latencies: [Double] = []
        /// completed_at − occurred_at: until the producer has recorded the consumer's 2xx, ms.
        var roundTrips: [Double] = []
        var firstOccurred: Int64 = 0
        var lastReceived: Int64 = 0
    }

    /// Joins the two SQLite files: every event of the batch exactly once on the consumer, with its latency.
    func account(prefix: String) throws -> Accounting {
        let database = try DatabaseQueue(path: consumer.databasePath, configuration: Self.readOnly)
        defer { try? database.close() }
        let producerPath = producer.databasePath
        return try database.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS producer", arguments: [producerPath])
            var result = Accounting()
            result.produced = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM producer.outbox_message WHERE aggregate LIKE ?", arguments: [prefix + "%"]) ?? 0
            result.received = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_test_received WHERE aggregate LIKE ?", arguments: [prefix + "%"]) ?? 0
            result.distinctReceived = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT webhook_id) FROM webhook_test_received WHERE aggregate LIKE ?", arguments: [prefix + "%"]) ?? 0
            result.receivedWithoutOutbox = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM webhook_test_received r WHERE r.aggregate LIKE ?
                AND NOT EXISTS (SELECT 1 FROM producer.outbox_message m WHERE m.id = r.webhook_id)
                """, arguments: [prefix + "%"]) ?? 0
            result.deliveriesSucceeded = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM producer.delivery WHERE aggregate LIKE ? AND status = 'succeeded'", arguments: [prefix + "%"]) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.occurred_at AS occurred, r.received_at AS received, d.completed_at AS completed
                FROM webhook_test_received r JOIN producer.outbox_message m ON m.id = r.webhook_id
                LEFT JOIN producer.delivery d ON d.message_id = m.id
                WHERE r.aggregate LIKE ?
                """, arguments: [prefix + "%"])
            var firstOccurred = Int64.max, lastReceived = Int64.min
            for row in rows {
                let occurred: Int64 = row["occurred"], received: Int64 = row["received"]
                let completed: Int64? = row["completed"]
                result.latencies.append(Double(received - occurred))
                if let completed { result.roundTrips.append(Double(completed - occurred)) }
                firstOccurred = min(firstOccurred, occurred)
                lastReceived = max(lastReceived, received)
            }
            result.latencies.sort()
            result.roundTrips.sort()
            result.firstOccurred = firstOccurred
            result.lastReceived = lastReceived
            try db.execute(sql: "DETACH DATABASE producer")
            return result
        }
    }

    func cleanUp(keep: Bool) {
        try? poller?.close()
        producer.kill()
        consumer.kill()
        if !keep { try? FileManager.default.removeItem(atPath: root) }
    }
}

/// Samples a process's resident memory every 50 ms until stopped; keeps the peak.
final class MemorySampler: @unchecked Sendable {
    private let peak = Locked<Int>(0)
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)

    init(pid: Int32) {
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                if let memory = Memory.of(pid: pid) { peak.withLock { $0 = max($0, memory.rssKiB) } }
                usleep(50_000)
            }
            done.signal()
        }
        thread.start()
    }

    func stop() -> Double {
        running.store(false, ordering: .relaxed)
        done.wait()
        return Double(peak.withLock { $0 }) / 1024
    }
}

/// 2. Event delivery (latency at a steady rate, throughput of a burst) and 3. backlog drain.
struct DeliveryBench {
    struct LatencyRun { var p50: Double; var p99: Double; var roundTripP50: Double; var roundTripP99: Double; var events: Int; var lost: Int; var duplicates: Int }
    struct ThroughputRun { var eventsPerSecond: Double; var events: Int; var lost: Int; var duplicates: Int }
    struct BacklogRun {
        var events: Int
        var produceSeconds: Double
        var drainSeconds: Double
        var received: Int
        var distinct: Int
        var foreign: Int
        var succeeded: Int
        var consumerPeakMB: Double
        var producerPeakMB: Double
        var eventsPerSecond: Double { drainSeconds > 0 ? Double(events) / drainSeconds : 0 }
    }

    var latency: [LatencyRun] = []
    var throughput: [ThroughputRun] = []
    var backlog: [BacklogRun] = []
    /// Same-run ceilings (`Ceilings`), events/s: transport (null receiver) and storage (the inbox alone).
    var ceilings: [(transport: Double, storage: Double)] = []
    var lowerCeiling: Double { median(ceilings.map { min($0.transport, $0.storage) }) }
    /// The same ceilings measured right before and right after each backlog drain (the median of all: with one drain,
    /// the mean of the two that bracket it).
    var backlogCeilings: [(transport: Double, storage: Double)] = []
    var backlogLowerCeiling: Double { median(backlogCeilings.map { min($0.transport, $0.storage) }) }

    /// STUDIOBENCH_NO_CEILINGS=1 skips them (for quick experiments).
    mutating func measureCeilings(options: BenchOptions, repetition: Int) throws {
        guard ProcessInfo.processInfo.environment["STUDIOBENCH_NO_CEILINGS"] == nil else { return }
        let transport = try Ceilings.transport(events: options.throughputEvents, options: options)
        let storage = try Ceilings.storage(events: options.throughputEvents, options: options)
        ceilings.append((transport, storage))
        print(String(format: "  rep %d: ceilings: transport (same dispatcher → a receiver answering 204, no database) %.0f events/s | storage (the inbox's receive alone, 32 callers, group commit) %.0f events/s",
                     repetition + 1, transport, storage))
    }

    mutating func runLatencyAndThroughput(options: BenchOptions) throws {
        for repetition in 0..<options.repetitions {
            let pair = try DeliveryPair(root: try makeTemporaryFolder("delivery"))
            defer { pair.cleanUp(keep: options.keep) }
            try pair.consumer.start()
            try pair.producer.start()

            // Latency: one event per producer transaction at a steady rate, on 50 aggregates in turn.
            let rate = options.latencyRate, total = options.latencyEvents
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<total {
                let due = start + .microseconds(Int64(Double(index) / Double(rate) * 1_000_000))
                if clock.now < due { Thread.sleep(forTimeInterval: (due - clock.now).seconds) }
                try pair.commit(aggregate: "lat:\(index % 50)", count: 1)
            }
            guard try pair.waitForReceived(total, prefix: "lat:", timeout: 60) else { throw BenchError("latency run: not all \(total) events arrived; see \(pair.root)") }
            usleep(300_000)
            let lat = try pair.account(prefix: "lat:")
            latency.append(LatencyRun(p50: percentile(lat.latencies, 0.5), p99: percentile(lat.latencies, 0.99),
                                      roundTripP50: percentile(lat.roundTrips, 0.5), roundTripP99: percentile(lat.roundTrips, 0.99),
                                      events: lat.received, lost: lat.produced - lat.distinctReceived, duplicates: lat.received - lat.distinctReceived))

            // Throughput: a burst of `throughputEvents` on 200 aggregates (lanes), committed 100 per transaction
            // from four producer clients, delivered while it is being produced.
            let burst = options.throughputEvents, aggregates = 200
            let perRequest = max(1, burst / aggregates)
            let producers = DispatchGroup()
            let failure = Locked<String?>(nil)
            let producerURL = pair.producer.baseURL, producerToken = pair.producerAPI.token
            for worker in 0..<4 {
                producers.enter()
                let thread = Thread {
                    let api = APIClient(baseURL: producerURL, token: producerToken)
                    for aggregate in stride(from: worker, to: aggregates, by: 4) {
                        do { _ = try api.expect(201, "POST", "/ops/test-events", json: ["aggregate": "tput:\(aggregate)", "count": perRequest, "note": "bench"]) } catch {
                            failure.withLock { $0 = "\(error)" }
                        }
                    }
                    producers.leave()
                }
                thread.start()
            }
            producers.wait()
            if let error = failure.withLock({ $0 }) { throw BenchError("throughput run: \(error)") }
            let expected = perRequest * aggregates
            guard try pair.waitForReceived(expected, prefix: "tput:", timeout: 300) else { throw BenchError("throughput run: not all \(expected) events arrived") }
            usleep(300_000)
            let tput = try pair.account(prefix: "tput:")
            let seconds = Double(tput.lastReceived - tput.firstOccurred) / 1000
            throughput.append(ThroughputRun(eventsPerSecond: Double(tput.received) / max(seconds, 0.001), events: tput.received,
                                            lost: tput.produced - tput.distinctReceived, duplicates: tput.received - tput.distinctReceived))
            print(String(format: "  rep %d: latency p50 %.1f ms p99 %.1f ms (until the producer holds the 2xx: p50 %.1f p99 %.1f) | burst %d events at %.0f events/s",
                         repetition + 1, latency.last!.p50, latency.last!.p99, latency.last!.roundTripP50, latency.last!.roundTripP99, tput.received, throughput.last!.eventsPerSecond))
            pair.cleanUp(keep: options.keep)
            try measureCeilings(options: options, repetition: repetition)
        }
    }

    mutating func runBacklog(options: BenchOptions) throws {
        for repetition in 0..<options.backlogRepetitions {
            // The drain's own ceilings, measured right before it and again right after: one taken minutes earlier, in
            // another phase of the machine's noise, gave a "fraction" of 2.1 (BENCHMARKS.md, second round of issue 20),
            // and one taken only before swung the fraction from 0.47 to 0.95 between runs of the same build (fourth round).
            try measureBacklogCeilings(options: options, repetition: repetition)
            let pair = try DeliveryPair(root: try makeTemporaryFolder("backlog"))
            defer { pair.cleanUp(keep: options.keep) }
            try pair.consumer.start()
            try pair.producer.start()
            pair.consumer.kill()  // the consumer goes down hard
            let total = options.backlogEvents, aggregates = 100, perRequest = total / aggregates
            let clock = ContinuousClock()
            let produceStart = clock.now
            let producerSampler = MemorySampler(pid: pair.producer.pid!)
            for aggregate in 0..<aggregates { try pair.commit(aggregate: "backlog:\(aggregate)", count: perRequest) }
            let produceSeconds = (clock.now - produceStart).seconds
            let queued = try pair.producerAPI.expect(200, "GET", "/ops/queue").text
            let drainStart = clock.now
            try pair.consumer.start()
            let consumerSampler = MemorySampler(pid: pair.consumer.pid!)
            guard try pair.waitForReceived(total, prefix: "backlog:", timeout: 600) else { throw BenchError("backlog: not drained in 600 s; see \(pair.root)") }
            let drainSeconds = (clock.now - drainStart).seconds
            usleep(1_000_000)  // anything applied twice would show up now
            let consumerPeak = consumerSampler.stop(), producerPeak = producerSampler.stop()
            let books = try pair.account(prefix: "backlog:")
            backlog.append(BacklogRun(events: total, produceSeconds: produceSeconds, drainSeconds: drainSeconds, received: books.received,
                                      distinct: books.distinctReceived, foreign: books.receivedWithoutOutbox, succeeded: books.deliveriesSucceeded,
                                      consumerPeakMB: consumerPeak, producerPeakMB: producerPeak))
            print(String(format: "  rep %d: %d events queued in %.1f s, drained in %.1f s (%.0f events/s); received %d, distinct %d, unknown %d",
                         repetition + 1, total, produceSeconds, drainSeconds, backlog.last!.eventsPerSecond, books.received, books.distinctReceived, books.receivedWithoutOutbox)
                  + " | queue before: " + String(queued.prefix(200)))
            try measureBacklogCeilings(options: options, repetition: repetition)
        }
    }

    private mutating func measureBacklogCeilings(options: BenchOptions, repetition: Int) throws {
        let before = ceilings.count
        try measureCeilings(options: options, repetition: repetition)
        if ceilings.count > before { backlogCeilings.append(ceilings.removeLast()) }
    }
}
