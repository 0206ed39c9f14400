import GRDB
import Hummingbird
import Messaging
import ServiceKit

/// Review (评审): qualification review, the expert panel, conflict-free assignment, scoring, ranking against the quota, the federation's decision (Art 9, 11, 13, 14).
public struct ReviewModule: ServiceModule {
    public init() {}

    public var name: String { "review" }
    public var defaultPort: Int { 8082 }
    public var summary: String { "Review (评审): qualification review, the expert panel, conflict-free assignment, scoring, ranking against the quota, the federation's decision (Art 9, 11, 13, 14)." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {}

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {}

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {}

    public var openAPIPaths: String { "" }
    public var openAPISchemas: String { "" }
}
