import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Intake (申报受理): screening bodies push applications; eligibility (Art 5, 6, 7, 10) is checked at the door.
public struct IntakeModule: ServiceModule {
    /// The screening bodies whose tokens are honoured (Art 10).
    public let referenceData: ReferenceData

    public init(referenceData: ReferenceData = .defaults) {
        self.referenceData = referenceData
    }

    public var name: String { "intake" }
    public var defaultPort: Int { 8081 }
    public var summary: String { "Intake (申报受理): screening bodies push applications; eligibility (Art 5, 6, 7, 10) is checked at the door." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        IntakeDatabase.migrations(&migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        let now = environment.now
        handlers.on(ApplicationStatusChanged.self) { db, envelope in
            try ApplicationWorkflow.applyStatus(envelope.data, now: Millis.from(now()), in: db)
        }
        StudioReplica.register(&handlers, now: now)
        ExpertPanel.register(&handlers, now: now)
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        let database = IntakeDatabase(environment, settings: IntakeDatabase.Settings(referenceData: referenceData))
        router.addRoutes(RoundsController(environment: environment, database: database).routes, atPath: "rounds")
        router.addRoutes(ApplicationsController(environment: environment, database: database).routes, atPath: "applications")
        router.addRoutes(AttachmentsController(environment: environment, database: database).routes, atPath: "applications")
        router.addRoutes(StudiosController(database: database).routes, atPath: "studios")
        router.addRoutes(ImportController(environment: environment, database: database).routes)
    }

    /// Attachments (up to 10 MiB each) and round imports (a county's CSV) are larger than other bodies.
    public var bodyLimitOverrides: [BodyLimitOverride] {
        [BodyLimitOverride("/applications/*/attachments", limit: AttachmentStore.maximumSize),
         BodyLimitOverride("/rounds/*/import", limit: 10 * 1024 * 1024)]
    }

    /// Services/Intake/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
