import Foundation
import Logging
import ServiceLifecycle

/// Work a service repeats beside its server (funding's scheduler, assessment's expiry sweep): run it, log a
/// failure and carry on (the next round tries again), pause, until SIGTERM or cancellation (tests tear the
/// application down that way) ends the loop. `pause` is asked after each round, so it may follow the clock.
public struct PeriodicService: Service {
    public let name: String
    public let logger: Logger
    public let pause: @Sendable () -> Duration
    public let work: @Sendable () async throws -> Void

    public init(_ name: String, logger: Logger, pause: @escaping @Sendable () -> Duration, work: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.logger = logger
        self.pause = pause
        self.work = work
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await work()
            } catch is CancellationError {
                break  // torn down mid-round: not a failure
            } catch {
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
            let pause = self.pause()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
