import Foundation
import Hummingbird
import ServiceKit
import StudioDomain

/// The studio register as intake knows it: a screening body sees its own studios, the department all.
struct StudiosController {
    let environment: ServiceEnvironment
    let referenceData: ReferenceData

    func add(to router: Router<AppRequestContext>) {
        router.get("studios", use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<ReplicatedStudio> {
        let caller = try Caller.resolve(context, referenceData: referenceData)
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // A screening body sees its own; the department may narrow to one county's.
        let filter = StudioReplica.Filter(
            screeningBody: caller.bodyCode ?? text("screeningBody"), name: text("name"), unit: text("unit"),
            status: try QueryValues.oneOf(request, "status", StudioStatus.allCases.map(\.rawValue)),
            level: try QueryValues.oneOf(request, "level", StudioLevel.allCases.map(\.rawValue)),
            year: try request.uri.queryParameters["year"].map { _ in try QueryValues.integer(request, "year", fallback: 0, in: 2016...9999) })
        let page = try PageRequest.parse(request)
        let result = try await environment.database.read { db in try StudioReplica.page(filter, page: page, in: db) }
        return Listing(items: result.items, nextCursor: result.nextCursor, total: result.total)
    }
}
