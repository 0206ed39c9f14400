import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Settings of the dispatcher; the defaults are the production ones.
public struct DispatcherSettings: Sendable {
    public var policy: RetryPolicy
    /// How many deliveries may be on the wire at once (across all lanes).
    public var maxInFlight: Int
    /// The longest sleep when nothing is due (a safety net; commits and completions ring the doorbell).
    public var idleWake: Duration
    /// After a success, the same slot goes on with the lane's next event (read in the same transaction that
    /// recorded the success) up to this many times in a row, then goes back to the shared queue, so a long
    /// lane cannot keep the others waiting for more than this many round trips. 1 turns it off.
    public var laneBurst: Int

    public init(policy: RetryPolicy = .standard, maxInFlight: Int = 32, idleWake: Duration = .seconds(1), laneBurst: Int = 32) {
        self.policy = policy
        self.maxInFlight = max(1, maxInFlight)
        self.idleWake = idleWake
        self.laneBurst = max(1, laneBurst)
    }
}

/// How one attempt ended, as counted in the metrics and stored in `delivery_attempt.outcome`.
public enum AttemptOutcome: String, Sendable, CaseIterable {
    case success, httpError = "http_error", throttled, gone, timeout, connectionError = "connection_error", transportError = "transport_error"
}

/// Delivers the outbox (MESSAGING.md §2–4): POSTs each due delivery with libcurl, records every attempt,
/// reschedules failures on the retry schedule, dead-letters after the last try, and keeps each lane
/// (subscription, aggregate) in order while lanes proceed independently.
public final class Dispatcher: Service, Sendable {
    private let writer: any DatabaseWriter
    private let transport: any WebhookTransport
    private let doorbell: Doorbell
    private let settings: DispatcherSettings
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let slots = Mutex(Slots())
    private let stopping = Mutex(false)
    private let metrics: DispatcherMetrics
    private let random: @Sendable () -> Double
    /// Attempts finishing together are recorded in one transaction (one fsync).
    private let committer: GroupCommit

    public init(writer: any DatabaseWriter, transport: any WebhookTransport, doorbell: Doorbell,
                settings: DispatcherSettings = .init(), metricsFactory: any MetricsFactory,
                logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
                random: @escaping @Sendable () -> Double = { Double.random(in: -1...1) }) {
        self.writer = writer
        self.transport = transport
        self.doorbell = doorbell
        self.settings = settings
        self.logger = logger
        self.now = now
        self.random = random
        self.metrics = DispatcherMetrics(factory: metricsFactory)
        self.committer = GroupCommit.shared(for: writer)
    }

    public func run() async throws {
        logger.info("dispatcher started", metadata: ["maxInFlight": "\(settings.maxInFlight)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var lastDepthUpdate = ContinuousClock.now - .seconds(10)
                while !stopping.withLock({ $0 }) && !Task.isCancelled {
                    let wait = await launchDue(into: &group)
                    if ContinuousClock.now - lastDepthUpdate > .seconds(1) {
                        await updateDepthGauge()
                        lastDepthUpdate = .now
                    }
                    await doorbell.wait(timeout: wait)
                }
                // Leaving the group waits for the deliveries on the wire; their outcomes are recorded.
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.doorbell.ring()
        }
        logger.info("dispatcher stopped")
    }

    /// Delivers everything due right now and waits for the outcomes; returns how many were attempted.
    /// The same path as the loop, one pass at a time: for tests with a controlled clock, and for tools.
    @discardableResult
    public func deliverDueOnce() async -> Int {
        let nowMillis = Millis.from(now())
        guard let due = try? await readOnWriter({ db in try DeliveryQueue.fetchDue(now: nowMillis, limit: self.settings.maxInFlight, in: db) }) else { return 0 }
        await withDiscardingTaskGroup { group in
            for delivery in due {
                group.addTask { await self.deliverLane(from: delivery, burst: 1) }
            }
        }
        return due.count
    }

    /// Starts what is due and returns how long to sleep before looking again.
    private func launchDue(into group: inout DiscardingTaskGroup) async -> Duration {
        let busy = slots.withLock { $0.openPass() }
        defer { slots.withLock { $0.closePass() } }
        let capacity = settings.maxInFlight - busy
        guard capacity > 0 else { return settings.idleWake }
        let nowMillis = Millis.from(now())
        let due: [DueDelivery]
        do {
            due = try await readOnWriter { db in try DeliveryQueue.fetchDue(now: nowMillis, limit: capacity + busy, in: db) }
        } catch {
            logger.error("dispatcher could not read the outbox", metadata: ["error": "\(error)"])
            return settings.idleWake
        }
        var launched = 0
        for delivery in due {
            guard launched < capacity else { return .zero }  // more is due than we may carry: look again on a completion
            // The read may be older than a slot's latest step: skip what is on the wire or came off it meanwhile.
            guard slots.withLock({ $0.claim(delivery.id) }) else { continue }
            launched += 1
            group.addTask {
                await self.deliverLane(from: delivery, burst: self.settings.laneBurst)
                self.doorbell.ring()
            }
        }
        // A full page may hide more that is due: look again right away (a full pipe waits for a completion).
        if due.count >= capacity + busy { return .zero }
        // Everything due now is on the wire; sleep until the next thing becomes due later.
        let next: Int64?
        do {
            next = try await readOnWriter { db in try DeliveryQueue.nextWakeUp(after: nowMillis, in: db) }
        } catch {
            return settings.idleWake
        }
        guard let next else { return settings.idleWake }
        let untilNext = Duration.milliseconds(max(0, next - Millis.from(now())))
        return min(untilNext, settings.idleWake)
    }

    /// Sends `first`, then, while each attempt succeeds and the lane's next event is already due, that one, up
    /// to `burst` in a row. The slot's id in `slots` follows the lane (released when the lane stops here).
    private func deliverLane(from first: DueDelivery, burst: Int) async {
        var current: LaneItem?
        do {
            current = try await readOnWriter { db in
                guard let body = try DeliveryQueue.body(messageID: first.messageID, in: db),
                      let subscription = try DeliveryQueue.subscription(id: first.subscriptionID, in: db) else { return nil }
                return LaneItem(delivery: first, body: body, subscription: subscription)
            }
        } catch {
            logger.error("dispatcher could not load a delivery", metadata: ["delivery": "\(first.id)", "error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
        }
        var sent = 0
        var lastID = first.id
        while let item = current {
            sent += 1
            let mayContinue = sent < burst && !stopping.withLock { $0 }
            current = await attempt(item, continueLane: mayContinue)
            if let next = current { lastID = next.delivery.id }
        }
        slots.withLock { $0.release(lastID) }
    }

    /// One attempt: sign, POST, record. On a success with `continueLane`, returns the lane's next delivery if it is
    /// due now (read, and reserved in `slots`, in the transaction that recorded this one).
    private func attempt(_ item: LaneItem, continueLane: Bool) async -> LaneItem? {
        let delivery = item.delivery, body = item.body, subscription = item.subscription
        let sentAt = now()
        let timestamp = Int64(sentAt.timeIntervalSince1970)
        let headers = WebhookSignature.headers(id: delivery.messageID, timestamp: timestamp, body: body,
                                               secrets: subscription.signingSecrets(nowMillis: Millis.from(sentAt)))
        let response = await transport.post(OutboundRequest(url: subscription.url, headers: headers, body: body))
        let outcome = Self.classify(response)
        metrics.attempt(outcome, latency: response.latency)
        let reserved = ReservedID()
        do {
            let (dead, next) = try await committer.write { db -> (Bool, LaneItem?) in
                let dead = try self.record(delivery, subscription: subscription, response: response, outcome: outcome, in: db)
                guard outcome == .success, continueLane,
                      let next = try DeliveryQueue.nextInLane(of: delivery, now: Millis.from(self.now()), in: db) else { return (dead, nil) }
                // Reserved before the commit makes it visible, so the main loop never launches it a second time.
                self.slots.withLock { $0.reserve(next.delivery.id) }
                reserved.value.withLock { $0 = next.delivery.id }
                return (dead, next)
            }
            if outcome == .success {
                metrics.delivered(after: Millis.from(now()) - delivery.createdAt)
            } else {
                logger.notice("webhook attempt failed", metadata: [
                    "delivery": "\(delivery.id)", "message": "\(delivery.messageID)", "subscription": "\(subscription.name)",
                    "outcome": "\(outcome.rawValue)", "status": "\(response.statusCode.map(String.init) ?? "-")",
                    "error": "\(response.failure?.message ?? response.bodyPrefix.prefix(200).description)",
                ])
                if dead {
                    metrics.deadLettered()
                    logger.error("webhook dead-lettered", metadata: ["delivery": "\(delivery.id)", "message": "\(delivery.messageID)", "subscription": "\(subscription.name)"])
                }
            }
            guard let next else { return nil }
            slots.withLock { $0.release(delivery.id) }
            return next
        } catch {
            // The outcome is not stored: the delivery stays ready and is sent again; the inbox dedupes.
            if let id = reserved.value.withLock({ $0 }) { slots.withLock { $0.release(id) } }
            logger.error("dispatcher could not record an attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            return nil
        }
    }

    static func classify(_ response: OutboundResponse) -> AttemptOutcome {
        if let failure = response.failure {
            switch failure {
            case .timeout: return .timeout
            case .connection: return .connectionError
            case .other: return .transportError
            }
        }
        switch response.statusCode ?? 0 {
        case 200..<300: return .success
        case 410: return .gone
        case 429, 503: return .throttled
        default: return .httpError
        }
    }

    /// Stores the attempt and its consequence in one transaction. Returns whether the delivery died.
    private func record(_ delivery: DueDelivery, subscription: SubscriptionRecord, response: OutboundResponse,
                        outcome: AttemptOutcome, in db: Database) throws -> Bool {
        let nowMillis = Millis.from(now())
        let error = response.failure?.message ?? (outcome == .success ? nil : String(response.bodyPrefix.prefix(500)))
        try db.cachedStatement(sql: """
            INSERT INTO delivery_attempt (delivery_id, attempted_at, outcome, status_code, latency_us, error)
            VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [delivery.id, nowMillis, outcome.rawValue, response.statusCode,
                             response.latency.components.seconds * 1_000_000 + response.latency.components.attoseconds / 1_000_000_000_000, error])
        switch outcome {
        case .success:
            try db.cachedStatement(sql: """
                UPDATE delivery SET status = 'succeeded', completed_at = ?, last_status_code = ?, last_error = NULL,
                    attempts = attempts + 1 WHERE id = ?
                """).execute(arguments: [nowMillis, response.statusCode, delivery.id])
            if subscription.throttleLevel > 0 {
                try db.execute(sql: "UPDATE subscription SET throttle_level = 0 WHERE id = ?", arguments: [subscription.id])
            }
            try DeliveryQueue.normalizeLane(subscriptionID: delivery.subscriptionID, aggregate: delivery.aggregate, now: nowMillis, in: db)
            return false
        case .gone:
            // 410: the receiver says the endpoint is gone for good. Stop sending to it; keep the messages.
            try db.execute(sql: """
                UPDATE subscription SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?
                """, arguments: ["receiver answered 410 Gone at \(RFC3339String(nowMillis))", nowMillis, subscription.id])
            try db.execute(sql: "UPDATE delivery SET last_status_code = 410, last_error = ? WHERE id = ?", arguments: [error, delivery.id])
            return false
        default:
            let retryAfter = RetryPolicy.parseRetryAfter(response.retryAfter, now: now())
            if outcome == .throttled {
                let pause = settings.policy.throttle(level: subscription.throttleLevel, retryAfter: retryAfter)
                try db.execute(sql: """
                    UPDATE subscription SET throttled_until = ?, throttle_level = throttle_level + 1 WHERE id = ?
                    """, arguments: [nowMillis + pause.milliseconds, subscription.id])
            }
            let failedAttempts = delivery.attempts + 1
            if let delay = settings.policy.delay(afterFailedAttempts: failedAttempts, retryAfter: retryAfter, random: random()) {
                try db.execute(sql: """
                    UPDATE delivery SET attempts = ?, next_attempt_at = ?, last_status_code = ?, last_error = ? WHERE id = ?
                    """, arguments: [failedAttempts, nowMillis + delay.milliseconds, response.statusCode, error, delivery.id])
                return false
            }
            try db.execute(sql: """
                UPDATE delivery SET status = 'dead', attempts = ?, completed_at = ?, last_status_code = ?, last_error = ? WHERE id = ?
                """, arguments: [failedAttempts, nowMillis, response.statusCode, error, delivery.id])
            return true
        }
    }

    /// The main loop's and a lane's reads (what is due, when to wake, a delivery's body), on the writer's connection
    /// in a read-only transaction of their own. Every commit of the service (every submission, every recorded attempt)
    /// makes SQLite drop a reader connection's whole page cache, so on a reader each of these reads fetched again,
    /// one `pread64` a page, the delivery table's and the outbox's pages the writer had just written (the producer's
    /// `pread64` per delivered event fell from 4.1 to 2.0 in `studiobench --only counters`). The writer's cache holds
    /// them already. They are short, indexed reads; the depth gauge's whole-table count stays on a reader.
    private func readOnWriter<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.writeWithoutTransaction { db in
            var value: T?
            try db.inTransaction(.deferred) {
                value = try body(db)
                return .commit
            }
            return value!
        }
    }

    private func updateDepthGauge() async {
        guard let depth = try? await writer.read({ db in try DeliveryQueue.depth(in: db) }) else { return }
        let pending = depth.values.reduce(0) { $0 + $1.ready + $1.queued }
        let dead = depth.values.reduce(0) { $0 + $1.dead }
        metrics.depth(pending: pending, dead: dead)
    }
}

/// The deliveries on the wire. The main loop reads what is due from a snapshot that may be older than a slot's
/// latest step (a slot reserves the lane's next delivery in the transaction that records a success, and releases a
/// delivery once it is recorded), so while a pass is open every release is remembered too: the pass launches
/// nothing that was on the wire at any moment since it began, and so never sends a delivery twice.
private struct Slots {
    var inFlight: Set<Int64> = []
    var releasedDuringPass: Set<Int64> = []
    var passOpen = false

    /// Starts a pass; returns how many are on the wire.
    mutating func openPass() -> Int {
        passOpen = true
        releasedDuringPass.removeAll(keepingCapacity: true)
        return inFlight.count
    }

    mutating func closePass() {
        passOpen = false
        releasedDuringPass.removeAll(keepingCapacity: true)
    }

    /// Takes `id` for the pass unless it is on the wire or came off it during the pass.
    mutating func claim(_ id: Int64) -> Bool {
        guard !inFlight.contains(id), !releasedDuringPass.contains(id) else { return false }
        inFlight.insert(id)
        return true
    }

    mutating func reserve(_ id: Int64) { inFlight.insert(id) }

    mutating func release(_ id: Int64) {
        inFlight.remove(id)
        if passOpen { releasedDuringPass.insert(id) }
    }
}

/// The id a recording transaction reserved in `slots` for the lane's next delivery (released if it fails).
private final class ReservedID: Sendable {
    let value = Mutex<Int64?>(nil)
}

func RFC3339String(_ millis: Int64) -> String {
    Millis.date(millis).formatted(.iso8601)
}

/// The dispatcher's metrics (MESSAGING.md §7): queue depth, attempts by outcome, delivery latency.
struct DispatcherMetrics: Sendable {
    let attempts: [AttemptOutcome: Counter]
    let attemptLatency: Metrics.Timer
    let deliveryLatency: Metrics.Timer
    let pendingGauge: Gauge
    let deadGauge: Gauge
    let deadCounter: Counter

    init(factory: any MetricsFactory) {
        var attempts: [AttemptOutcome: Counter] = [:]
        for outcome in AttemptOutcome.allCases {
            attempts[outcome] = Counter(label: "webhook_attempts_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.attempts = attempts
        attemptLatency = Metrics.Timer(label: "webhook_attempt_duration_seconds", factory: factory)
        deliveryLatency = Metrics.Timer(label: "webhook_delivery_latency_seconds", factory: factory)
        pendingGauge = Gauge(label: "webhook_queue_depth", dimensions: [("state", "pending")], factory: factory)
        deadGauge = Gauge(label: "webhook_queue_depth", dimensions: [("state", "dead")], factory: factory)
        deadCounter = Counter(label: "webhook_dead_lettered_total", factory: factory)
    }

    func attempt(_ outcome: AttemptOutcome, latency: Duration) {
        attempts[outcome]?.increment()
        attemptLatency.recordNanoseconds(latency.components.seconds * 1_000_000_000 + latency.components.attoseconds / 1_000_000_000)
    }

    /// From the commit of the event to the receiver's 2xx.
    func delivered(after millis: Int64) { deliveryLatency.recordMilliseconds(max(0, millis)) }
    func deadLettered() { deadCounter.increment() }
    func depth(pending: Int, dead: Int) {
        pendingGauge.record(pending)
        deadGauge.record(dead)
    }
}
