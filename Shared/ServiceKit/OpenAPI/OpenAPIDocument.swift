/// The OpenAPI 3.1 document of a service: the kit's endpoints (health, metrics, events, operations)
/// and the service's own. Tests check that every route of the router is described here.
public enum OpenAPIDocument {
    public static func render(module: some ServiceModule, handledEventTypes: [String], demoClock: Bool = false) -> String {
        """
        openapi: 3.1.0
        info:
          title: Quzhou innovation studios — \(module.name)
          version: 1.0.0
          description: |
            \(module.summary)
            Part of the platform for 衢州市高技能人才（劳模）创新工作室 (衢总工字〔2016〕38号).
            Errors are RFC 9457 problem documents (application/problem+json) whose `errors` list names
            each field, the article of the regulation where one applies, and a message in Chinese and English.
            Event types this service applies from webhooks: \(handledEventTypes.joined(separator: ", ")).
        servers:
          - url: http://127.0.0.1:\(module.defaultPort)
        security:
          - bearer: []
        paths:
        \(kitPaths)
        \(demoClock ? demoClockPaths : "")
        \(module.openAPIPaths)
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
              description: A token issued with `<service> token issue` or POST /ops/tokens; stored hashed.
            webhookSignature:
              type: apiKey
              in: header
              name: webhook-signature
              description: Standard Webhooks signature (v1, HMAC-SHA256 of id.timestamp.body) with webhook-id and webhook-timestamp.
          responses:
            Problem:
              description: An error, as an RFC 9457 problem document.
              content:
                application/problem+json:
                  schema: { $ref: '#/components/schemas/Problem' }
          schemas:
        \(kitSchemas)
        \(module.openAPISchemas)
        """
    }

    /// The kit's operations declare 413 (body too large) besides the usual problems.
    static let errors = [400, 401, 403, 404, 409, 413, 422]

    static func operation(_ method: String, _ summary: String, parameters: [String] = [], body: OpenAPIBuilder.Body? = nil,
                          status: Int = 200, description: String = "OK", schema: String?) -> String {
        OpenAPIBuilder.operation(method: method, summary: summary, parameters: parameters, body: body, status: status,
                                 description: description, schema: schema, errors: errors)
    }

    /// The probes and this document: public, no problem responses but readiness's 503.
    static func probe(_ summary: String, _ description: String, _ contentType: String, _ schema: String, errors: [Int] = []) -> String {
        OpenAPIBuilder.operation(method: "get", summary: summary, description: description, schema: schema,
                                 contentTypes: [contentType], errors: errors, security: [])
    }

    static let id = OpenAPIBuilder.pathParameter("id")
    static let limit = OpenAPIBuilder.queryParameter("limit", "type: integer, minimum: 1, maximum: 1000")
    static let subscription = OpenAPIBuilder.queryParameter("subscription")

    static let kitPaths = [
        OpenAPIBuilder.path("/health", probe("Liveness", "The process is up", "application/json", "{ type: object }")),
        OpenAPIBuilder.path("/ready", probe("Readiness (database open and migrated)", "Ready", "application/json", "{ type: object }",
                                            errors: [503])),
        OpenAPIBuilder.path("/metrics", probe("Prometheus metrics (queue depth, attempts by outcome, delivery latency, requests)",
                                              "Prometheus text format", "text/plain", "{ type: string }")),
        OpenAPIBuilder.path("/openapi.yaml", probe("This document", "OpenAPI 3.1", "application/yaml", "{ type: string }")),
        OpenAPIBuilder.path("/events", OpenAPIBuilder.operation(
            method: "post", summary: "Webhook receiver (Standard Webhooks). 2xx means applied or already applied.",
            parameters: ["webhook-id", "webhook-timestamp", "webhook-signature"].map { OpenAPIBuilder.parameter($0, in: "header", required: true) },
            body: .json("EventEnvelope"), schema: OpenAPIBuilder.ref("EventAccepted"), errors: errors, security: ["webhookSignature"])),
        OpenAPIBuilder.path("/ops/subscriptions",
            operation("get", "List subscriptions (operator)", schema: OpenAPIBuilder.ref("SubscriptionList")),
            operation("post", "Create a subscription (operator); the secret is shown once", body: .json("CreateSubscription"),
                      status: 201, schema: OpenAPIBuilder.ref("Subscription"))),
        OpenAPIBuilder.path("/ops/subscriptions/{id}",
            operation("get", "Show a subscription by id or name (operator)", parameters: [id], schema: OpenAPIBuilder.ref("Subscription")),
            operation("patch", "Change url or event types, disable or enable (operator)", parameters: [id],
                      body: .json("UpdateSubscription"), schema: OpenAPIBuilder.ref("Subscription"))),
        OpenAPIBuilder.path("/ops/subscriptions/{id}/rotate-secret",
            operation("post", "Rotate the signing secret; the old one signs beside it for graceSeconds (operator)", parameters: [id],
                      body: .json("RotateSecret"), schema: OpenAPIBuilder.ref("Subscription"))),
        OpenAPIBuilder.path("/ops/messages",
            operation("get", "Outbox messages with their deliveries (operator)", parameters: [
                OpenAPIBuilder.queryParameter("status", "type: string, enum: [pending, ready, queued, succeeded, dead]"),
                OpenAPIBuilder.queryParameter("type"), OpenAPIBuilder.queryParameter("aggregate"), subscription,
                OpenAPIBuilder.queryParameter("from", "type: string, format: date-time"),
                OpenAPIBuilder.queryParameter("to", "type: string, format: date-time"), limit,
            ], schema: OpenAPIBuilder.ref("MessageList"))),
        OpenAPIBuilder.path("/ops/messages/{id}",
            operation("get", "One message with every attempt of every delivery (operator)", parameters: [id], schema: OpenAPIBuilder.ref("Message"))),
        OpenAPIBuilder.path("/ops/messages/{id}/replay",
            operation("post", "Send one message again, to all its subscriptions or one (operator)", parameters: [id],
                      body: .json("ReplayOne", required: false), schema: OpenAPIBuilder.ref("Replayed"))),
        OpenAPIBuilder.path("/ops/replay",
            operation("post", "Replay the messages of a time range, by default only dead letters (operator)",
                      body: .json("ReplayRange"), schema: OpenAPIBuilder.ref("Replayed"))),
        OpenAPIBuilder.path("/ops/dead-letters",
            operation("get", "Dead-lettered deliveries with their attempts (operator)", parameters: [subscription, limit],
                      schema: OpenAPIBuilder.ref("DeliveryList"))),
        OpenAPIBuilder.path("/ops/queue", operation("get", "Queue depth per subscription (operator)", schema: OpenAPIBuilder.ref("QueueDepth"))),
        OpenAPIBuilder.path("/ops/test-events",
            operation("post", "Emit webhook.test events through every subscription that takes them (operator)",
                      body: .json("SendTestEvents", required: false), status: 201, schema: OpenAPIBuilder.ref("SentTestEvents"))),
        OpenAPIBuilder.path("/ops/test-events/received",
            operation("get", "webhook.test events this service received, in the order applied (operator)",
                      parameters: [OpenAPIBuilder.queryParameter("limit", "type: integer, minimum: 1, maximum: 100000")],
                      schema: OpenAPIBuilder.ref("ReceivedTestEventList"))),
        OpenAPIBuilder.path("/ops/inbound-secrets",
            operation("get", "Secrets this service accepts on /events, per sending service (operator)",
                      schema: OpenAPIBuilder.ref("InboundSecretList")),
            operation("post", "Accept a sender's secret (operator)", body: .json("AddInboundSecret"), status: 201,
                      schema: OpenAPIBuilder.ref("InboundSecret"))),
        OpenAPIBuilder.path("/ops/inbound-secrets/{id}",
            operation("delete", "Stop accepting a secret (operator)", parameters: [OpenAPIBuilder.pathParameter("id", type: "integer")],
                      status: 204, description: "Done", schema: nil)),
        OpenAPIBuilder.path("/ops/audit",
            operation("get", "The hash-chained audit log of decisions and money movements (operator, audit_office, department)",
                      parameters: [OpenAPIBuilder.queryParameter("after", "type: integer"), limit], schema: OpenAPIBuilder.ref("AuditEntryList"))),
        OpenAPIBuilder.path("/ops/audit/verify",
            operation("get", "Walk the chain; names the first broken entry (operator, audit_office, department)",
                      schema: OpenAPIBuilder.ref("AuditVerification"))),
        OpenAPIBuilder.path("/ops/tokens",
            operation("get", "API tokens (hashes are never shown) (operator)", schema: OpenAPIBuilder.ref("TokenList")),
            operation("post", "Issue a token for a role; the token is shown once (operator)", body: .json("IssueToken"),
                      status: 201, schema: OpenAPIBuilder.ref("IssuedToken"))),
        OpenAPIBuilder.path("/ops/tokens/{id}",
            operation("delete", "Revoke a token (operator)", parameters: [id], status: 204, description: "Done", schema: nil)),
    ].joined(separator: "\n")

    static let demoClockPaths = OpenAPIBuilder.path("/ops/clock",
        operation("get", "Business time (demo and test mode only; absent in production) (operator)", schema: OpenAPIBuilder.ref("DemoClock")),
        operation("post", "Move business time forward (demo and test mode only) (operator)", body: .json("SetDemoClock"),
                  schema: OpenAPIBuilder.ref("DemoClock")))

    static let kitSchemas = """
            DemoClock:
              type: object
              properties:
                now: { type: string, format: date-time }
                today: { type: string, format: date }
                mode: { type: string }
            SetDemoClock:
              type: object
              properties:
                now: { type: string, format: date-time }
                advanceDays: { type: integer, minimum: 0, maximum: 3650 }
            DomainIssue:
              type: object
              required: [code, field, message_zh, message_en]
              properties:
                code: { type: string }
                field: { type: string }
                article: { type: [string, 'null'], description: 'the article of the regulation, e.g. 第五条第（四）项 / Art. 5(4)' }
                message_zh: { type: string }
                message_en: { type: string }
            Problem:
              type: object
              required: [type, title, status, errors]
              properties:
                type: { type: string }
                title: { type: string }
                status: { type: integer }
                detail: { type: string }
                errors: { type: array, items: { $ref: '#/components/schemas/DomainIssue' } }
            EventEnvelope:
              type: object
              required: [id, type, version, occurredAt, source, aggregate, sequence, data]
              properties:
                id: { type: string }
                type: { type: string }
                version: { type: integer }
                occurredAt: { type: string, format: date-time }
                source: { type: string }
                aggregate: { type: string }
                sequence: { type: integer }
                data: { type: object }
            EventAccepted:
              type: object
              properties:
                id: { type: string }
                outcome: { type: string, enum: [applied, duplicate, ignored] }
            Subscription:
              type: object
              properties:
                id: { type: string }
                name: { type: string }
                url: { type: string }
                eventTypes: { type: array, items: { type: string } }
                status: { type: string, enum: [active, disabled] }
                disabledReason: { type: [string, 'null'] }
                throttledUntil: { type: [string, 'null'], format: date-time }
                rotatingUntil: { type: [string, 'null'], format: date-time }
                createdAt: { type: string, format: date-time }
                updatedAt: { type: string, format: date-time }
                secret: { type: [string, 'null'], description: only when created or rotated }
            SubscriptionList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Subscription' } } }
            CreateSubscription:
              type: object
              required: [name, url, eventTypes]
              properties:
                name: { type: string }
                url: { type: string }
                eventTypes: { type: array, items: { type: string } }
                secret: { type: [string, 'null'], description: 'whsec_ + base64; generated when absent' }
            UpdateSubscription:
              type: object
              properties:
                url: { type: [string, 'null'] }
                eventTypes: { type: [array, 'null'], items: { type: string } }
                active: { type: [boolean, 'null'] }
            RotateSecret:
              type: object
              properties:
                secret: { type: [string, 'null'] }
                graceSeconds: { type: [integer, 'null'], minimum: 0, maximum: 2592000 }
            Attempt:
              type: object
              properties:
                attemptedAt: { type: string, format: date-time }
                outcome: { type: string, enum: [success, http_error, throttled, gone, timeout, connection_error, transport_error] }
                statusCode: { type: [integer, 'null'] }
                latencyMs: { type: number }
                error: { type: [string, 'null'] }
            Delivery:
              type: object
              properties:
                id: { type: integer }
                messageId: { type: string }
                subscriptionId: { type: string }
                aggregate: { type: string }
                sequence: { type: integer }
                status: { type: string, enum: [ready, queued, succeeded, dead] }
                attempts: { type: integer }
                nextAttemptAt: { type: [string, 'null'], format: date-time }
                createdAt: { type: string, format: date-time }
                completedAt: { type: [string, 'null'], format: date-time }
                lastStatusCode: { type: [integer, 'null'] }
                lastError: { type: [string, 'null'] }
                attemptLog: { type: [array, 'null'], items: { $ref: '#/components/schemas/Attempt' } }
            DeliveryList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Delivery' } } }
            Message:
              type: object
              properties:
                id: { type: string }
                type: { type: string }
                version: { type: integer }
                aggregate: { type: string }
                sequence: { type: integer }
                occurredAt: { type: string, format: date-time }
                deliveries: { type: array, items: { $ref: '#/components/schemas/Delivery' } }
            MessageList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Message' } } }
            ReplayOne:
              type: object
              properties: { subscriptionId: { type: [string, 'null'] } }
            ReplayRange:
              type: object
              required: [from, to]
              properties:
                from: { type: string, format: date-time }
                to: { type: string, format: date-time }
                subscriptionId: { type: [string, 'null'] }
                onlyDead: { type: [boolean, 'null'], default: true }
            Replayed:
              type: object
              properties: { replayed: { type: integer } }
            QueueDepth:
              type: object
              properties:
                pending: { type: integer }
                dead: { type: integer }
                subscriptions:
                  type: array
                  items:
                    type: object
                    properties:
                      subscriptionId: { type: string }
                      name: { type: string }
                      status: { type: string }
                      ready: { type: integer }
                      queued: { type: integer }
                      dead: { type: integer }
                      oldestPendingAt: { type: [string, 'null'], format: date-time }
            SendTestEvents:
              type: object
              properties:
                aggregate: { type: [string, 'null'] }
                count: { type: [integer, 'null'], minimum: 1, maximum: 1000 }
                note: { type: [string, 'null'] }
            SentTestEvents:
              type: object
              properties: { ids: { type: array, items: { type: string } } }
            ReceivedTestEventList:
              type: object
              properties:
                items:
                  type: array
                  items:
                    type: object
                    properties:
                      webhookId: { type: string }
                      source: { type: string }
                      aggregate: { type: string }
                      sequence: { type: integer }
                      note: { type: string }
                      receivedAt: { type: string, format: date-time }
            InboundSecret:
              type: object
              properties:
                id: { type: integer }
                source: { type: string }
                secretPrefix: { type: string }
                createdAt: { type: string, format: date-time }
                expiresAt: { type: [string, 'null'], format: date-time }
            InboundSecretList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/InboundSecret' } } }
            AddInboundSecret:
              type: object
              required: [source, secret]
              properties:
                source: { type: string }
                secret: { type: string }
                expiresAt: { type: [string, 'null'], format: date-time }
            AuditEntry:
              type: object
              properties:
                seq: { type: integer }
                at: { type: string, format: date-time }
                actorRole: { type: string }
                actorSubject: { type: [string, 'null'] }
                action: { type: string }
                subject: { type: string }
                details: { type: string, description: JSON text }
                prevHash: { type: string }
                hash: { type: string }
            AuditEntryList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/AuditEntry' } } }
            AuditVerification:
              type: object
              properties:
                entries: { type: integer }
                intact: { type: boolean }
                firstBroken: { type: [integer, 'null'] }
                problem: { type: [string, 'null'] }
                headHash: { type: [string, 'null'] }
            Token:
              type: object
              properties:
                id: { type: string }
                role: { type: string, enum: [screening_body, department, expert, federation, finance, audit_office, operator] }
                subject: { type: [string, 'null'] }
                label: { type: [string, 'null'] }
                createdAt: { type: string, format: date-time }
                revokedAt: { type: [string, 'null'], format: date-time }
            TokenList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Token' } } }
            IssueToken:
              type: object
              required: [role]
              properties:
                role: { type: string, enum: [screening_body, department, expert, federation, finance, audit_office, operator] }
                subject: { type: [string, 'null'] }
                label: { type: [string, 'null'] }
            IssuedToken:
              type: object
              properties:
                token: { type: string }
                info: { $ref: '#/components/schemas/Token' }
        """
}
