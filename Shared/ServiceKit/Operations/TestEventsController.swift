import Foundation
import GRDB
import Hummingbird
import Messaging
import StudioDomain

/// `/ops/test-events`: send test events through the backbone and see the ones received.
struct TestEventsController: OperationsResource {
    let environment: ServiceEnvironment

    var routes: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post(use: sendTestEvents)
            .get("received", use: receivedTestEvents)
    }

    struct SendTestEvents: Decodable {
        var aggregate: String?
        var count: Int?
        var note: String?
    }

    struct SentTestEvents: ResponseEncodable { var ids: [String] }

    @Sendable func sendTestEvents(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SentTestEvents> {
        try context.require(.operator)
        let input = try await request.decodeJSONIfPresent(SendTestEvents.self, context: context) ?? SendTestEvents()
        let count = input.count ?? 1
        guard (1...1000).contains(count) else {
            throw Problem.validation([DomainIssue(code: "test_events.count", field: "count", messageZh: "数量须在 1 到 1000 之间", messageEn: "count must be between 1 and 1000")])
        }
        let aggregate = input.aggregate ?? "test:\(UUID().uuidString.lowercased())"
        guard !aggregate.isEmpty, aggregate.count <= 200 else {
            throw Problem.validation([DomainIssue(code: "test_events.aggregate", field: "aggregate", messageZh: "聚合标识须为 1 到 200 个字符", messageEn: "aggregate must be 1 to 200 characters")])
        }
        let outbox = environment.outbox
        let ids = try await database.write { db in
            try (0..<count).map { index in
                try outbox.append(WebhookTestEvent(aggregate: aggregate, note: input.note ?? "test \(index + 1) of \(count)"), in: db).id
            }
        }
        return EditedResponse(status: .created, response: SentTestEvents(ids: ids))
    }

    struct ReceivedTestEvent: Codable, Sendable {
        var webhookId: String
        var source: String
        var aggregate: String
        var sequence: Int64
        var note: String
        var receivedAt: Date
    }

    @Sendable func receivedTestEvents(_ request: Request, context: AppRequestContext) async throws -> Listing<ReceivedTestEvent> {
        try context.require(.operator)
        let limit = try QueryValues.integer(request, "limit", fallback: 100, in: 1...100_000)
        let items = try await database.read { db in
            try MessagingOperations.receivedTestEvents(limit: limit, in: db).map {
                ReceivedTestEvent(webhookId: $0.webhookId, source: $0.source, aggregate: $0.aggregate, sequence: $0.sequence,
                                  note: $0.note, receivedAt: Millis.date($0.receivedAt))
            }
        }
        return Listing(items: items)
    }
}
