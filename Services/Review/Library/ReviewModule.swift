import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Review (评审): qualification review, the expert panel, conflict-free assignment, scoring, ranking against the quota, the federation's decision (Art 9, 11, 13, 14).
public struct ReviewModule: ServiceModule {
    /// The screening bodies' names for the public notice's area column.
    public let referenceData: ReferenceData

    public init(referenceData: ReferenceData = .defaults) {
        self.referenceData = referenceData
    }

    public var name: String { "review" }
    public var defaultPort: Int { 8082 }
    public var summary: String { "Review (评审): qualification review, the expert panel, conflict-free assignment, scoring, ranking against the quota, the federation's decision (Art 9, 11, 13, 14)." }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        ReviewDatabase.migrations(&migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        IntakeHandlers.register(&handlers, environment: environment)
        StudioReplica.register(&handlers, environment: environment)
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        let database = ReviewDatabase(environment)
        router.addRoutes(RoundsController(environment: environment, database: database).routes, atPath: "rounds")
        router.addRoutes(QualificationController(environment: environment, database: database).routes, atPath: "applications")
        router.addRoutes(ExpertsController(environment: environment, database: database).routes)
        router.addRoutes(ExpertImport(environment: environment, database: database).routes, atPath: "experts")
        router.addRoutes(AssignmentController(environment: environment, database: database).routes, atPath: "rounds")
        router.addRoutes(ScoringController(environment: environment, database: database).routes)
        let ranking = RankingController(environment: environment, database: database)
        router.addRoutes(ranking.routes, atPath: "rounds")
        let decision = DecisionController(environment: environment, database: database)
        router.addRoutes(decision.routes, atPath: "rounds")
        router.addRoutes(PublicNoticeController(environment: environment, database: database, referenceData: referenceData).routes, atPath: "public")
        router.addRoutes(CalendarsController(environment: environment, database: database).routes, atPath: "calendars")
        router.addRoutes(SiteVisitController(environment: environment, database: database).routes)
        router.addRoutes(SpreadsheetExports(environment: environment, database: database, ranking: ranking, decision: decision).routes, atPath: "rounds")
    }

    /// Site-visit photos are up to 5 MiB, more than other bodies.
    public var bodyLimitOverrides: [BodyLimitOverride] {
        [BodyLimitOverride("/site-visits/*/photos", limit: SiteVisitController.photoLimit)]
    }

    /// Services/Review/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
