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
        AssessmentSchema.register(in: &migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        let outbox = environment.outbox
        let now = environment.now
        handlers.on(StudioNamed.self) { db, envelope in
            try Naming.apply(envelope, outbox: outbox, nowMillis: Millis.from(now()), in: db)
        }
        handlers.on(DemonstrationSelected.self) { db, envelope in
            try DemonstrationAcceptance.open(envelope, nowMillis: Millis.from(now()), in: db)
        }
        handlers.on(InspectionMisuseFound.self) { db, envelope in
            try RevocationCases.apply(envelope, nowMillis: Millis.from(now()), in: db)
        }
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        RegisterController(environment: environment, settings: settings).add(to: router)
        AssessmentsController(environment: environment, settings: settings).add(to: router)
        DemonstrationController(environment: environment).add(to: router)
        ChangesController(environment: environment, settings: settings).add(to: router)
        RevocationController(environment: environment).add(to: router)
        ProvincialImportController(environment: environment, settings: settings).add(to: router)
        PublicController(environment: environment, settings: settings).add(to: router)
    }

    public func backgroundServices(environment: ServiceEnvironment) -> [any Service] {
        [ExpiryService(environment: environment, settings: settings)]
    }

    /// Expiry follows business time: swept when the demo clock moves (and hourly by `ExpiryService`), never by a read.
    public func clockMovedHooks(environment: ServiceEnvironment) -> [@Sendable () async throws -> Void] {
        let settings = self.settings
        return [{ try await Expiry.sweep(environment, settings: settings) }]
    }

    /// Services/Assessment/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
