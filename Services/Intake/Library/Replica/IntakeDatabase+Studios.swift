import Foundation
import GRDB
import ServiceKit
import StudioDomain

/// The studio register as intake knows it (the replica of assessment's register, `StudioReplica`).
extension IntakeDatabase {
    func studios(_ filter: StudioReplica.Filter, page: PageRequest) async throws -> (items: [ReplicatedStudio], nextCursor: String?, total: Int) {
        try await read { db in try StudioReplica.page(filter, page: page, in: db) }
    }
}
