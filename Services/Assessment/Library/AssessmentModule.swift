import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import ServiceLifecycle
import StudioDomain

/// Assessment (考核管理): the register of named studios, three-year cycles, assessments, changes, revocations and notices (Art 12, 14, 17–20).
public struct AssessmentModule: ServiceModule {
    public let settings: AssessmentSettings

    public init(settings: AssessmentSettings = AssessmentSettings()) {
        self.settings = settings
    }

    public var name: String { "assessment" }
    public var defaultPort: Int { 8084 }
    public var summary: String { "Assessment (考核管理): the register of named studios, three-year cycles, assessments, changes, revocations and notices (Art 12, 14, 17–20)." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        AssessmentDatabase.migrations(&migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        let outbox = environment.outbox
        let now = environment.now
        handlers.on(StudioNamed.self) { db, envelope in
            try AssessmentDatabase.register(envelope, outbox: outbox, nowMillis: Millis.from(now()), in: db)
        }
        handlers.on(DemonstrationSelected.self) { db, envelope in
            try AssessmentDatabase.openAcceptance(envelope, nowMillis: Millis.from(now()), in: db)
        }
        handlers.on(InspectionMisuseFound.self) { db, envelope in
            try AssessmentDatabase.openCase(envelope, nowMillis: Millis.from(now()), in: db)
        }
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        let database = AssessmentDatabase(environment, settings: settings)
        router.addRoutes(RegisterController(environment: environment, database: database).routes)
        router.addRoutes(AssessmentsController(environment: environment, database: database).routes, atPath: "studios")
        router.addRoutes(DemonstrationController(environment: environment, database: database).routes, atPath: "demonstration-acceptances")
        router.addRoutes(ChangesController(environment: environment, database: database).routes)
        router.addRoutes(RevocationController(environment: environment, database: database).routes, atPath: "revocation-cases")
        router.addRoutes(ProvincialImportController(environment: environment, database: database).routes, atPath: "provincial-studios")
        router.addRoutes(PublicController(database: database).routes, atPath: "public")
    }

    public func backgroundServices(environment: ServiceEnvironment) -> [any Service] {
        [ExpiryService.make(environment: environment, database: AssessmentDatabase(environment, settings: settings))]
    }

    /// Expiry follows business time: swept when the demo clock moves (and hourly by `ExpiryService`), never by a read.
    public func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void] {
        let database = AssessmentDatabase(environment, settings: settings)
        return [{ try await database.sweepExpiry(at: environment.moment()) }]
    }

    /// Services/Assessment/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
