import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// `/ops/messages`, `/ops/dead-letters`, `/ops/replay` and `/ops/queue`: the outbox with its attempts, dead letters,
/// replay and queue depth (MESSAGING.md §7).
struct OutboxController: OperationsResource {
    let environment: ServiceEnvironment

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("messages", use: listMessages)
            .get("messages/:id", use: showMessage)
            .post("messages/:id/replay", use: replayMessage)
            .get("dead-letters", use: deadLetters)
            .post("replay", use: replayRange)
            .get("queue", use: queue)
    }

    @Sendable func listMessages(_ request: Request, context: AppRequestContext) async throws -> Listing<MessageView> {
        try context.require(.operator)
        let query = request.uri.queryParameters
        let filter = MessageFilter(
            status: try QueryValues.oneOf(request, "status", ["pending", "ready", "queued", "succeeded", "dead"]), type: query["type"].map(String.init),
            aggregate: query["aggregate"].map(String.init), subscriptionId: query["subscription"].map(String.init),
            from: try query["from"].map { try instant(String($0), field: "from") }, to: try query["to"].map { try instant(String($0), field: "to") },
            limit: try QueryValues.integer(request, "limit", fallback: 100, in: 1...1000))
        return Listing(items: try await database.read { db in try MessagingOperations.messages(filter, in: db) })
    }

    @Sendable func showMessage(_ request: Request, context: AppRequestContext) async throws -> MessageView {
        try context.require(.operator)
        let id = try context.parameters.require("id")
        guard let message = try await database.read({ db in try MessagingOperations.message(id: id, in: db) }) else {
            throw Problem.notFound("message", zh: "消息", id: id)
        }
        return message
    }

    struct ReplayOne: Decodable { var subscriptionId: String? }
    struct ReplayRange: Decodable {
        var from: Date
        var to: Date
        var subscriptionId: String?
        var onlyDead: Bool?
    }

    struct Replayed: ResponseEncodable { var replayed: Int }

    @Sendable func replayMessage(_ request: Request, context: AppRequestContext) async throws -> Replayed {
        let identity = try context.require(.operator)
        let id = try context.parameters.require("id")
        let input = try await request.decodeJSONIfPresent(ReplayOne.self, context: context) ?? ReplayOne(subscriptionId: nil)
        let now = nowMillis
        let count = try await mapSubscriptionErrors {
            try await database.write { db -> Int in
                guard try MessagingOperations.body(id: id, in: db) != nil else { throw Problem.notFound("message", zh: "消息", id: id) }
                let count = try MessagingOperations.replay(messageID: id, subscriptionID: input.subscriptionId, nowMillis: now, in: db)
                try Self.record(identity, "ops.replay.message", subject: "message:\(id)",
                               ["subscription": input.subscriptionId ?? "*", "replayed": String(count)], at: now, in: db)
                return count
            }
        }
        environment.outbox.wake()
        return Replayed(replayed: count)
    }

    @Sendable func replayRange(_ request: Request, context: AppRequestContext) async throws -> Replayed {
        let identity = try context.require(.operator)
        let input = try await request.decodeJSON(ReplayRange.self, context: context)
        guard input.from < input.to else {
            throw Problem.validation([DomainIssue(code: "replay.range", field: "to", messageZh: "结束时间须晚于开始时间", messageEn: "to must be after from")])
        }
        let now = nowMillis
        let count = try await mapSubscriptionErrors {
            try await database.write { db in
                let count = try MessagingOperations.replay(from: input.from, to: input.to, subscriptionID: input.subscriptionId, onlyDead: input.onlyDead ?? true, nowMillis: now, in: db)
                try Self.record(identity, "ops.replay.range", subject: "messages", [
                    "from": RFC3339.string(from: input.from), "to": RFC3339.string(from: input.to), "subscription": input.subscriptionId ?? "*",
                    "onlyDead": String(input.onlyDead ?? true), "replayed": String(count)], at: now, in: db)
                return count
            }
        }
        environment.outbox.wake()
        return Replayed(replayed: count)
    }

    @Sendable func deadLetters(_ request: Request, context: AppRequestContext) async throws -> Listing<DeliveryView> {
        try context.require(.operator)
        let query = request.uri.queryParameters
        let limit = try QueryValues.integer(request, "limit", fallback: 100, in: 1...1000)
        let subscription = query["subscription"].map(String.init)
        return Listing(items: try await database.read { db in try MessagingOperations.deadLetters(subscriptionId: subscription, limit: limit, in: db) })
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> QueueDepthView {
        try context.require(.operator)
        return try await database.read { db in try MessagingOperations.queueDepth(in: db) }
    }
}
