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
        ReviewSchema.register(in: &migrator)
        ReviewSchema.migratePanelAccess(&migrator)
    }

    public func registerHandlers(_ handlers: inout InboxHandlers, environment: ServiceEnvironment) {
        IntakeHandlers.register(&handlers, environment: environment)
        StudioReplica.register(&handlers, environment: environment)
    }

    public func addRoutes(to router: Router<AppRequestContext>, environment: ServiceEnvironment) {
        RoundsController(environment: environment).add(to: router)
        QualificationController(environment: environment).add(to: router)
        ExpertsController(environment: environment).add(to: router)
        ExpertImport(environment: environment).add(to: router)
        AssignmentController(environment: environment).add(to: router)
        ScoringController(environment: environment).add(to: router)
        RankingController(environment: environment).add(to: router)
        DecisionController(environment: environment).add(to: router)
        PublicNoticeController(environment: environment, referenceData: referenceData).add(to: router)
        CalendarsController(environment: environment).add(to: router)
        SiteVisitController(environment: environment).add(to: router)
        SpreadsheetExports(environment: environment, ranking: RankingController(environment: environment),
                           decision: DecisionController(environment: environment)).add(to: router)
    }

    /// Site-visit photos are up to 5 MiB, more than other bodies.
    public var bodyLimitOverrides: [BodyLimitOverride] {
        [BodyLimitOverride("/site-visits/*/photos", limit: SiteVisitController.photoLimit)]
    }

    /// Services/Review/openapi.yaml, read from the bundle once.
    public func openAPIDocument() throws -> String { try Self.openAPIDocument.get() }
    static let openAPIDocument = Result { try OpenAPIFile.load(from: Bundle.module) }
}
