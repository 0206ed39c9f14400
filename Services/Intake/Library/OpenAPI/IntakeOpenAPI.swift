/// Intake's part of the OpenAPI document: every endpoint with its roles and every error body (RFC 9457
/// problems; the CSV import's 422 carries its row report as well).
enum IntakeOpenAPI {
    /// Error responses by status code, each the kit's problem document.
    static func errors(_ codes: [Int]) -> String {
        "      responses:\n" + codes.map { "        '\($0)': { $ref: '#/components/responses/Problem' }" }.joined(separator: "\n")
    }

    static func operation(_ method: String, _ summary: String, parameters: [String] = [], body: String? = nil,
                          ok: (code: Int, schema: String), errors codes: [Int]) -> String {
        var lines = ["    \(method):", "      summary: \(quoted(summary))"]
        if !parameters.isEmpty {
            lines.append("      parameters:")
            lines += parameters.map { "        - \($0)" }
        }
        if let body {
            lines += ["      requestBody:", "        required: true", "        content:", "          application/json:",
                      "            schema: { $ref: '#/components/schemas/\(body)' }"]
        }
        lines.append(errors(codes))
        lines.append("        '\(ok.code)':\n          description: OK\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/\(ok.schema)' }")
        return lines.joined(separator: "\n")
    }

    /// A YAML single-quoted scalar: safe for colons, commas and brackets.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    static let id = "{ name: id, in: path, required: true, schema: { type: string } }"
    static let idempotencyKey = "{ name: Idempotency-Key, in: header, required: false, description: 'Same key and body from the same caller return the stored response', schema: { type: string, maxLength: 200 } }"

    static let paths: String = [
        "  /rounds:",
        operation("post", "Open a round (申报批次) for a kind and year, with its window and optional per-body quota (department)",
                  parameters: [idempotencyKey], body: "OpenRound", ok: (201, "IntakeRound"), errors: [400, 401, 403, 409, 422]),
        operation("get", "List rounds (screening body, department)", ok: (200, "IntakeRoundList"), errors: [401, 403]),
        "  /rounds/{id}:",
        operation("get", "One round (screening body, department)", parameters: [id], ok: (200, "IntakeRound"), errors: [401, 403, 404]),
        "  /rounds/{id}/import:",
        """
            post:
              summary: 'Import the caller''s applications of the round from CSV (screening body). UTF-8 with or without BOM, or GB18030; Chinese header row. All or nothing unless goodRowsOnly.'
              parameters:
                - \(id)
                - \(idempotencyKey)
                - { name: goodRowsOnly, in: query, required: false, schema: { type: boolean, default: false } }
                - { name: encoding, in: query, required: false, description: 'Detected when absent', schema: { type: string, enum: [utf-8, gb18030] } }
              requestBody:
                required: true
                content:
                  text/csv:
                    schema: { type: string }
              responses:
                '200':
                  description: 'The rows imported (each a submitted application) and the bad rows, when goodRowsOnly or nothing was wrong'
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/ImportReport' }
                '400': { $ref: '#/components/responses/Problem' }
                '401': { $ref: '#/components/responses/Problem' }
                '403': { $ref: '#/components/responses/Problem' }
                '404': { $ref: '#/components/responses/Problem' }
                '413': { $ref: '#/components/responses/Problem' }
                '422':
                  description: 'The file was refused and nothing was imported; the report names every bad row, column and reason'
                  content:
                    application/problem+json:
                      schema: { $ref: '#/components/schemas/ImportProblem' }
        """,
        "  /applications:",
        operation("post", "Create an application (screening body): a draft, or submitted at once with submit=true (checked against Art 5, 6, 7, 10, 13, 14, the window and the quota)",
                  parameters: [idempotencyKey], body: "CreateApplication", ok: (201, "Application"), errors: [400, 401, 403, 409, 413, 422]),
        operation("get", "List applications: a screening body sees its own, the department all",
                  parameters: ["{ name: roundId, in: query, required: false, schema: { type: string } }",
                               "{ name: status, in: query, required: false, schema: { type: string } }"],
                  ok: (200, "ApplicationList"), errors: [401, 403]),
        "  /applications/{id}:",
        operation("get", "One application with its status, reasons, history and attachments (own body or department; another body gets 404)",
                  parameters: [id], ok: (200, "Application"), errors: [401, 403, 404]),
        operation("put", "Replace the form: a draft is saved as is; a submitted (before the deadline) or returned application becomes a new checked version (screening body)",
                  parameters: [id], body: "ApplicationForm", ok: (200, "Application"), errors: [400, 401, 403, 404, 409, 422]),
        "  /applications/{id}/submit:",
        operation("post", "Submit a draft (screening body)", parameters: [id], ok: (200, "Application"), errors: [401, 403, 404, 409, 422]),
        "  /applications/{id}/withdraw:",
        """
            post:
              summary: 'Withdraw before the deadline (screening body); review is told if it had been submitted'
              parameters:
                - \(id)
              requestBody:
                required: false
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Withdrawal' }
        \(errors([400, 401, 403, 404, 409, 422]))
                '200':
                  description: 'OK'
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Application' }
        """,
        "  /applications/{id}/versions:",
        operation("get", "Every submitted version, oldest first", parameters: [id], ok: (200, "ApplicationVersionList"), errors: [401, 403, 404]),
        "  /applications/{id}/attachments:",
        """
            post:
              summary: 'Attach a PDF, PNG or JPEG (recognised by content), stored by SHA-256 (screening body)'
              parameters:
                - \(id)
                - { name: name, in: query, required: true, description: 'File name without path, "..", colon or control characters', schema: { type: string, maxLength: 200 } }
              requestBody:
                required: true
                content:
                  application/octet-stream:
                    schema: { type: string, format: binary }
        \(errors([401, 403, 404, 409, 413, 415, 422]))
                '201':
                  description: 'Stored'
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/Attachment' }
        """,
        operation("get", "List the attachments", parameters: [id], ok: (200, "AttachmentList"), errors: [401, 403, 404]),
        "  /applications/{id}/attachments/{sha256}:",
        """
            get:
              summary: 'Download one attachment'
              parameters:
                - \(id)
                - { name: sha256, in: path, required: true, schema: { type: string } }
        \(errors([401, 403, 404]))
                '200':
                  description: 'The file'
                  content:
                    application/pdf: { schema: { type: string, format: binary } }
                    image/png: { schema: { type: string, format: binary } }
                    image/jpeg: { schema: { type: string, format: binary } }
        """,
        "  /studios:",
        operation("get", "The studio register as intake replicates it from assessment's events (own studios, or all for the department)",
                  ok: (200, "StudioList"), errors: [401, 403]),
    ].joined(separator: "\n")

    static func list(_ name: String, of item: String) -> String {
        """
            \(name):
              type: object
              required: [items]
              properties:
                items: { type: array, items: { $ref: '#/components/schemas/\(item)' } }
        """
    }

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
        """,
        list("IntakeRoundList", of: "IntakeRound"),
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
        list("ApplicationList", of: "ApplicationSummary"),
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
        list("ApplicationVersionList", of: "ApplicationVersion"),
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
        list("AttachmentList", of: "Attachment"),
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
                namedOn: { type: string, format: date }
                cycle: { type: object, properties: { number: { type: integer }, start: { type: string, format: date }, end: { type: string, format: date } } }
        """,
        list("StudioList", of: "ReplicatedStudio"),
    ].joined(separator: "\n")
}
