import ServiceKit

/// Funding's part of the OpenAPI document: paths (indented two spaces under `paths:`) and schemas (four
/// spaces under `components: schemas:`). A test keeps it true to the router.
enum FundingOpenAPI {
    static let idPath = OpenAPIBuilder.pathParameter("id")
    static let studioIdPath = OpenAPIBuilder.pathParameter("studioId")
    static let yearPath = OpenAPIBuilder.pathParameter("year")
    static let csvSchema = "{ type: string, description: 'UTF-8 CSV with a byte-order mark' }"

    static let paths: String = [
        OpenAPIBuilder.path("/grants",
            OpenAPIBuilder.operation(method: "get", summary: "Grants, after marking due and overdue ones, oldest first, a page at a time (limit, cursor), filtered by status, kind, studio, year, payee unit name and screening body (department, finance, audit_office)",
                                     parameters: [OpenAPIBuilder.queryParameter("status", "type: string, enum: [held, scheduled, approved, paid, cancelled]"),
                                                  OpenAPIBuilder.queryParameter("kind", "type: string, enum: [naming, projectGrant, demonstration]"),
                                                  OpenAPIBuilder.queryParameter("studioId"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer"),
                                                  OpenAPIBuilder.queryParameter("name", description: "Part of the payee unit's name"),
                                                  OpenAPIBuilder.queryParameter("screeningBody", description: "A screening body's code (the county)")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("GrantList"))),
        OpenAPIBuilder.path("/grants/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One grant (department, finance, audit_office)",
                                     parameters: [idPath], schema: OpenAPIBuilder.ref("Grant"))),
        OpenAPIBuilder.path("/grants/{id}/approve",
            OpenAPIBuilder.operation(method: "post", summary: "Approve a scheduled grant (department)",
                                     parameters: [idPath], schema: OpenAPIBuilder.ref("Grant"))),
        OpenAPIBuilder.path("/grants/{id}/release",
            OpenAPIBuilder.operation(method: "post", summary: "Release a grant held for the budget, once it fits (department)",
                                     parameters: [idPath], schema: OpenAPIBuilder.ref("Grant"))),
        OpenAPIBuilder.path("/grants/{id}/cancel",
            OpenAPIBuilder.operation(method: "post", summary: "Cancel an unpaid grant with a reason (department); sends grant.cancelled",
                                     parameters: [idPath], body: .json("CancelGrant"), schema: OpenAPIBuilder.ref("Grant"))),
        OpenAPIBuilder.path("/grants/{id}/payment",
            OpenAPIBuilder.operation(method: "post", summary: "Record the payment of an approved grant, one by hand outside a batch (finance); sends grant.paid",
                                     parameters: [idPath], body: .json("GrantPayment"), schema: OpenAPIBuilder.ref("Grant"))),
        OpenAPIBuilder.path("/budgets",
            OpenAPIBuilder.operation(method: "get", summary: "Budget standing per year (department, finance, audit_office)",
                                     schema: OpenAPIBuilder.ref("BudgetList"))),
        OpenAPIBuilder.path("/budgets/{year}",
            OpenAPIBuilder.operation(method: "get", summary: "Budget standing of one year (department, finance, audit_office)",
                                     parameters: [yearPath], schema: OpenAPIBuilder.ref("Budget")),
            OpenAPIBuilder.operation(method: "put", summary: "Set the year's grant budget in fen (department)",
                                     parameters: [yearPath], body: .json("SetBudget"), schema: OpenAPIBuilder.ref("Budget"))),
        OpenAPIBuilder.path("/studios/{studioId}/ledger",
            OpenAPIBuilder.operation(method: "get", summary: "A studio's ledger entries and derived balances (department, finance, audit_office)",
                                     parameters: [studioIdPath], schema: OpenAPIBuilder.ref("StudioLedger"))),
        OpenAPIBuilder.path("/studios/{studioId}/payee-account",
            OpenAPIBuilder.operation(method: "get", summary: "The studio's payee bank account (department, finance)",
                                     parameters: [studioIdPath], schema: OpenAPIBuilder.ref("PayeeAccount")),
            OpenAPIBuilder.operation(method: "put", summary: "Record the studio's payee bank account (department)",
                                     parameters: [studioIdPath], body: .json("PayeeAccountInput"),
                                     schema: OpenAPIBuilder.ref("PayeeAccount"))),
        OpenAPIBuilder.path("/payment-batches",
            OpenAPIBuilder.operation(method: "post", summary: "Export approved, unbatched grants as a payment batch; grants without a payee account are listed (finance)",
                                     status: 201, schema: OpenAPIBuilder.ref("PaymentBatch"))),
        OpenAPIBuilder.path("/payment-batches/{id}/csv",
            OpenAPIBuilder.operation(method: "get", summary: "The batch CSV: 序号, 参考号, 收款单位, 开户银行, 账号, 金额（元）, 摘要 (finance)",
                                     parameters: [idPath], schema: csvSchema, contentTypes: ["text/csv"])),
        OpenAPIBuilder.path("/payment-confirmations",
            OpenAPIBuilder.operation(method: "post", summary: "Import the bank's confirmations (参考号, 金额（元）, 付款流水号, 付款日期) as CSV (UTF-8 or GBK/GB18030, with or without BOM) or .xlsx (first sheet); mismatches and a row's quoting problem are reported per row, not applied (finance)",
                                     parameters: [OpenAPIBuilder.queryParameter("mode", "type: string, enum: [all, good-only], default: all")],
                                     body: OpenAPIBuilder.Body([("text/csv", csvSchema),
                                                                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "{ type: string, format: binary }")]),
                                     schema: OpenAPIBuilder.ref("ConfirmationReport"), errors: [400, 401, 403, 404, 409],
                                     responses: [OpenAPIBuilder.response(422, description: "A refused file: the problem document, with the report of every row when rows were checked (mode all: nothing applied)",
                                                                         schema: OpenAPIBuilder.ref("ConfirmationProblem"), contentTypes: ["application/problem+json"])])),
        OpenAPIBuilder.path("/studios/{studioId}/expenses",
            OpenAPIBuilder.operation(method: "get", summary: "A studio's expenses (department, finance, audit_office)",
                                     parameters: [studioIdPath], schema: OpenAPIBuilder.ref("ExpenseList")),
            OpenAPIBuilder.operation(method: "post", summary: "Record an expense against a grant: the five Art 15 categories at once, another cost serving the studio with a justification for the department's approval, an unrelated kind refused (department, finance)",
                                     parameters: [studioIdPath], body: .json("ExpenseInput"), status: 201,
                                     schema: OpenAPIBuilder.ref("Expense"))),
        OpenAPIBuilder.path("/expenses/{id}/receipts/{receiptId}",
            OpenAPIBuilder.operation(method: "get", summary: "Download a receipt (department, finance, audit_office)",
                                     parameters: [idPath, OpenAPIBuilder.pathParameter("receiptId")],
                                     description: "The receipt as a download (Content-Disposition: attachment), typed by its content, never by the uploader's contentType",
                                     schema: "{ type: string, format: binary }",
                                     contentTypes: ["application/pdf", "image/png", "image/jpeg", "application/octet-stream"])),
        OpenAPIBuilder.path("/expenses/{id}/approval",
            OpenAPIBuilder.operation(method: "post", summary: "Approve an other cost (it enters the ledger, within the balance) or reject it with a note (department)",
                                     parameters: [idPath], body: .json("ExpenseDecisionInput"), schema: OpenAPIBuilder.ref("Expense"))),
        OpenAPIBuilder.path("/expense-rules/unrelated",
            OpenAPIBuilder.operation(method: "get", summary: "The department's list of kinds unrelated to a studio's work, refused under Art 15 (department, finance, audit_office)",
                                     schema: OpenAPIBuilder.ref("UnrelatedKinds")),
            OpenAPIBuilder.operation(method: "put", summary: "Replace the list of unrelated kinds (department)",
                                     body: .json("UnrelatedKindsInput"), schema: OpenAPIBuilder.ref("UnrelatedKinds"))),
        OpenAPIBuilder.path("/inspections",
            OpenAPIBuilder.operation(method: "get", summary: "Joint inspections, after scheduling due ones (department, finance, audit_office)",
                                     parameters: [OpenAPIBuilder.queryParameter("status", "type: string, enum: [scheduled, closed]"),
                                                  OpenAPIBuilder.queryParameter("studioId")], schema: OpenAPIBuilder.ref("InspectionList"))),
        OpenAPIBuilder.path("/inspections/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One inspection with findings and sign-offs (department, finance, audit_office)",
                                     parameters: [idPath], schema: OpenAPIBuilder.ref("Inspection"))),
        OpenAPIBuilder.path("/inspections/{id}/findings",
            OpenAPIBuilder.operation(method: "post", summary: "Record a draft finding, compliant or misuse; a misuse finding is announced (inspection.misuse_found) when the inspection closes (department, finance, audit_office)",
                                     parameters: [idPath], body: .json("FindingInput"), status: 201,
                                     schema: OpenAPIBuilder.ref("Inspection"))),
        OpenAPIBuilder.path("/inspections/{id}/findings/{findingId}/withdrawal",
            OpenAPIBuilder.operation(method: "post", summary: "Withdraw one's own draft finding before anyone signs off; it stays on record as withdrawn (department, finance, audit_office)",
                                     parameters: [idPath, OpenAPIBuilder.pathParameter("findingId")],
                                     schema: OpenAPIBuilder.ref("Inspection"))),
        OpenAPIBuilder.path("/inspections/{id}/sign-offs",
            OpenAPIBuilder.operation(method: "post", summary: "Sign off for the caller's own role (department, finance, audit_office)",
                                     parameters: [idPath], schema: OpenAPIBuilder.ref("Inspection"))),
        OpenAPIBuilder.path("/inspections/{id}/close",
            OpenAPIBuilder.operation(method: "post", summary: "Close once the department, finance and audit office have signed; the findings become final and each misuse finding emits inspection.misuse_found (department)",
                                     parameters: [idPath], schema: OpenAPIBuilder.ref("Inspection"))),
        OpenAPIBuilder.path("/reports/grants",
            OpenAPIBuilder.operation(method: "get", summary: "Granted, paid and outstanding by year, screening body or kind; CSV with format=csv, an Excel workbook with format=xlsx (department, finance, audit_office)",
                                     parameters: [OpenAPIBuilder.queryParameter("by", "type: string, enum: [year, screening_body, kind], default: year"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer"),
                                                  OpenAPIBuilder.queryParameter("format", "type: string, enum: [json, csv, xlsx], default: json")],
                                     schema: OpenAPIBuilder.ref("GrantReport"),
                                     alternatives: [("text/csv", "{ type: string, description: 'UTF-8 with BOM, Chinese headers, yuan with two decimals' }"),
                                                    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "{ type: string, format: binary }")])),
    ].joined(separator: "\n")

    static let schemas = """
            Grant:
              type: object
              properties:
                id: { type: string }
                reference: { type: string, description: '参考号, e.g. QZ2026-N-1A2B3C4D5E' }
                kind: { type: string, enum: [naming, projectGrant, demonstration] }
                kindZh: { type: string }
                article: { type: string }
                studioId: { type: string }
                year: { type: integer }
                sourceApplicationId: { type: string }
                amount: { type: integer, description: fen }
                amountYuan: { type: string }
                decidedOn: { type: string, format: date }
                dueOn: { type: string, format: date }
                status: { type: string, enum: [held, scheduled, approved, paid, cancelled] }
                statusZh: { type: string }
                dueState: { type: string, enum: [not_due, due, overdue] }
                holdReason: { type: [string, 'null'] }
                payeeName: { type: string }
                screeningBodyCode: { type: string }
                approvedBy: { type: [string, 'null'] }
                approvedAt: { type: [string, 'null'], format: date-time }
                releasedBy: { type: [string, 'null'] }
                paidBy: { type: [string, 'null'] }
                paidAt: { type: [string, 'null'], format: date-time }
                paidOn: { type: [string, 'null'], format: date }
                paymentReference: { type: [string, 'null'] }
                cancelledBy: { type: [string, 'null'] }
                cancelledAt: { type: [string, 'null'], format: date-time }
                cancelReason: { type: [string, 'null'] }
                batchId: { type: [string, 'null'] }
            GrantList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Grant' } } }
            CancelGrant:
              type: object
              required: [reason]
              properties: { reason: { type: string } }
            GrantPayment:
              type: object
              required: [paymentReference, paidOn]
              properties:
                paymentReference: { type: string, maxLength: 64 }
                paidOn: { type: string, format: date }
            Budget:
              type: object
              properties:
                year: { type: integer }
                budget: { type: [integer, 'null'], description: fen }
                committed: { type: integer }
                held: { type: integer }
                heldCount: { type: integer }
                remaining: { type: [integer, 'null'] }
                setBy: { type: [string, 'null'] }
                setAt: { type: [string, 'null'], format: date-time }
            BudgetList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Budget' } } }
            SetBudget:
              type: object
              required: [amount]
              properties: { amount: { type: integer, minimum: 0, description: fen } }
            Balances:
              type: object
              properties:
                granted: { type: integer }
                paid: { type: integer }
                spent: { type: integer }
            StudioLedger:
              type: object
              properties:
                studioId: { type: string }
                balances: { $ref: '#/components/schemas/Balances' }
                outstanding: { type: integer }
                available: { type: integer }
                entries:
                  type: array
                  items:
                    type: object
                    properties:
                      id: { type: integer }
                      grantId: { type: string }
                      kind: { type: string, enum: [granted, cancelled, paid, expense] }
                      amount: { type: integer, minimum: 1 }
                      amountYuan: { type: string }
                      occurredOn: { type: string, format: date }
                      reference: { type: [string, 'null'] }
                      note: { type: [string, 'null'] }
                      recordedBy: { type: string }
                      recordedAt: { type: string, format: date-time }
            PayeeAccount:
              type: object
              properties:
                studioId: { type: string }
                bankName: { type: string }
                accountNumber: { type: string }
                recordedBy: { type: [string, 'null'] }
                recordedAt: { type: [string, 'null'], format: date-time }
            PayeeAccountInput:
              type: object
              required: [bankName, accountNumber]
              properties:
                bankName: { type: string }
                accountNumber: { type: string, description: 8 to 32 digits }
            PaymentBatch:
              type: object
              properties:
                batchId: { type: [string, 'null'] }
                grantCount: { type: integer }
                total: { type: integer }
                totalYuan: { type: string }
                grantIds: { type: array, items: { type: string } }
                missingPayeeAccount:
                  type: array
                  items:
                    type: object
                    properties:
                      grantId: { type: string }
                      reference: { type: string }
                      studioId: { type: string }
                      payeeName: { type: string }
            ConfirmationReport:
              type: object
              properties:
                mode: { type: string }
                applied: { type: integer }
                rejected: { type: integer }
                withheld: { type: integer }
                rows:
                  type: array
                  items:
                    type: object
                    properties:
                      line: { type: integer }
                      reference: { type: string }
                      grantId: { type: [string, 'null'] }
                      outcome: { type: string, enum: [applied, rejected, withheld] }
                      issues: { type: array, items: { $ref: '#/components/schemas/DomainIssue' } }
            ConfirmationProblem:
              description: A problem document (RFC 9457) whose extension member report lists every row of the file.
              allOf:
                - { $ref: '#/components/schemas/Problem' }
                - type: object
                  properties:
                    report: { $ref: '#/components/schemas/ConfirmationReport' }
            ExpenseInput:
              type: object
              required: [grantId, category, purpose, amount, spentOn, description]
              properties:
                grantId: { type: string }
                category: { type: string, description: 'analysisTesting, personnelLabour, meetingsResearch, printing, intellectualProperty or the Chinese name; any other text names an other cost, which needs justification' }
                justification: { type: string, maxLength: 1000, description: 'why an other cost serves the studio; required for one, refused for the five' }
                purpose: { type: string, description: 'talentTraining, technicalInnovation, dailyOperation or the Chinese name' }
                amount: { type: integer, minimum: 1, description: fen }
                spentOn: { type: string, format: date }
                description: { type: string }
                receipts:
                  type: array
                  items:
                    type: object
                    required: [fileName, contentBase64]
                    properties:
                      fileName: { type: string }
                      contentType: { type: string, description: "the uploader's claim; ignored, the content decides" }
                      contentBase64: { type: string }
            ExpenseDecisionInput:
              type: object
              required: [decision]
              properties:
                decision: { type: string, enum: [approve, reject] }
                note: { type: string, maxLength: 1000, description: required to reject }
            UnrelatedKinds:
              type: object
              properties:
                article: { type: string }
                keywords: { type: array, items: { type: string } }
            UnrelatedKindsInput:
              type: object
              required: [keywords]
              properties:
                keywords: { type: array, maxItems: 100, items: { type: string, minLength: 1, maxLength: 20 } }
            Expense:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                grantId: { type: string }
                category: { type: string }
                categoryZh: { type: string, description: "the named category's name, or the kind of an other cost" }
                justification: { type: [string, 'null'] }
                approval: { type: string, enum: [notNeeded, pending, approved, rejected] }
                decidedBy: { type: [string, 'null'] }
                decidedAt: { type: [string, 'null'], format: date-time }
                decisionNote: { type: [string, 'null'] }
                purpose: { type: string }
                purposeZh: { type: string }
                amount: { type: integer }
                amountYuan: { type: string }
                spentOn: { type: string, format: date }
                description: { type: string }
                overBalance: { type: boolean }
                recordedBy: { type: string }
                recordedAt: { type: string, format: date-time }
                receipts:
                  type: array
                  items:
                    type: object
                    properties:
                      id: { type: string }
                      fileName: { type: string }
                      contentType: { type: string, enum: [application/pdf, image/png, image/jpeg, application/octet-stream], description: "checked from the content" }
                      sha256: { type: string }
                      size: { type: integer }
            ExpenseList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Expense' } } }
            FindingInput:
              type: object
              required: [kind, description]
              properties:
                kind: { type: string, enum: [compliant, misuse] }
                grantId: { type: string }
                amount: { type: integer, minimum: 1, description: 'fen; required for misuse' }
                description: { type: string }
                rectificationDeadline: { type: string, format: date, description: required for misuse }
            Inspection:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                dueOn: { type: string, format: date }
                status: { type: string, enum: [scheduled, closed] }
                article: { type: string }
                balances: { $ref: '#/components/schemas/Balances' }
                signOffs:
                  type: array
                  items:
                    type: object
                    properties:
                      role: { type: string, enum: [department, finance, audit_office] }
                      roleZh: { type: string }
                      signedBy: { type: string }
                      signedAt: { type: string, format: date-time }
                      note: { type: [string, 'null'] }
                missingSignOffs: { type: array, items: { type: string } }
                findings:
                  type: array
                  items:
                    type: object
                    properties:
                      id: { type: string }
                      kind: { type: string, enum: [compliant, misuse] }
                      grantId: { type: [string, 'null'] }
                      amount: { type: [integer, 'null'] }
                      description: { type: string }
                      rectificationDeadline: { type: [string, 'null'], format: date }
                      recordedBy: { type: string }
                      recordedAt: { type: string, format: date-time }
                      status: { type: string, enum: [draft, final, withdrawn] }
                      withdrawnBy: { type: [string, 'null'] }
                      withdrawnAt: { type: [string, 'null'], format: date-time }
                closedBy: { type: [string, 'null'] }
                closedAt: { type: [string, 'null'], format: date-time }
            InspectionList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Inspection' } } }
            GrantReportLine:
              type: object
              properties:
                key: { type: string }
                label: { type: string }
                grantCount: { type: integer }
                granted: { type: integer }
                paid: { type: integer }
                outstanding: { type: integer }
                held: { type: integer }
                cancelledCount: { type: integer }
            GrantReport:
              type: object
              properties:
                by: { type: string }
                lines: { type: array, items: { $ref: '#/components/schemas/GrantReportLine' } }
                total: { $ref: '#/components/schemas/GrantReportLine' }
        """
}
