import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import Metrics
import ServiceKit
import StudioDomain
import Synchronization
import HummingbirdTesting
import HTTPTypes

/// A clock the test moves by hand.
public final class TestClock: Sendable {
    private let current: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = Mutex(start) }
    public func now() -> Date { current.withLock { $0 } }
    public func advance(_ duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(Double(duration.milliseconds) / 1000) }
    }
}

/// A transport that answers from a script and records what it was sent.
public final class ScriptedTransport: WebhookTransport {
    public struct Sent: Sendable {
        public var url: String
        public var headers: [String: String]
        public var body: [UInt8]
        public var header: EventHeader
    }

    public init() {}

    private let state = Mutex<(sent: [Sent], answer: @Sendable (EventHeader) -> OutboundResponse)>(([], { _ in ScriptedTransport.status(200) }))

    public static func status(_ code: Int, retryAfter: String? = nil) -> OutboundResponse {
        OutboundResponse(statusCode: code, retryAfter: retryAfter, body: [], failure: nil, latency: .milliseconds(1))
    }

    public static let refused = OutboundResponse(statusCode: nil, retryAfter: nil, body: [], failure: .connection("Couldn't connect to server"), latency: .milliseconds(1))

    public func answer(_ rule: @escaping @Sendable (EventHeader) -> OutboundResponse) {
        state.withLock { $0.answer = rule }
    }

    public var sent: [Sent] { state.withLock { $0.sent } }

    public func post(_ request: OutboundRequest) async -> OutboundResponse {
        let header = try! DomainJSON.decoder().decode(EventHeader.self, from: Data(request.body))
        let headers = Dictionary(request.headers, uniquingKeysWith: { $1 })
        return state.withLock { state in
            state.sent.append(Sent(url: request.url, headers: headers, body: request.body, header: header))
            return state.answer(header)
        }
    }
}

/// A service with nothing of its own: the kit and the backbone only.
public struct BareModule: ServiceModule {
    public var name: String
    public init(name: String = "sender") { self.name = name }
    public var defaultPort: Int { 18999 }
    public var summary: String { "test module" }
    public func registerMigrations(_ migrator: inout DatabaseMigrator) {}
    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {}
    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {}
    /// The kit's endpoints alone (Tests/TestSupport/kit-openapi.yaml): what every service's document begins with.
    public func openAPIDocument() throws -> String { try OpenAPIFile.load(from: Bundle.module, name: "kit-openapi") }
}

/// An in-memory service named `sender` with nothing of its own: the real outbox and dispatcher on `transport`,
/// both on the test clock.
public struct TestSender: Sendable {
    public let database: any DatabaseWriter
    public let outbox: Outbox
    public let dispatcher: Dispatcher

    /// `random`: the jitter draws in -1…1.
    public init(transport: any WebhookTransport, clock: TestClock, policy: RetryPolicy = .standard, maxInFlight: Int = 64,
                logger: Logger = Logger(label: "test"), random: @escaping @Sendable () -> Double) throws {
        let database = try ServiceDatabase.open(path: ":memory:", module: BareModule(name: "sender"))
        let doorbell = Doorbell()
        self.database = database
        outbox = Outbox(source: "sender", doorbell: doorbell, now: { clock.now() })
        dispatcher = Dispatcher(writer: database, transport: transport, doorbell: doorbell,
                                settings: DispatcherSettings(policy: policy, maxInFlight: maxInFlight),
                                metricsFactory: NOOPMetricsHandler.instance, logger: logger,
                                now: { clock.now() }, random: random)
    }
}

/// An in-memory sender with a dispatcher on a scripted transport and a test clock.
public struct SenderFixture: Sendable {
    public let database: any DatabaseWriter
    public let outbox: Outbox
    public let dispatcher: Dispatcher
    public let transport: ScriptedTransport
    public let clock: TestClock
    public let subscription: SubscriptionRecord

    public init(policy: RetryPolicy = .standard, jitter random: Double = 0) throws {
        let clock = TestClock()
        let transport = ScriptedTransport()
        let sender = try TestSender(transport: transport, clock: clock, policy: policy, random: { random })
        let database = sender.database
        self.clock = clock
        self.database = database
        self.transport = transport
        outbox = sender.outbox
        dispatcher = sender.dispatcher
        subscription = try database.write { db in
            try Subscriptions.create(name: "receiver", url: "http://127.0.0.1:1/events", eventTypes: ["*"],
                                     secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", nowMillis: Millis.from(clock.now()), in: db)
        }
    }

    @discardableResult
    public func emit(aggregate: String, count: Int = 1) throws -> [String] {
        try database.write { db in
            try (0..<count).map { index in try outbox.append(WebhookTestEvent(aggregate: aggregate, note: "n\(index)"), in: db).id }
        }
    }

    public func deliveryStatus(_ messageID: String) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT status FROM delivery WHERE message_id = ?", arguments: [messageID]) }
    }

    public func delivery(_ messageID: String) throws -> Row? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE message_id = ?", arguments: [messageID]) }
    }
}

/// A service built in memory for tests: no socket, no libcurl, a hand-moved clock.
public struct TestService: Sendable {
    public let built: BuiltService
    public let clock: TestClock
    public let transport: ScriptedTransport

    /// `demoClock`: business time movable through `POST /ops/clock`, as in demo mode; `clock` stays the real time.
    public init(_ module: some ServiceModule, clock: TestClock = TestClock(), maxBodyBytes: Int = 1 << 20, demoClock: Bool = false) throws {
        let configuration = ServiceConfiguration(serviceName: module.name, port: 0, databasePath: ":memory:", maxBodyBytes: maxBodyBytes,
                                                 logLevel: .warning, demoClock: demoClock)
        let transport = ScriptedTransport()
        self.clock = clock
        self.transport = transport
        built = try buildApplication(configuration, module: module, transport: transport, now: { clock.now() })
    }

    public var database: any DatabaseWriter { built.environment.database }

    /// A bearer token for `role` (and its subject), written straight into the service's database.
    public func token(_ role: Role, subject: String? = nil) throws -> String {
        try database.write { db in try Tokens.issue(role: role, subject: subject, label: nil, nowMillis: 0, in: db).token }
    }

    /// Hands the service an event as if `source` had sent it: signed, through the inbox, in one transaction.
    @discardableResult
    public func receive<Event: DomainEvent>(_ event: Event, from source: String, sequence: Int64? = nil) async throws -> Inbox.Result {
        let secret = WebhookSecret.generate()
        try await database.write { db in _ = try InboundSecrets.add(source: source, secret: secret.encoded, expiresAt: nil, nowMillis: 0, in: db) }
        let aggregate = event.aggregate
        let lastApplied = try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT last_sequence FROM inbox_aggregate WHERE source = ? AND aggregate = ?", arguments: [source, aggregate]) ?? 0
        }
        let sequenceNumber = sequence ?? lastApplied + 1
        let header = EventHeader(id: "msg_" + UUID().uuidString.lowercased(), type: Event.eventType, version: Event.version,
                                 occurredAt: clock.now(), source: source, aggregate: event.aggregate, sequence: sequenceNumber)
        let body = Array(try DomainJSON.encoder().encode(Envelope(header: header, data: event)))
        let timestamp = Int64(clock.now().timeIntervalSince1970)
        return try await built.inbox.receive(id: header.id, timestamp: String(timestamp),
                                             signature: WebhookSignature.sign(id: header.id, timestamp: timestamp, body: body, secret: secret), body: body)
    }

    /// Hands a dispatcher's signed request to this service's inbox, as its `POST /events` does, and answers with the
    /// status that route gives: 200 for an event applied, a duplicate or one ignored; 401 for a signature, 400 for an
    /// envelope and 422 for a payload refused; 500 when the inbox throws.
    public func deliver(_ request: OutboundRequest) async -> OutboundResponse {
        let headers = Dictionary(request.headers, uniquingKeysWith: { $1 })
        do {
            switch try await built.inbox.receive(id: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                                                 signature: headers["webhook-signature"], body: request.body) {
            case .applied, .duplicate, .ignored: return ScriptedTransport.status(200)
            case .unauthorized: return ScriptedTransport.status(401)
            case .invalid: return ScriptedTransport.status(400)
            case .rejected: return ScriptedTransport.status(422)
            }
        } catch {
            return ScriptedTransport.status(500)
        }
    }

    /// The events this service has put in its outbox, decoded as `Event`, oldest first.
    public func emitted<Event: DomainEvent>(_ type: Event.Type) throws -> [Envelope<Event>] {
        try database.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM outbox_message WHERE type = ? ORDER BY rowid", arguments: [Event.eventType])
        }.map { try DomainJSON.decoder().decode(Envelope<Event>.self, from: $0) }
    }
}

/// Counts every row inserted, updated or deleted through the writer it is added to (`watch(_:)`): how a test
/// holds that a read wrote nothing.
public final class RowChangeCounter: TransactionObserver, Sendable {
    private let changes = Mutex(0)

    public init() {}

    /// Adds the counter to `writer` for as long as the counter lives.
    public func watch(_ writer: any DatabaseWriter) async throws {
        try await writer.write { db in db.add(transactionObserver: self, extent: .observerLifetime) }
    }

    public var count: Int { changes.withLock { $0 } }

    public func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    public func databaseDidChange(with event: DatabaseEvent) { changes.withLock { $0 += 1 } }
    public func databaseDidCommit(_ db: Database) {}
    public func databaseDidRollback(_ db: Database) {}
}

extension TestService {
    /// Calls every GET route of the service with each token, its path parameters filled from `values` (`1`
    /// otherwise), and answers how many calls answered 200 and how many rows the calls changed (reads are reads).
    /// A 5xx, and a call that changed rows, are reported in `errors`.
    public func sweepReads(_ client: some TestClientProtocol, values: [String: String], tokens: [String]) async throws -> (answered: Int, changedRows: Int, errors: [String]) {
        let counter = RowChangeCounter()
        try await counter.watch(database)
        var answered = 0
        var errors: [String] = []
        for route in built.routes where route.hasPrefix("GET ") {
            let path = route.dropFirst(4).split(separator: "/").map { part in
                part.hasPrefix(":") ? values[String(part.dropFirst())] ?? "1" : String(part)
            }.joined(separator: "/")
            for token in tokens {
                let before = counter.count
                defer { if counter.count != before { errors.append("GET /\(path) changed \(counter.count - before) rows") } }
                let status = try await client.execute(uri: "/" + path, method: .get, headers: [.authorization: "Bearer \(token)"], body: nil) { response in
                    (response.status, String(buffer: response.body))
                }
                if status.0 == .ok { answered += 1 }
                if status.0.code >= 500 { errors.append("GET /\(path): \(status.0.code) \(status.1.prefix(200))") }
            }
        }
        return (answered, counter.count, errors)
    }
}

/// A module as it is, without its own background services (a scheduler, a sweep): for a test that must know that
/// nothing but its own calls touches the database while it watches.
public struct WithoutBackgroundServices<Module: ServiceModule>: ServiceModule {
    public let module: Module
    public init(_ module: Module) { self.module = module }

    public var name: String { module.name }
    public var defaultPort: Int { module.defaultPort }
    public var summary: String { module.summary }
    public func registerMigrations(_ migrator: inout DatabaseMigrator) { module.registerMigrations(&migrator) }
    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) { module.registerHandlers(&handlers, environment: environment) }
    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) { module.addRoutes(to: router, environment: environment) }
    public func openAPIDocument() throws -> String { try module.openAPIDocument() }
    public var bodyLimitOverrides: [BodyLimitOverride] { module.bodyLimitOverrides }
    public func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void] { module.clockMovedHooks(environment: environment) }
}
