import GRDB
import Hummingbird
import Messaging
import ServiceKit

/// Assessment (考核管理): the register of named studios, three-year cycles, assessments, changes, revocations and notices (Art 12, 14, 17–20).
public struct AssessmentModule: ServiceModule {
    public init() {}

    public var name: String { "assessment" }
    public var defaultPort: Int { 8084 }
    public var summary: String { "Assessment (考核管理): the register of named studios, three-year cycles, assessments, changes, revocations and notices (Art 12, 14, 17–20)." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {}

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {}

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {}

    public var openAPIPaths: String { "" }
    public var openAPISchemas: String { "" }
}
