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
        FundingSchema.migrate(&migrator)
        StudioReplica.migrate(&migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        FundingEventHandlers.register(&handlers, environment: environment, settings: settings)
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        let context = FundingContext(environment: environment, settings: settings)
        GrantsController(context: context).add(to: router)
        BudgetsController(context: context).add(to: router)
        StudioFundsController(context: context).add(to: router)
        PaymentsController(context: context).add(to: router)
        ExpensesController(context: context).add(to: router)
        InspectionsController(context: context).add(to: router)
        ReportsController(context: context).add(to: router)
    }

    public func backgroundServices(environment: ServiceEnvironment) -> [any Service] {
        [FundingSchedulerService(environment: environment, settings: settings)]
    }

    /// Due and overdue marks follow business time: brought up to date when the demo clock moves (and by
    /// `FundingSchedulerService` on real time), never by a read.
    public func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void] {
        let settings = self.settings
        return [{ try await FundingContext(environment: environment, settings: settings).runScheduler() }]
    }

    /// Services/Funding/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
