import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The studio register as intake knows it: a screening body sees its own studios, the department all.
struct StudiosController {
    let database: IntakeDatabase
    var referenceData: ReferenceData { database.settings.referenceData }

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ReplicatedStudio> {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        // A screening body sees its own; the department may narrow to one county's.
        let filter = StudioReplica.Filter(
            screeningBody: caller.bodyCode ?? request.queryText("screeningBody"), name: request.queryText("name"), unit: request.queryText("unit"),
            status: try QueryValues.oneOf(request, "status", StudioStatus.allCases.map(\.rawValue)),
            level: try QueryValues.oneOf(request, "level", StudioLevel.allCases.map(\.rawValue)),
            year: try QueryValues.year(request))
        return Listing(try await database.studios(filter, page: try PageRequest.parse(request)))
    }
}
