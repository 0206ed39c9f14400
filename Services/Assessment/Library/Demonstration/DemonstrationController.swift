import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Demonstration acceptances (Art 14): opened by review's selection, recorded by the department.
struct DemonstrationController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.get("demonstration-acceptances", use: list)
        router.get("demonstration-acceptances/:id", use: show)
        router.post("demonstration-acceptances/:id/result", use: record)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<DemonstrationAcceptanceView> {
        try context.require(.department, .federation)
        let filter = try CaseFilter(request, statuses: ["pending", "accepted", "failed"])
        let page = try PageRequest.parse(request, keyParts: 3)
        // By the round's year, then opened, over (year, opened_at, id).
        let (items, next, total) = try await environment.database.read { db in
            try filter.page("demonstration_acceptance", order: [("year", true), ("opened_at", true), ("id", false)], yearColumn: "year", yearIsInteger: true,
                            page: page, in: db, as: DemonstrationAcceptanceView.init(row:))
        }
        return Listing(items: items, nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> DemonstrationAcceptanceView {
        try context.require(.department, .federation)
        let id = try context.parameters.require("id")
        guard let found = try await environment.database.read({ db in try DemonstrationAcceptanceView.find(id, in: db) }) else {
            throw Problem.notFound("demonstration acceptance", zh: "示范验收", id: id)
        }
        return found
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> DemonstrationAcceptanceView {
        let actor = Agent(try context.require(.department))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(DemonstrationAcceptance.Input.self, context: context)
        let now = environment.now()
        let outbox = environment.outbox
        return try await environment.database.write { db in
            try DemonstrationAcceptance.record(acceptanceID: id, input, actor: actor, outbox: outbox, today: LocalDate(now),
                                               nowMillis: Millis.from(now), in: db)
        }
    }
}

extension DemonstrationAcceptanceView: ResponseEncodable {}
