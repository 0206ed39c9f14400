import Foundation
import GRDB
import Hummingbird
import Messaging
import ServiceKit
import StudioDomain

/// Revocation cases (Art 20): the department opens one, the federation decides it.
struct RevocationController {
    let environment: ServiceEnvironment

    func add(to router: Router<AppRequestContext>) {
        router.get("revocation-cases", use: list)
        router.post("revocation-cases", use: open)
        router.get("revocation-cases/:id", use: show)
        router.post("revocation-cases/:id/decision", use: decide)
    }

    struct OpenInput: Decodable, Sendable {
        var studioId: StudioID
        var description: String
        var foundOn: LocalDate
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<RevocationCaseView> {
        try context.require(.department, .federation)
        let filter = try CaseFilter(request, statuses: ["open", "revoked", "dismissed"])
        let page = try PageRequest.parse(request)
        // Oldest opened first, over (opened_at, id); the year is the year the facts were found.
        let (items, next, total) = try await environment.database.read { db in
            try filter.page("revocation_case", order: [("opened_at", true), ("id", false)], yearColumn: "found_on", page: page, in: db,
                            as: RevocationCaseView.init(row:))
        }
        return Listing(items: items, nextCursor: next, total: total)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RevocationCaseView {
        try context.require(.department, .federation)
        let id = try context.parameters.require("id")
        guard let found = try await environment.database.read({ db in try RevocationCaseView.find(id, in: db) }) else {
            throw Problem.notFound("revocation case", zh: "撤销案件", id: id)
        }
        return found
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<RevocationCaseView> {
        let actor = Agent(try context.require(.department))
        let input = try await request.decodeJSON(OpenInput.self, context: context)
        let now = environment.now()
        var issues = Check.text(input.description, field: "description", nameZh: "查实情况", nameEn: "the description", max: 2000)
        issues += Check.notInFuture(input.foundOn, today: LocalDate(now), field: "foundOn", nameZh: "查实日期", nameEn: "foundOn")
        guard issues.isEmpty else { throw Problem.validation(issues) }
        let view = try await environment.database.write { db in
            let studio = try RegisteredStudio.require(input.studioId, in: db)
            try studio.requireTitle()
            let id = try RevocationCases.open(studio: studio.id, origin: "department", inspection: nil, grant: nil, amount: nil,
                                              description: input.description.trimmed, foundOn: input.foundOn, rectificationDeadline: nil,
                                              actor: actor, nowMillis: Millis.from(now), in: db)
            return try RevocationCaseView.find(id, in: db)!
        }
        return EditedResponse(status: .created, response: view)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> RevocationCaseView {
        let actor = Agent(try context.require(.federation))
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(RevocationCases.DecisionInput.self, context: context)
        let now = environment.now()
        let outbox = environment.outbox
        return try await environment.database.write { db in
            try RevocationCases.decide(caseID: id, input, actor: actor, outbox: outbox, today: LocalDate(now), nowMillis: Millis.from(now), in: db)
        }
    }
}

extension RevocationCaseView: ResponseEncodable {}
