import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import ServiceLifecycle
import StudioDomain

/// What one service (intake, review, funding, assessment) adds to the kit: its tables, the events it
/// takes, its routes and its OpenAPI document.
public protocol ServiceModule: Sendable {
    /// `intake`, `review`, `funding` or `assessment`: the event `source` and the database file name.
    var name: String { get }
    var defaultPort: Int { get }
    /// One line for the OpenAPI `info.description`.
    var summary: String { get }
    func registerMigrations(_ migrator: inout DatabaseMigrator)
    func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment)
    func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment)
    /// The service's OpenAPI document (`Services/<Name>/openapi.yaml`, bundled): the kit's endpoints and the
    /// service's own, served as it is by `GET /openapi.yaml`. Read once, when the application is built.
    func openAPIDocument() throws -> String
    /// Long-running parts of the service (a scheduler, …), run beside the HTTP server and stopped
    /// gracefully on SIGTERM. Loop with `Task.isShuttingDownGracefully` / `cancelWhenGracefulShutdown`.
    func backgroundServices(environment: ServiceEnvironment) -> [any Service]
    /// Paths whose request bodies may be larger (or must be smaller) than the service's default.
    var bodyLimitOverrides: [BodyLimitOverride] { get }
    /// Work that follows business time (a sweep of what has fallen due), run when the demo clock is moved
    /// (`POST /ops/clock` answers after it) so that reads never have to write; the background services run
    /// it on real time.
    func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void]
}

extension ServiceModule {
    public func backgroundServices(environment: ServiceEnvironment) -> [any Service] { [] }
    public var bodyLimitOverrides: [BodyLimitOverride] { [] }
    public func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void] { [] }
}

/// What a service's code gets to work with.
public struct ServiceEnvironment: Sendable {
    public let configuration: ServiceConfiguration
    public let database: any DatabaseWriter
    public let outbox: Outbox
    public let logger: Logger
    /// Business time: deadlines, cycles, due dates. In demo mode an operator can move it (`POST /ops/clock`).
    public let now: @Sendable () -> Date
    /// Real time, always, whatever the demo clock says: what the dispatcher, signatures, retries, replays and
    /// a rotated secret's grace are measured in, so a replay stamped now is due now.
    public let messagingNow: @Sendable () -> Date
}
