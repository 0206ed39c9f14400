import Foundation
import GRDB
import Hummingbird
import Logging
import Messaging
import Metrics
import Prometheus
import ServiceLifecycle
import StudioDomain

/// A built service: the Hummingbird application plus the parts tests and the executable reach for.
public struct BuiltService: Sendable {
    public let application: Application<RouterResponder<AppRequestContext>>
    public let environment: ServiceEnvironment
    public let dispatcher: Dispatcher
    public let inbox: Inbox
    public let registry: PrometheusCollectorRegistry
    /// Every route as `METHOD /path`, for the test that keeps the OpenAPI document true.
    public let routes: [String]
    /// The event types the inbox applies, which the OpenAPI document's description names.
    public let handledEventTypes: [String]
    /// The module's work after business time moved (`ServiceModule.clockMovedHooks`), as `POST /ops/clock`
    /// runs it; tests that move their clock by hand call it as the background services would.
    public let clockMoved: @Sendable () async throws -> Void
}

/// Builds one service the same way for the executable and for the tests.
/// `transport` defaults to libcurl; `now` is the clock (Date.init in production).
public func buildApplication(
    _ configuration: ServiceConfiguration,
    module: some ServiceModule,
    transport: (any WebhookTransport)? = nil,
    logger: Logger? = nil,
    now: @escaping @Sendable () -> Date = Date.init
) throws -> BuiltService {
    var configuredLogger = logger ?? Logger(label: module.name)
    configuredLogger.logLevel = configuration.logLevel
    configuredLogger[metadataKey: "service"] = "\(module.name)"
    let logger = configuredLogger

    let walMeter = WALMeter()
    let database = try ServiceDatabase.open(path: configuration.databasePath, module: module, walMeter: walMeter)
    let doorbell = Doorbell()
    let outbox = Outbox(source: module.name, doorbell: doorbell, now: now)
    // Business time: the given clock, or a movable one in demo mode. Messaging keeps `now`.
    let demoClock = configuration.demoClock ? DemoClock(stateFile: DemoClock.stateFile(forDatabase: configuration.databasePath)) : nil
    let businessNow: @Sendable () -> Date
    if let demoClock {
        businessNow = { demoClock.now() }
    } else {
        businessNow = now
    }
    let environment = ServiceEnvironment(configuration: configuration, database: database, outbox: outbox, logger: logger, now: businessNow, messagingNow: now)

    let registry = PrometheusCollectorRegistry()
    let metricsFactory = PrometheusMetricsFactory(registry: registry)
    let transport = transport ?? CurlTransport(workers: configuration.maxInFlight, timeouts: configuration.timeouts)
    let dispatcher = Dispatcher(
        writer: database, transport: transport, doorbell: doorbell,
        settings: DispatcherSettings(policy: configuration.retryPolicy, maxInFlight: configuration.maxInFlight),
        metricsFactory: metricsFactory, logger: logger, now: now)

    var handlers = InboxHandlers()
    module.registerHandlers(&handlers, environment: environment)
    let inbox = Inbox(writer: database, handlers: handlers, now: now)

    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(RequestMetricsMiddleware(factory: metricsFactory))
    router.middlewares.add(ProblemMiddleware())
    let routeMethods = RouteMethods()
    router.middlewares.add(MethodNotAllowedMiddleware(routes: routeMethods))
    router.middlewares.add(BodyLimitMiddleware(defaultLimit: configuration.maxBodyBytes, overrides: module.bodyLimitOverrides))
    router.middlewares.add(AuthMiddleware(lookup: try TokenLookup(path: configuration.databasePath, database: database)))

    SystemRoutes(module: module, database: database, registry: registry, document: try module.openAPIDocument()).add(to: router)
    EventsController(inbox: inbox, logger: logger).add(to: router)
    OperationsAPI.addRoutes(to: router, environment: environment)
    let hooks = module.clockMovedHooks(environment: environment)
    let clockMoved: @Sendable () async throws -> Void = { for hook in hooks { try await hook() } }
    demoClock?.addRoutes(to: router.group("ops"), after: clockMoved)
    module.addRoutes(to: router, environment: environment)
    routeMethods.set(router.routes.map { "\($0.method) \($0.path)" })

    let application = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: module.name),
        services: [dispatcher, Maintenance.service(writer: database, configuration: configuration, logger: logger, now: now),
                   CheckpointService(path: configuration.databasePath, writer: database, meter: walMeter, logger: logger)]
            + module.backgroundServices(environment: environment),
        onServerRunning: { channel in
            logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger)
    return BuiltService(application: application, environment: environment, dispatcher: dispatcher, inbox: inbox, registry: registry,
                        routes: router.routes.map { "\($0.method) \($0.path)" }, handledEventTypes: handlers.eventTypes,
                        clockMoved: clockMoved)
}

/// Counts requests by method and status class, and their duration.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let statusClass = "\(response.status.code / 100)xx"
        Counter(label: "http_requests_total", dimensions: [("method", request.method.rawValue), ("status", statusClass)], factory: factory).increment()
        Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", request.method.rawValue)], factory: factory)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }
}
