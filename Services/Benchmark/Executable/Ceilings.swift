import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import PlatformClient
import StudioDomain
#if canImport(Glibc)
import Glibc
#endif

/// The two ceilings a delivery figure is set beside, measured in the same run as it:
/// - transport: the same producer and dispatcher posting the same burst to a receiver that answers 204 without
///   touching any database (Hummingbird, like the services, in this process), so only the producer's side and HTTP
///   are left;
/// - storage: the consumer's `Inbox.receive` (signature check, duplicate check, the handler's row, the inbox rows)
///   called in a loop by as many concurrent callers as the dispatcher has deliveries in flight, with its group
///   commit, on a SQLite file configured as the services' are (WAL, `synchronous = FULL`, background checkpoint),
///   with no HTTP at all.
enum Ceilings {
    /// A receiver that answers every `POST /events` with 204 and keeps nothing.
    final class NullReceiver: @unchecked Sendable {
        let port: Int
        private var task: Task<Void, any Error>?

        init() throws {
            port = freeLocalPort()
            let router = Router()
            router.post("events") { request, _ -> HTTPResponse.Status in
                _ = try await request.body.collect(upTo: 1 << 20)
                return .noContent
            }
            var logger = Logger(label: "null-receiver")
            // Cancelling the server at the end logs its open connections' CancellationError at .error.
            logger.logLevel = .critical
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
            task = Task { try await app.run() }
            let client = BlockingCurlClient(timeouts: .init(connect: .seconds(1), total: .seconds(2)))
            for _ in 0..<500 {
                if client.send(OutboundRequest(method: "POST", url: url, headers: [], body: [])).statusCode == 204 { return }
                usleep(10_000)
            }
            throw BenchError("the null receiver did not start on port \(port)")
        }

        var url: String { "http://127.0.0.1:\(port)/events" }
        func stop() { task?.cancel() }
    }

    /// The burst of `DeliveryBench` (`events` on 200 lanes, 100 per transaction from four clients) posted to the null
    /// receiver: events / (last `completed_at` − first `occurred_at`), from the producer's file.
    static func transport(events: Int, options: BenchOptions) throws -> Double {
        let root = try makeTemporaryFolder("ceiling")
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let receiver = try NullReceiver()
        defer { receiver.stop() }
        let arguments = ["--retry-schedule", DeliveryPair.retrySchedule] + (ProcessInfo.processInfo.environment["STUDIOBENCH_INFLIGHT"].map { ["--max-in-flight", $0] } ?? [])
        let producer = ServiceProcess(name: "intake", dataDir: root, extraArguments: arguments)
        _ = try producer.admin(["subscription", "add", "--name", "null", "--url", receiver.url, "--events", "webhook.test",
                                "--secret", WebhookSecret.generate().encoded])
        let token = try producer.operatorToken(label: "bench")
        try producer.start()
        defer { producer.kill() }
        let aggregates = 200, perRequest = max(1, events / aggregates)
        let failure = Locked<String?>(nil)
        let group = DispatchGroup()
        let url = producer.baseURL
        for worker in 0..<4 {
            group.enter()
            let thread = Thread {
                let api = APIClient(baseURL: url, token: token)
                for aggregate in stride(from: worker, to: aggregates, by: 4) {
                    do { _ = try api.expect(201, "POST", "/ops/test-events", json: ["aggregate": "ceil:\(aggregate)", "count": perRequest, "note": "bench"]) } catch {
                        failure.withLock { $0 = "\(error)" }
                    }
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        if let error = failure.withLock({ $0 }) { throw BenchError("transport ceiling: \(error)") }
        let database = try DatabaseQueue(path: producer.databasePath, configuration: DeliveryPair.readOnly)
        defer { try? database.close() }
        let deadline = Date().addingTimeInterval(300)
        while true {
            // The partial index of open deliveries: small once the burst is nearly through.
            let open = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status != 'succeeded'") ?? 0 }
            if open == 0 { break }
            guard Date() < deadline else { throw BenchError("transport ceiling: \(open) deliveries still open after 300 s") }
            usleep(20_000)
        }
        return try database.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, MIN(m.occurred_at) AS first, MAX(d.completed_at) AS last
                FROM delivery d JOIN outbox_message m ON m.id = d.message_id WHERE d.aggregate LIKE 'ceil:%'
                """)!
            let n: Int = row["n"], first: Int64 = row["first"], last: Int64 = row["last"]
            guard n == perRequest * aggregates else { throw BenchError("transport ceiling: \(n) deliveries, expected \(perRequest * aggregates)") }
            return Double(n) / max(Double(last - first) / 1000, 0.001)
        }
    }

    /// `events` signed envelopes on 200 aggregates through `Inbox.receive` by `concurrency` callers: events/s.
    static func storage(events: Int, concurrency: Int = 32, options: BenchOptions) throws -> Double {
        let root = try makeTemporaryFolder("ceiling")
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let path = root + "/inbox.sqlite"
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 3
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000") }
            if db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -512") }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        MessagingSchema.register(in: &migrator)
        try migrator.migrate(pool)
        let secret = WebhookSecret.generate()
        _ = try pool.write { db in try InboundSecrets.add(source: "intake", secret: secret.encoded, expiresAt: nil, nowMillis: Millis.now(), in: db) }
        let inbox = Inbox(writer: pool, handlers: InboxHandlers())

        // The envelopes, as the producer writes them, signed as the dispatcher signs them.
        struct Signed: Sendable { var id: String; var timestamp: String; var signature: String; var body: [UInt8] }
        let encoder = DomainJSON.encoder()
        let timestamp = Int64(Date().timeIntervalSince1970)
        var signed: [Signed] = []
        signed.reserveCapacity(events)
        let aggregates = 200
        for index in 0..<events {
            let aggregate = "ceil:\(index % aggregates)"
            let id = "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let envelope = Envelope(WebhookTestEvent(aggregate: aggregate, note: "bench"), id: id, source: .intake, sequence: Int64(index / aggregates + 1))
            let body = Array(try encoder.encode(envelope))
            signed.append(Signed(id: id, timestamp: String(timestamp),
                                 signature: WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret), body: body))
        }
        let all = signed

        // The services' background checkpoint (every 50 ms, PASSIVE, its own connection).
        let running = Locked(true)
        let checkpointer = Thread {
            guard let connection = try? DatabaseQueue(path: path) else { return }
            while running.withLock({ $0 }) {
                _ = try? connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
                usleep(50_000)
            }
            try? connection.close()
        }
        checkpointer.start()
        defer { running.withLock { $0 = false } }

        let next = SharedCounter(0)
        let failures = Locked<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let clock = ContinuousClock()
        let start = clock.now
        Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        while true {
                            let index = next.next()
                            if index >= all.count { return }
                            let event = all[index]
                            do {
                                let result = try await inbox.receive(id: event.id, timestamp: event.timestamp, signature: event.signature, body: event.body)
                                guard case .applied = result else { failures.withLock { $0.append("\(result)") }; continue }
                            } catch {
                                failures.withLock { $0.append("\(error)") }
                            }
                        }
                    }
                }
            }
            done.signal()
        }
        done.wait()
        let seconds = (clock.now - start).seconds
        if let first = failures.withLock({ $0.first }) { throw BenchError("storage ceiling: \(failures.withLock { $0.count }) receipts failed, first: \(first)") }
        let stored = try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT webhook_id) FROM webhook_test_received") ?? 0 }
        try pool.close()
        guard stored == events else { throw BenchError("storage ceiling: \(stored) stored of \(events)") }
        return Double(events) / seconds
    }
}
