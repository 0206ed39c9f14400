import Foundation
import Logging
import Messaging

/// Everything a service needs to start, as one value read from flags and environment at the edge.
public struct ServiceConfiguration: Sendable {
    public var serviceName: String
    public var host: String
    public var port: Int
    /// Path of the SQLite file; `:memory:` gives an in-memory database (unit tests only).
    public var databasePath: String
    public var retryPolicy: RetryPolicy
    public var maxInFlight: Int
    public var timeouts: TransportTimeouts
    /// The largest request body in bytes (413 above it).
    public var maxBodyBytes: Int
    /// How long the inbox remembers applied ids; at least the retry span (MESSAGING.md §6).
    public var inboxRetention: Duration
    /// How long fully delivered outbox messages are kept for the operations API.
    public var outboxRetention: Duration
    public var logLevel: Logger.Level
    /// Demo and test mode only: business time can be moved forward through `POST /ops/clock`.
    public var demoClock: Bool

    public init(serviceName: String, host: String = "127.0.0.1", port: Int, databasePath: String,
                retryPolicy: RetryPolicy = .standard, maxInFlight: Int = 32, timeouts: TransportTimeouts = .init(),
                maxBodyBytes: Int = 1 << 20, inboxRetention: Duration = .seconds(7 * 86400),
                outboxRetention: Duration = .seconds(30 * 86400), logLevel: Logger.Level = .info, demoClock: Bool = false) {
        self.serviceName = serviceName
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.retryPolicy = retryPolicy
        self.maxInFlight = maxInFlight
        self.timeouts = timeouts
        self.maxBodyBytes = maxBodyBytes
        // Never shorter than the retry span plus a day, whatever was asked: a late retry must not slip through.
        self.inboxRetention = max(inboxRetention, retryPolicy.span + .seconds(86400))
        self.outboxRetention = outboxRetention
        self.logLevel = logLevel
        self.demoClock = demoClock
    }
}
