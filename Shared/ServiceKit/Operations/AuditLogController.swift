import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// `/ops/audit`: the kit's hash-chained log, and its verification.
struct AuditLogController: OperationsResource {
    let environment: ServiceEnvironment

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: listAudit)
            .get("verify", use: verifyAudit)
    }

    @Sendable func listAudit(_ request: Request, context: AppRequestContext) async throws -> Listing<AuditLog.Entry> {
        try context.require(.operator, .auditOffice, .department)
        let query = request.uri.queryParameters
        let after = Int64(try QueryValues.integer(request, "after", fallback: 0, in: 0...Int.max))
        let limit = try QueryValues.integer(request, "limit", fallback: 100, in: 1...1000)
        return Listing(items: try await database.read { db in try AuditLog.entries(after: after, limit: limit, in: db) })
    }

    @Sendable func verifyAudit(_ request: Request, context: AppRequestContext) async throws -> AuditLog.Verification {
        try context.require(.operator, .auditOffice, .department)
        return try await database.read { db in try AuditLog.verify(in: db) }
    }
}
