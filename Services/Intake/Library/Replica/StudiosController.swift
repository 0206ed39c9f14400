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
        return Listing(items: try await environment.database.read { db in try StudioReplica.all(screeningBody: caller.bodyCode, in: db) })
    }
}
