import GRDB
import Hummingbird
import Messaging
import ServiceKit

/// Funding (经费): grants scheduled and paid, expenses by allowed category, inspections every two years (Art 12–16).
public struct FundingModule: ServiceModule {
    public init() {}

    public var name: String { "funding" }
    public var defaultPort: Int { 8083 }
    public var summary: String { "Funding (经费): grants scheduled and paid, expenses by allowed category, inspections every two years (Art 12–16)." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {}

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {}

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {}

    public var openAPIPaths: String { "" }
    public var openAPISchemas: String { "" }
}
