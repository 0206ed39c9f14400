import ServiceKit

/// Intake's part of the OpenAPI document: every endpoint with its roles and every error body (RFC 9457
/// problems; the CSV import's 422 carries its row report as well).
enum IntakeOpenAPI {
    static let id = OpenAPIBuilder.pathParameter("id")
    static let idempotencyKey = OpenAPIBuilder.parameter("Idempotency-Key", in: "header", required: false,
                                                         description: "Same key and body from the same caller return the stored response",
                                                         schema: "type: string, maxLength: 200")
    static let binary = "{ type: string, format: binary }"

    static let paths: String = [
        OpenAPIBuilder.path("/rounds",
            OpenAPIBuilder.operation(method: "post", summary: "Open a round (申报批次) for a kind and year, with its window and optional per-body quota (department); 409 while a round of that kind and year is not cancelled",
                                     parameters: [idempotencyKey], body: .json("OpenRound"), status: 201,
                                     schema: OpenAPIBuilder.ref("IntakeRound"), errors: [400, 401, 403, 409, 422]),
            OpenAPIBuilder.operation(method: "get", summary: "List rounds, newest year first, a page at a time (limit, cursor), filtered by kind, year and whether cancelled (screening body, department)",
                                     parameters: [OpenAPIBuilder.queryParameter("kind", "type: string, enum: \(kinds)", required: false),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", required: false),
                                                  OpenAPIBuilder.queryParameter("cancelled", "type: boolean", required: false,
                                                                                description: "true: only cancelled rounds (撤销批次); false: only rounds not cancelled")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("IntakeRoundList"), errors: [400, 401, 403])),
        OpenAPIBuilder.path("/rounds/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One round (screening body, department)",
                                     parameters: [id], schema: OpenAPIBuilder.ref("IntakeRound"), errors: [401, 403, 404])),
        OpenAPIBuilder.path("/rounds/{id}/deadline",
            OpenAPIBuilder.operation(method: "post", summary: "Move the round's deadline, with a reason: not before today or the opening day, not after the round's year; audited and sent to review as round.changed (department)",
                                     parameters: [id, idempotencyKey], body: .json("RoundDeadlineChange"),
                                     schema: OpenAPIBuilder.ref("IntakeRound"), errors: [400, 401, 403, 404, 409, 422])),
        OpenAPIBuilder.path("/rounds/{id}/quota",
            OpenAPIBuilder.operation(method: "post", summary: "Replace the round's quotas, with a reason: never below what a body has already recommended; audited and sent to review as round.changed (department)",
                                     parameters: [id, idempotencyKey], body: .json("RoundQuotaChange"),
                                     schema: OpenAPIBuilder.ref("IntakeRound"), errors: [400, 401, 403, 404, 409, 422])),
        OpenAPIBuilder.path("/rounds/{id}/cancel",
            OpenAPIBuilder.operation(method: "post", summary: "Cancel the round (撤销批次), with a reason: it then refuses submissions, amendments and withdrawals; audited and sent to review as round.cancelled (department)",
                                     parameters: [id, idempotencyKey], body: .json("RoundCancellation"),
                                     schema: OpenAPIBuilder.ref("IntakeRound"), errors: [400, 401, 403, 404, 409, 422])),
        OpenAPIBuilder.path("/rounds/{id}/import",
            OpenAPIBuilder.operation(method: "post", summary: "Import the caller's applications of the round from CSV or .xlsx (screening body), recognised by content. CSV: UTF-8 with or without BOM, or GB18030 with or without its BOM; Chinese header row; rows are numbered as records, a row with a stray quote is a bad row. .xlsx: the first sheet; an ID number or credit code stored as a number is a bad row. All or nothing unless goodRowsOnly.",
                                     parameters: [id, idempotencyKey,
                                                  OpenAPIBuilder.queryParameter("goodRowsOnly", "type: boolean, default: false", required: false),
                                                  OpenAPIBuilder.queryParameter("encoding", "type: string, enum: [utf-8, gb18030]", required: false,
                                                                                description: "Detected when absent")],
                                     body: OpenAPIBuilder.Body([("text/csv", "{ type: string }"),
                                                                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", binary)]),
                                     description: "The rows imported (each a submitted application) and the bad rows, when goodRowsOnly or nothing was wrong",
                                     schema: OpenAPIBuilder.ref("ImportReport"), errors: [400, 401, 403, 404, 413],
                                     responses: [OpenAPIBuilder.response(
                                         422, description: "The file was refused and nothing was imported; the report names every bad row, column and reason",
                                         schema: OpenAPIBuilder.ref("ImportProblem"), contentTypes: ["application/problem+json"])])),
        OpenAPIBuilder.path("/applications",
            OpenAPIBuilder.operation(method: "post", summary: "Create an application (screening body): a draft, or submitted at once with submit=true (checked against Art 5, 6, 7, 10, 13, 14, the window and the quota)",
                                     parameters: [idempotencyKey], body: .json("CreateApplication"), status: 201,
                                     schema: OpenAPIBuilder.ref("Application"), errors: [400, 401, 403, 409, 413, 422]),
            OpenAPIBuilder.operation(method: "get", summary: "List applications, oldest first, a page at a time (limit, cursor), filtered by round, status, screening body (county), year, kind, studio name and unit name: a screening body sees its own, the department all",
                                     parameters: [OpenAPIBuilder.queryParameter("roundId", required: false),
                                                  OpenAPIBuilder.queryParameter("status", required: false),
                                                  OpenAPIBuilder.queryParameter("screeningBody", required: false, description: "A screening body's code (department; a body always sees its own)"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", required: false),
                                                  OpenAPIBuilder.queryParameter("kind", "type: string, enum: \(kinds)", required: false),
                                                  OpenAPIBuilder.queryParameter("name", required: false, description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", required: false, description: "Part of the applicant unit's name")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("ApplicationList"), errors: [400, 401, 403])),
        OpenAPIBuilder.path("/applications/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One application with its status, reasons, history and attachments (own body or department; another body gets 404)",
                                     parameters: [id], schema: OpenAPIBuilder.ref("Application"), errors: [401, 403, 404]),
            OpenAPIBuilder.operation(method: "put", summary: "Replace the form: a draft is saved as is; a submitted (before the deadline) or returned application becomes a new checked version (screening body)",
                                     parameters: [id], body: .json("ApplicationForm"), schema: OpenAPIBuilder.ref("Application"),
                                     errors: [400, 401, 403, 404, 409, 422])),
        OpenAPIBuilder.path("/applications/{id}/submit",
            OpenAPIBuilder.operation(method: "post", summary: "Submit a draft (screening body)",
                                     parameters: [id], schema: OpenAPIBuilder.ref("Application"), errors: [401, 403, 404, 409, 422])),
        OpenAPIBuilder.path("/applications/{id}/withdraw",
            OpenAPIBuilder.operation(method: "post", summary: "Withdraw before the deadline (screening body); review is told if it had been submitted",
                                     parameters: [id], body: .json("Withdrawal", required: false),
                                     schema: OpenAPIBuilder.ref("Application"), errors: [400, 401, 403, 404, 409, 422])),
        OpenAPIBuilder.path("/applications/{id}/versions",
            OpenAPIBuilder.operation(method: "get", summary: "Every submitted version, oldest first, a page at a time (limit, cursor)",
                                     parameters: [id] + OpenAPIBuilder.pageParameters, schema: OpenAPIBuilder.ref("ApplicationVersionList"), errors: [400, 401, 403, 404])),
        OpenAPIBuilder.path("/applications/{id}/attachments",
            OpenAPIBuilder.operation(method: "post", summary: "Attach a PDF, PNG or JPEG (recognised by content), stored by SHA-256 (screening body)",
                                     parameters: [id,
                                                  OpenAPIBuilder.queryParameter("name", "type: string, maxLength: 200", required: true,
                                                                                description: #"File name without path, "..", colon or control characters"#)],
                                     body: OpenAPIBuilder.Body([("application/octet-stream", binary)]), status: 201, description: "Stored",
                                     schema: OpenAPIBuilder.ref("Attachment"), errors: [401, 403, 404, 409, 413, 415, 422]),
            OpenAPIBuilder.operation(method: "get", summary: "List the attachments in the order they were added, a page at a time (limit, cursor), filtered by part of the file name (screening body, department, expert)",
                                     parameters: [id, OpenAPIBuilder.queryParameter("name", required: false, description: "Part of the file name")] + OpenAPIBuilder.pageParameters,
                                     description: "The attachments. An expert sees only an application on their panel (assigned, no conflict of interest, as review says by panel.changed); any other is 404",
                                     schema: OpenAPIBuilder.ref("AttachmentList"), errors: [400, 401, 403, 404])),
        OpenAPIBuilder.path("/applications/{id}/attachments/{sha256}",
            OpenAPIBuilder.operation(method: "get", summary: "Download one attachment (screening body, department, expert)",
                                     parameters: [id, OpenAPIBuilder.pathParameter("sha256")],
                                     description: "The file as a download (Content-Disposition: attachment), typed by the content checked on upload. An expert gets only the files of an application on their panel; any other is 404", schema: binary,
                                     contentTypes: ["application/pdf", "image/png", "image/jpeg"], errors: [401, 403, 404]),
            OpenAPIBuilder.operation(method: "delete", summary: "Remove one attachment while the application is a draft, returned or before the deadline (screening body)",
                                     parameters: [id, OpenAPIBuilder.pathParameter("sha256")], status: 204, description: "Removed",
                                     errors: [401, 403, 404, 409])),
        OpenAPIBuilder.path("/import-template.csv",
            OpenAPIBuilder.operation(method: "get", summary: "The CSV import sheet's header row, UTF-8 with BOM (screening body)",
                                     description: "The template", schema: "{ type: string }", contentTypes: ["text/csv"], errors: [401, 403])),
        OpenAPIBuilder.path("/import-template.xlsx",
            OpenAPIBuilder.operation(method: "get", summary: "The import sheet as an Excel workbook: the header row, the ID-number, credit-code, phone and certificate columns formatted as text (screening body)",
                                     description: "The template", schema: binary,
                                     contentTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"], errors: [401, 403])),
        OpenAPIBuilder.path("/studios",
            OpenAPIBuilder.operation(method: "get", summary: "The studio register as intake replicates it from assessment's events (own studios, or all for the department), by name, a page at a time (limit, cursor), filtered by county, name, unit, status, level and the year named",
                                     parameters: [OpenAPIBuilder.queryParameter("screeningBody", required: false, description: "A screening body's code (department; a body always sees its own)"),
                                                  OpenAPIBuilder.queryParameter("name", required: false, description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", required: false, description: "Part of the unit's name"),
                                                  OpenAPIBuilder.queryParameter("status", "type: string, enum: [active, demonstration, revoked, expired]", required: false),
                                                  OpenAPIBuilder.queryParameter("level", "type: string, enum: [city, provincial]", required: false),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", required: false, description: "The year it was named")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("StudioList"), errors: [400, 401, 403])),
    ].joined(separator: "\n")

    static let kinds = "[naming, projectGrant, demonstration]"
    static let issues = "{ type: array, items: { $ref: '#/components/schemas/DomainIssue' } }"

    static let schemas: String = [
        """
            OpenRound:
              type: object
              required: [year, opensOn, deadline]
              properties:
                kind: { type: string, enum: \(kinds), default: naming }
                year: { type: integer, minimum: 2016 }
                opensOn: { type: string, format: date, description: 'First day (Asia/Shanghai) submissions are taken' }
                deadline: { type: string, format: date, description: 'Last day (inclusive) to submit, amend or withdraw' }
                quotaPerBody: { type: integer, minimum: 1, description: 'Most applications one screening body may submit (Art 10 择优)' }
                quotas: { type: object, additionalProperties: { type: integer, minimum: 1 }, description: 'Per-body quotas by code' }
            RoundDeadlineChange:
              type: object
              required: [deadline, reason]
              properties:
                deadline: { type: string, format: date, description: 'The new last day (inclusive, Asia/Shanghai)' }
                reason: { type: string, minLength: 2, maxLength: 500 }
            RoundQuotaChange:
              type: object
              required: [reason]
              properties:
                quotaPerBody: { type: integer, minimum: 1, description: 'Absent: no limit per body' }
                quotas: { type: object, additionalProperties: { type: integer, minimum: 1 } }
                reason: { type: string, minLength: 2, maxLength: 500 }
            RoundCancellation:
              type: object
              required: [reason]
              properties:
                reason: { type: string, minLength: 2, maxLength: 500 }
            IntakeRound:
              type: object
              required: [id, kind, year, opensOn, deadline, quotas, createdAt]
              properties:
                id: { type: string }
                kind: { type: string, enum: \(kinds) }
                year: { type: integer }
                opensOn: { type: string, format: date }
                deadline: { type: string, format: date }
                quotaPerBody: { type: integer }
                quotas: { type: object, additionalProperties: { type: integer } }
                createdAt: { type: string, format: date-time }
                cancelledAt: { type: string, format: date-time, description: 'When the department cancelled the round (absent while it stands)' }
                cancelReason: { type: string, description: 'Why the department cancelled it' }
                acceptingSubmissions: { type: boolean, description: 'whether intake accepts submissions for the round on its business day (GET only)' }
                businessDay: { type: string, format: date, description: 'intake''s business day when it answered (GET only)' }
        """,
        OpenAPIBuilder.listSchema("IntakeRoundList", of: "IntakeRound", itemsRequired: true),
        """
            CreateApplication:
              type: object
              required: [roundId, form]
              properties:
                roundId: { type: string }
                submit: { type: boolean, default: false, description: 'Submit at once; otherwise a draft that may be incomplete' }
                form: { $ref: '#/components/schemas/ApplicationForm' }
            ApplicationForm:
              type: object
              description: 'Every field is optional in a draft; submission reports every missing or failing one at once.'
              properties:
                applicantUnit: { $ref: '#/components/schemas/UnitForm' }
                studio: { $ref: '#/components/schemas/StudioForm' }
                leader: { $ref: '#/components/schemas/LeaderForm' }
                team: { type: object, properties: { members: { type: array, items: { $ref: '#/components/schemas/MemberForm' }, description: 'The team besides the leader (3 people or more in all, Art 5(4))' } } }
                workRules: { type: string, description: '工作制度 (Art 5(2))' }
                projects: { type: array, items: { $ref: '#/components/schemas/ProjectForm' } }
                results: { $ref: '#/components/schemas/ResultsForm' }
                industryField: { type: string }
                screening: { $ref: '#/components/schemas/ScreeningForm' }
                studioId: { type: string, description: 'Required for projectGrant (Art 13) and demonstration (Art 14) rounds' }
            UnitForm:
              type: object
              properties:
                name: { type: string }
                creditCode: { type: string, description: '统一社会信用代码 with its GB 32100 check character' }
                unitType: { type: string, description: 'enterprise, publicInstitution, partyGovernmentOrgan, socialOrganisation, other, or 企业/事业单位/党政机关…' }
                hasTradeUnion: { type: boolean }
                tradeUnionName: { type: string }
            StudioForm:
              type: object
              properties:
                name: { type: string }
                creationStartDate: { type: string, format: date, description: 'Art 7 (6 months by the submission day)' }
                hasFixedSite: { type: boolean }
                siteAddress: { type: string }
                siteArea: { type: number, description: 'square metres' }
                funds: { type: integer, description: 'fen per year' }
                officeFacilities: { type: string }
                equipment: { type: string }
            LeaderForm:
              type: object
              properties:
                name: { type: string }
                idNumber: { type: string, description: '居民身份证号码 with its GB 11643 check character; never sent to other services' }
                speciality: { type: string }
                skillLevel: { type: string, description: 'senior (三级/高级工) or higher; raw values or Chinese names' }
                certificateNumber: { type: string }
                phone: { type: string }
            MemberForm:
              type: object
              properties:
                name: { type: string }
                role: { type: string }
                skillLevel: { type: string }
            ProjectForm:
              type: object
              properties:
                title: { type: string }
                commissioningUnit: { type: string }
                content: { type: string }
                startDate: { type: string, format: date }
                endDate: { type: string, format: date }
                requirements: { type: string }
                acceptanceStandard: { type: string }
                funding: { type: integer, description: 'fen' }
            ResultsForm:
              type: object
              properties:
                patents: { type: array, items: { type: string } }
                awards: { type: array, items: { type: string } }
                papers: { type: array, items: { type: string } }
            ScreeningForm:
              type: object
              properties:
                opinion: { type: string, description: '初审意见' }
                recommendationOrder: { type: integer, minimum: 1, description: '推荐顺序' }
            Withdrawal:
              type: object
              properties:
                reason: { type: string }
            StatusEntry:
              type: object
              required: [status, statusZh, statusEn, source, reasons, at]
              properties:
                status: { type: string }
                statusZh: { type: string }
                statusEn: { type: string }
                source: { type: string, enum: [intake, review] }
                reasons: \(issues)
                at: { type: string, format: date-time }
            Application:
              type: object
              required: [id, kind, roundId, screeningBodyCode, status, statusZh, statusEn, statusReasons, version, form, attachments, statusHistory, createdAt, updatedAt]
              properties:
                id: { type: string }
                kind: { type: string, enum: \(kinds) }
                roundId: { type: string }
                screeningBodyCode: { type: string }
                status: { type: string, description: 'draft, withdrawn, or review''s status (submitted, qualificationPassed, qualificationFailed, returnedForAmendment, underExpertReview, onPublicNotice, named, notNamed, awarded, notAwarded, selected, notSelected)' }
                statusZh: { type: string }
                statusEn: { type: string }
                statusReasons: \(issues)
                version: { type: integer, description: '0 for a draft, 1 when submitted, +1 per amendment' }
                submittedOn: { type: string, format: date }
                withdrawnOn: { type: string, format: date }
                form: { $ref: '#/components/schemas/ApplicationForm' }
                attachments: { type: array, items: { $ref: '#/components/schemas/Attachment' } }
                statusHistory: { type: array, items: { $ref: '#/components/schemas/StatusEntry' } }
                createdAt: { type: string, format: date-time }
                updatedAt: { type: string, format: date-time }
            ApplicationSummary:
              type: object
              required: [id, kind, roundId, screeningBodyCode, status, statusZh, statusEn, version]
              properties:
                id: { type: string }
                kind: { type: string, enum: \(kinds) }
                roundId: { type: string }
                screeningBodyCode: { type: string }
                status: { type: string }
                statusZh: { type: string }
                statusEn: { type: string }
                version: { type: integer }
                studioName: { type: string }
                unitName: { type: string }
                recommendationOrder: { type: integer }
                submittedOn: { type: string, format: date }
        """,
        OpenAPIBuilder.listSchema("ApplicationList", of: "ApplicationSummary", itemsRequired: true),
        """
            ApplicationVersion:
              type: object
              required: [version, recordedOn, recordedAt, form]
              properties:
                version: { type: integer }
                recordedOn: { type: string, format: date }
                recordedAt: { type: string, format: date-time }
                form: { $ref: '#/components/schemas/ApplicationForm' }
        """,
        OpenAPIBuilder.listSchema("ApplicationVersionList", of: "ApplicationVersion", itemsRequired: true),
        """
            Attachment:
              type: object
              required: [sha256, fileName, mediaType, size, addedAt]
              properties:
                sha256: { type: string }
                fileName: { type: string }
                mediaType: { type: string, enum: [application/pdf, image/png, image/jpeg] }
                size: { type: integer }
                addedAt: { type: string, format: date-time }
        """,
        OpenAPIBuilder.listSchema("AttachmentList", of: "Attachment", itemsRequired: true),
        """
            ImportRowIssue:
              type: object
              required: [row, code, messageZh, messageEn]
              properties:
                row: { type: integer, description: 'Spreadsheet row; the header is row 1' }
                column: { type: string, description: 'The Chinese column header' }
                field: { type: string, description: 'The API field the column fills' }
                code: { type: string }
                article: { type: string }
                messageZh: { type: string }
                messageEn: { type: string }
            ImportReport:
              type: object
              required: [roundId, encoding, rows, imported, rejectedRows, errors]
              properties:
                roundId: { type: string }
                encoding: { type: string, enum: [utf-8, gb18030] }
                rows: { type: integer }
                imported: { type: array, items: { type: object, properties: { row: { type: integer }, applicationId: { type: string }, studioName: { type: string } } } }
                rejectedRows: { type: array, items: { type: integer } }
                errors: { type: array, items: { $ref: '#/components/schemas/ImportRowIssue' } }
            ImportProblem:
              allOf:
                - { $ref: '#/components/schemas/Problem' }
                - type: object
                  required: [report]
                  properties:
                    report: { $ref: '#/components/schemas/ImportReport' }
            ReplicatedStudio:
              type: object
              required: [studioId, studioName, unitName, screeningBodyCode, level, status, namedOn, cycle]
              properties:
                studioId: { type: string }
                applicationId: { type: string }
                studioName: { type: string }
                unitName: { type: string }
                screeningBodyCode: { type: string }
                level: { type: string, enum: [city, provincial] }
                status: { type: string, enum: [active, demonstration, revoked, expired] }
                revocationReason: { type: string, enum: [assessmentFailed, plagiarismOrFraud, other], description: "why the title was revoked (status revoked)" }
                namedOn: { type: string, format: date }
                cycle: { type: object, properties: { number: { type: integer }, start: { type: string, format: date }, end: { type: string, format: date } } }
        """,
        OpenAPIBuilder.listSchema("StudioList", of: "ReplicatedStudio", itemsRequired: true),
    ].joined(separator: "\n")
}
