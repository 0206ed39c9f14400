import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// `/ops/subscriptions`: who receives this service's events, where, and with which secret (MESSAGING.md §7).
struct SubscriptionsController: OperationsResource {
    let environment: ServiceEnvironment

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: listSubscriptions)
            .post(use: createSubscription)
            .get(":id", use: showSubscription)
            .patch(":id", use: updateSubscription)
            .post(":id/rotate-secret", use: rotateSecret)
    }

    struct SubscriptionView: ResponseCodable {
        var id: String
        var name: String
        var url: String
        var eventTypes: [String]
        var status: String
        var disabledReason: String?
        var throttledUntil: Date?
        var rotatingUntil: Date?
        var createdAt: Date
        var updatedAt: Date
        /// Shown only when created or rotated.
        var secret: String?

        init(_ record: SubscriptionRecord, showSecret: Bool = false) {
            id = record.id
            name = record.name
            url = record.url
            eventTypes = record.eventTypeList
            status = record.status.rawValue
            disabledReason = record.disabledReason
            throttledUntil = record.throttledUntil.map(Millis.date)
            rotatingUntil = record.previousSecretExpiresAt.map(Millis.date)
            createdAt = Millis.date(record.createdAt)
            updatedAt = Millis.date(record.updatedAt)
            secret = showSecret ? record.secret : nil
        }
    }

    struct CreateSubscription: Decodable {
        var name: String
        var url: String
        var eventTypes: [String]
        var secret: String?
    }

    struct UpdateSubscription: Decodable {
        var url: String?
        var eventTypes: [String]?
        var active: Bool?
    }

    struct RotateSecret: Decodable {
        var secret: String?
        /// How long the old secret keeps signing beside the new one; default one day.
        var graceSeconds: Int?
    }

    @Sendable func listSubscriptions(_ request: Request, context: AppRequestContext) async throws -> Listing<SubscriptionView> {
        try context.require(.operator)
        return Listing(items: try await database.read { db in try SubscriptionRecord.order(Column("name")).fetchAll(db) }.map { SubscriptionView($0) })
    }

    @Sendable func createSubscription(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SubscriptionView> {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(CreateSubscription.self, context: context)
        let now = nowMillis
        let record = try await mapSubscriptionErrors {
            try await database.write { db in
                let record = try Subscriptions.create(name: input.name, url: input.url, eventTypes: input.eventTypes, secret: input.secret, nowMillis: now, in: db)
                try Self.record(identity, "ops.subscription.created", subject: "subscription:\(record.id)",
                               ["name": record.name, "url": record.url, "eventTypes": record.eventTypes], at: now, in: db)
                return record
            }
        }
        return EditedResponse(status: .created, response: SubscriptionView(record, showSecret: true))
    }

    @Sendable func showSubscription(_ request: Request, context: AppRequestContext) async throws -> SubscriptionView {
        try context.require(.operator)
        let id = try context.parameters.require("id")
        return SubscriptionView(try await mapSubscriptionErrors { try await database.read { db in try Subscriptions.find(id, in: db) } })
    }

    @Sendable func updateSubscription(_ request: Request, context: AppRequestContext) async throws -> SubscriptionView {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(UpdateSubscription.self, context: context)
        let now = nowMillis
        let record = try await mapSubscriptionErrors {
            try await database.write { db in
                let record = try Subscriptions.update(id, url: input.url, eventTypes: input.eventTypes, active: input.active, nowMillis: now, in: db)
                try Self.record(identity, "ops.subscription.changed", subject: "subscription:\(record.id)",
                               ["url": record.url, "eventTypes": record.eventTypes, "status": record.status.rawValue], at: now, in: db)
                return record
            }
        }
        if input.active == true { environment.outbox.wake() }
        return SubscriptionView(record)
    }

    @Sendable func rotateSecret(_ request: Request, context: AppRequestContext) async throws -> SubscriptionView {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSON(RotateSecret.self, context: context)
        let grace = input.graceSeconds ?? 86400
        guard (0...(30 * 86400)).contains(grace) else {
            throw Problem.validation([DomainIssue(code: "subscription.grace", field: "graceSeconds", messageZh: "宽限期须在 0 到 2592000 秒之间", messageEn: "graceSeconds must be between 0 and 2592000")])
        }
        let now = nowMillis
        let record = try await mapSubscriptionErrors {
            try await database.write { db in
                let record = try Subscriptions.rotateSecret(id, newSecret: input.secret, grace: .seconds(grace), nowMillis: now, in: db)
                // Never the secret itself: which subscription, and how long the old one stays valid.
                try Self.record(identity, "ops.subscription.secret_rotated", subject: "subscription:\(record.id)", ["graceSeconds": String(grace)], at: now, in: db)
                return record
            }
        }
        return SubscriptionView(record, showSecret: true)
    }
}
