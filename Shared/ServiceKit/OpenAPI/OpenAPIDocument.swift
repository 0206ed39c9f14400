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

    static let problemResponses = """
                '400': { $ref: '#/components/responses/Problem' }
                '401': { $ref: '#/components/responses/Problem' }
                '403': { $ref: '#/components/responses/Problem' }
                '404': { $ref: '#/components/responses/Problem' }
                '409': { $ref: '#/components/responses/Problem' }
                '413': { $ref: '#/components/responses/Problem' }
                '422': { $ref: '#/components/responses/Problem' }
        """

    static func jsonBody(_ schema: String) -> String {
        """
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/\(schema)' }
        """
    }

    static func ok(_ code: String, _ schema: String) -> String {
        """
              responses:
                '\(code)':
                  description: OK
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/\(schema)' }
        \(problemResponses)
        """
    }

    static let noContent = """
              responses:
                '204': { description: Done }
        \(problemResponses)
        """

    static func idParameter(_ name: String = "id", integer: Bool = false) -> String {
        """
              parameters:
                - { name: \(name), in: path, required: true, schema: { type: \(integer ? "integer" : "string") } }
        """
    }

    static let kitPaths = """
          /health:
            get:
              summary: Liveness
              security: []
              responses:
                '200': { description: The process is up, content: { application/json: { schema: { type: object } } } }
          /ready:
            get:
              summary: Readiness (database open and migrated)
              security: []
              responses:
                '200': { description: Ready, content: { application/json: { schema: { type: object } } } }
                '503': { $ref: '#/components/responses/Problem' }
          /metrics:
            get:
              summary: Prometheus metrics (queue depth, attempts by outcome, delivery latency, requests)
              security: []
              responses:
                '200': { description: Prometheus text format, content: { text/plain: { schema: { type: string } } } }
          /openapi.yaml:
            get:
              summary: This document
              security: []
              responses:
                '200': { description: OpenAPI 3.1, content: { application/yaml: { schema: { type: string } } } }
          /events:
            post:
              summary: Webhook receiver (Standard Webhooks). 2xx means applied or already applied.
              security:
                - webhookSignature: []
              parameters:
                - { name: webhook-id, in: header, required: true, schema: { type: string } }
                - { name: webhook-timestamp, in: header, required: true, schema: { type: string } }
                - { name: webhook-signature, in: header, required: true, schema: { type: string } }
        \(jsonBody("EventEnvelope"))
        \(ok("200", "EventAccepted"))
          /ops/subscriptions:
            get:
              summary: List subscriptions (operator)
        \(ok("200", "SubscriptionList"))
            post:
              summary: Create a subscription (operator); the secret is shown once
        \(jsonBody("CreateSubscription"))
        \(ok("201", "Subscription"))
          /ops/subscriptions/{id}:
            get:
              summary: Show a subscription by id or name (operator)
        \(idParameter())
        \(ok("200", "Subscription"))
            patch:
              summary: Change url or event types, disable or enable (operator)
        \(idParameter())
        \(jsonBody("UpdateSubscription"))
        \(ok("200", "Subscription"))
          /ops/subscriptions/{id}/rotate-secret:
            post:
              summary: Rotate the signing secret; the old one signs beside it for graceSeconds (operator)
        \(idParameter())
        \(jsonBody("RotateSecret"))
        \(ok("200", "Subscription"))
          /ops/messages:
            get:
              summary: Outbox messages with their deliveries (operator)
              parameters:
                - { name: status, in: query, schema: { type: string, enum: [pending, ready, queued, succeeded, dead] } }
                - { name: type, in: query, schema: { type: string } }
                - { name: aggregate, in: query, schema: { type: string } }
                - { name: subscription, in: query, schema: { type: string } }
                - { name: from, in: query, schema: { type: string, format: date-time } }
                - { name: to, in: query, schema: { type: string, format: date-time } }
                - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 1000 } }
        \(ok("200", "MessageList"))
          /ops/messages/{id}:
            get:
              summary: One message with every attempt of every delivery (operator)
        \(idParameter())
        \(ok("200", "Message"))
          /ops/messages/{id}/replay:
            post:
              summary: Send one message again, to all its subscriptions or one (operator)
        \(idParameter())
              requestBody:
                required: false
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/ReplayOne' }
        \(ok("200", "Replayed"))
          /ops/replay:
            post:
              summary: Replay the messages of a time range, by default only dead letters (operator)
        \(jsonBody("ReplayRange"))
        \(ok("200", "Replayed"))
          /ops/dead-letters:
            get:
              summary: Dead-lettered deliveries with their attempts (operator)
              parameters:
                - { name: subscription, in: query, schema: { type: string } }
                - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 1000 } }
        \(ok("200", "DeliveryList"))
          /ops/queue:
            get:
              summary: Queue depth per subscription (operator)
        \(ok("200", "QueueDepth"))
          /ops/test-events:
            post:
              summary: Emit webhook.test events through every subscription that takes them (operator)
              requestBody:
                required: false
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/SendTestEvents' }
        \(ok("201", "SentTestEvents"))
          /ops/test-events/received:
            get:
              summary: webhook.test events this service received, in the order applied (operator)
              parameters:
                - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 100000 } }
        \(ok("200", "ReceivedTestEventList"))
          /ops/inbound-secrets:
            get:
              summary: Secrets this service accepts on /events, per sending service (operator)
        \(ok("200", "InboundSecretList"))
            post:
              summary: Accept a sender's secret (operator)
        \(jsonBody("AddInboundSecret"))
        \(ok("201", "InboundSecret"))
          /ops/inbound-secrets/{id}:
            delete:
              summary: Stop accepting a secret (operator)
        \(idParameter(integer: true))
        \(noContent)
          /ops/audit:
            get:
              summary: The hash-chained audit log of decisions and money movements (operator, audit_office, department)
              parameters:
                - { name: after, in: query, schema: { type: integer } }
                - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 1000 } }
        \(ok("200", "AuditEntryList"))
          /ops/audit/verify:
            get:
              summary: Walk the chain; names the first broken entry (operator, audit_office, department)
        \(ok("200", "AuditVerification"))
          /ops/tokens:
            get:
              summary: API tokens (hashes are never shown) (operator)
        \(ok("200", "TokenList"))
            post:
              summary: Issue a token for a role; the token is shown once (operator)
        \(jsonBody("IssueToken"))
        \(ok("201", "IssuedToken"))
          /ops/tokens/{id}:
            delete:
              summary: Revoke a token (operator)
        \(idParameter())
        \(noContent)
        """

    static let demoClockPaths = """
          /ops/clock:
            get:
              summary: Business time (demo and test mode only; absent in production) (operator)
        \(ok("200", "DemoClock"))
            post:
              summary: Move business time forward (demo and test mode only) (operator)
        \(jsonBody("SetDemoClock"))
        \(ok("200", "DemoClock"))
        """

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
                secret: { type: string, description: 'whsec_ + base64; generated when absent' }
            UpdateSubscription:
              type: object
              properties:
                url: { type: string }
                eventTypes: { type: array, items: { type: string } }
                active: { type: boolean }
            RotateSecret:
              type: object
              properties:
                secret: { type: string }
                graceSeconds: { type: integer, minimum: 0, maximum: 2592000 }
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
              properties: { subscriptionId: { type: string } }
            ReplayRange:
              type: object
              required: [from, to]
              properties:
                from: { type: string, format: date-time }
                to: { type: string, format: date-time }
                subscriptionId: { type: string }
                onlyDead: { type: boolean, default: true }
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
                aggregate: { type: string }
                count: { type: integer, minimum: 1, maximum: 1000 }
                note: { type: string }
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
                expiresAt: { type: string, format: date-time }
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
                subject: { type: string }
                label: { type: string }
            IssuedToken:
              type: object
              properties:
                token: { type: string }
                info: { $ref: '#/components/schemas/Token' }
        """
}
