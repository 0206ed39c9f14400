import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import ServiceLifecycle

/// Funding (经费): grants scheduled and paid, expenses by allowed category, inspections every two years (Art 12–16).
public struct FundingModule: ServiceModule {
    public let settings: FundingSettings

    public init(settings: FundingSettings = .standard) {
        self.settings = settings
    }

    public var name: String { "funding" }
    public var defaultPort: Int { 8083 }
    public var summary: String { "Funding (经费): grants scheduled and paid, expenses by allowed category, inspections every two years (Art 12–16)." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        FundingDatabase.migrations(&migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        FundingEventHandlers.register(&handlers, environment: environment, settings: settings)
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        let database = FundingDatabase(environment, settings: settings)
        router.addRoutes(GrantsController(environment: environment, database: database).routes, atPath: "grants")
        router.addRoutes(BudgetsController(environment: environment, database: database).routes, atPath: "budgets")
        router.addRoutes(StudioFundsController(environment: environment, database: database).routes, atPath: "studios")
        router.addRoutes(PaymentsController(environment: environment, database: database).routes)
        router.addRoutes(ExpensesController(environment: environment, database: database).routes)
        router.addRoutes(InspectionsController(environment: environment, database: database).routes, atPath: "inspections")
        router.addRoutes(ReportsController(database: database).routes, atPath: "reports")
    }

    public func backgroundServices(environment: ServiceEnvironment) -> [any Service] {
        [FundingSchedulerService.make(environment: environment, database: FundingDatabase(environment, settings: settings))]
    }

    /// Due and overdue marks follow business time: brought up to date when the demo clock moves (and by
    /// `FundingSchedulerService` on real time), never by a read.
    public func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void] {
        let database = FundingDatabase(environment, settings: settings)
        return [{ try await database.runScheduler(at: environment.moment()) }]
    }

    /// Services/Funding/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
