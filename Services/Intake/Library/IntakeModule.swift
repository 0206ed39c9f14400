import GRDB
import Hummingbird
import Messaging
import ServiceKit

/// Intake (申报受理): screening bodies push applications; eligibility (Art 5, 6, 7, 10) is checked at the door.
public struct IntakeModule: ServiceModule {
    public init() {}

    public var name: String { "intake" }
    public var defaultPort: Int { 8081 }
    public var summary: String { "Intake (申报受理): screening bodies push applications; eligibility (Art 5, 6, 7, 10) is checked at the door." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {}

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {}

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {}

    public var openAPIPaths: String { "" }
    public var openAPISchemas: String { "" }
}
