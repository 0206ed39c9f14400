import ServiceKit

/// The review service's part of the OpenAPI document: paths (two-space path keys, four-space methods)
/// and schemas (four-space names under `components: schemas:`).
enum ReviewOpenAPI {
    static let round = OpenAPIBuilder.pathParameter("round")
    static let application = OpenAPIBuilder.pathParameter("application")
    static let expert = OpenAPIBuilder.pathParameter("expert")
    static let objection = OpenAPIBuilder.pathParameter("objection", type: "integer")
    static let calendarYear = OpenAPIBuilder.pathParameter("year", type: "integer")
    static let visit = OpenAPIBuilder.pathParameter("visit", type: "integer")
    static let photo = OpenAPIBuilder.pathParameter("photo", type: "integer")
    static let binary = "{ type: string, format: binary }"

    static let paths = [
        OpenAPIBuilder.path("/rounds",
            OpenAPIBuilder.operation(method: "get", summary: "List review rounds, newest year first, a page at a time (limit, cursor), filtered by kind, year and status (department, federation)",
                                     parameters: [OpenAPIBuilder.queryParameter("kind", "type: string, enum: [naming, projectGrant, demonstration]", required: false),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", required: false),
                                                  OpenAPIBuilder.queryParameter("status", "type: string, enum: [open, scoring, closed, notice, decided]", required: false)]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("RoundList"))),
        OpenAPIBuilder.path("/rounds/{round}",
            OpenAPIBuilder.operation(method: "get", summary: "Show a round with its settings (department, federation)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("RoundDetail")),
            OpenAPIBuilder.operation(method: "patch", summary: "Configure quota, minimum score, panel size, conflict rule, rubric, normalisation, deadline, notice length (department; rubric and panel only before scoring)",
                                     parameters: [round], body: .json("RoundSettings"), schema: OpenAPIBuilder.ref("Round"))),
        OpenAPIBuilder.path("/rounds/{round}/applications",
            OpenAPIBuilder.operation(method: "get", summary: "Applications of a round, a page at a time by id (limit, cursor), filtered by status, screening body, studio name and unit name (department, federation)",
                                     parameters: [round, OpenAPIBuilder.queryParameter("status", required: false),
                                                  OpenAPIBuilder.queryParameter("screeningBody", required: false),
                                                  OpenAPIBuilder.queryParameter("name", required: false, description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", required: false, description: "Part of the applicant unit's name")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("ApplicationSummaryList"))),
        OpenAPIBuilder.path("/rounds/{round}/audit",
            OpenAPIBuilder.operation(method: "get", summary: "Every decision and adjustment of the round, with who and when, oldest first, a page at a time (limit, cursor), filtered by application and action (department, federation)",
                                     parameters: [round, OpenAPIBuilder.queryParameter("applicationId", required: false),
                                                  OpenAPIBuilder.queryParameter("action", required: false, description: "The action or its beginning, e.g. round. or score_sheet.")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("AuditList"))),
        OpenAPIBuilder.path("/applications/{application}",
            OpenAPIBuilder.operation(method: "get", summary: "One application; experts only their own assignments, otherwise 404",
                                     parameters: [application], schema: OpenAPIBuilder.ref("Application"))),
        OpenAPIBuilder.path("/applications/{application}/qualification",
            OpenAPIBuilder.operation(method: "post", summary: "Qualification and project review (资格审查, Art 11): pass, fail or return (department)",
                                     parameters: [application], body: .json("QualificationDecision"),
                                     schema: OpenAPIBuilder.ref("Application"))),
        OpenAPIBuilder.path("/experts",
            OpenAPIBuilder.operation(method: "get", summary: "The expert pool, a page at a time by id (limit, cursor), filtered by name, unit, screening body and speciality (department)",
                                     parameters: [OpenAPIBuilder.queryParameter("name", required: false), OpenAPIBuilder.queryParameter("unit", required: false),
                                                  OpenAPIBuilder.queryParameter("screeningBody", required: false),
                                                  OpenAPIBuilder.queryParameter("speciality", required: false)]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("ExpertList")),
            OpenAPIBuilder.operation(method: "post", summary: "Add an expert (department)",
                                     body: .json("Expert"), status: 201, schema: OpenAPIBuilder.ref("Expert"))),
        OpenAPIBuilder.path("/experts/import",
            OpenAPIBuilder.operation(method: "post", summary: "Import experts from the department's sheet, CSV (UTF-8 or GB18030) or .xlsx, all or nothing; every problem names its row and column (department)",
                                     body: OpenAPIBuilder.Body([("text/csv", "{ type: string }"), ("application/octet-stream", "{ type: string, format: binary }")]),
                                     status: 201, description: "Imported", schema: OpenAPIBuilder.ref("ExpertImport"), errors: [400, 401, 403, 409, 413, 422])),
        OpenAPIBuilder.path("/experts/import-template.csv",
            OpenAPIBuilder.operation(method: "get", summary: "The expert sheet's header and one example row, UTF-8 (department)",
                                     description: "The template", schema: "{ type: string }", contentTypes: ["text/csv"], errors: [401, 403])),
        OpenAPIBuilder.path("/experts/{expert}",
            OpenAPIBuilder.operation(method: "get", summary: "One expert (department; an expert sees only themself)",
                                     parameters: [expert], schema: OpenAPIBuilder.ref("Expert")),
            OpenAPIBuilder.operation(method: "put", summary: "Replace an expert's record (department)",
                                     parameters: [expert], body: .json("Expert"), schema: OpenAPIBuilder.ref("Expert"))),
        OpenAPIBuilder.path("/rounds/{round}/experts/{expert}",
            OpenAPIBuilder.operation(method: "put", summary: "Availability and load limit of an expert in a round (department)",
                                     parameters: [round, expert], body: .json("Availability"), schema: OpenAPIBuilder.ref("Availability"))),
        OpenAPIBuilder.path("/rounds/{round}/conflicts",
            OpenAPIBuilder.operation(method: "get", summary: "All conflicts of interest of the round, each with its rule and fact (department)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("ConflictList")),
            OpenAPIBuilder.operation(method: "post", summary: "Add a conflict by hand; an existing assignment of the pair is removed (department)",
                                     parameters: [round], body: .json("ManualConflict"), status: 201,
                                     schema: OpenAPIBuilder.ref("ConflictList"))),
        OpenAPIBuilder.path("/applications/{application}/recusal",
            OpenAPIBuilder.operation(method: "post", summary: "Declare a conflict of interest and leave the panel of an own assignment (主动回避); the sheet goes, the department reassigns (expert)",
                                     parameters: [application], body: .json("RecusalInput"), status: 201, schema: OpenAPIBuilder.ref("Recusal"))),
        OpenAPIBuilder.path("/rounds/{round}/assignment",
            OpenAPIBuilder.operation(method: "post", summary: "Run the optimal conflict-free assignment; 422 explains an infeasible round (department)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("Assignment")),
            OpenAPIBuilder.operation(method: "get", summary: "The current assignment with loads (department)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("Assignment"))),
        OpenAPIBuilder.path("/rounds/{round}/assignment/changes",
            OpenAPIBuilder.operation(method: "post", summary: "Change an assignment by hand, recorded with the reason; 422 when a removal without replacement leaves fewer than the round's experts (department)",
                                     parameters: [round], body: .json("AssignmentChange"), schema: OpenAPIBuilder.ref("Assignment"))),
        OpenAPIBuilder.path("/rounds/{round}/scoring",
            OpenAPIBuilder.operation(method: "post", summary: "Start scoring: settings freeze, applications go under expert review (department)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("Round"))),
        OpenAPIBuilder.path("/rounds/{round}/close",
            OpenAPIBuilder.operation(method: "post", summary: "Close scoring once every sheet is submitted and every panel has the round's experts (department)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("Round"))),
        OpenAPIBuilder.path("/me/assignments",
            OpenAPIBuilder.operation(method: "get", summary: "The calling expert's assignments (expert)",
                                     schema: OpenAPIBuilder.ref("MyAssignmentList"))),
        OpenAPIBuilder.path("/applications/{application}/score-sheets/mine",
            OpenAPIBuilder.operation(method: "get", summary: "The calling expert's score sheet (expert)",
                                     parameters: [application], schema: OpenAPIBuilder.ref("ScoreSheet")),
            OpenAPIBuilder.operation(method: "put", summary: "Save scores and comments, partially (expert, before the deadline, until submitted)",
                                     parameters: [application], body: .json("ScoreSheetInput"), schema: OpenAPIBuilder.ref("ScoreSheet"))),
        OpenAPIBuilder.path("/applications/{application}/score-sheets/mine/submit",
            OpenAPIBuilder.operation(method: "post", summary: "Submit the sheet; final unless the department reopens it (expert)",
                                     parameters: [application], schema: OpenAPIBuilder.ref("ScoreSheet"))),
        OpenAPIBuilder.path("/applications/{application}/score-sheets",
            OpenAPIBuilder.operation(method: "get", summary: "All sheets of an application (department; others only after the round closes)",
                                     parameters: [application], schema: OpenAPIBuilder.ref("ScoreSheetList"))),
        OpenAPIBuilder.path("/applications/{application}/score-sheets/{expert}/reopen",
            OpenAPIBuilder.operation(method: "post", summary: "Reopen a submitted sheet (department)",
                                     parameters: [application, expert], body: .json("Reason"), schema: OpenAPIBuilder.ref("ScoreSheet"))),
        OpenAPIBuilder.path("/applications/{application}/score-sheets/{expert}/paper",
            OpenAPIBuilder.operation(method: "put", summary: "评审会: enter an assigned expert's complete paper sheet on their behalf; counts as submitted, recorded with who entered it and when, for the expert to confirm or correct (department)",
                                     parameters: [application, expert], body: .json("PaperSheetInput"), schema: OpenAPIBuilder.ref("ScoreSheet"))),
        OpenAPIBuilder.path("/applications/{application}/score-sheets/mine/confirm",
            OpenAPIBuilder.operation(method: "post", summary: "Confirm the sheet the department entered for you from paper; to correct it, save your own sheet and submit it (expert)",
                                     parameters: [application], schema: OpenAPIBuilder.ref("ScoreSheet"))),
        OpenAPIBuilder.path("/rounds/{round}/ranking",
            OpenAPIBuilder.operation(method: "get", summary: "Aggregated scores, ranking with tie-breaks, proposal, adjustments and outlier flags (department; federation after closing)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("Ranking"))),
        OpenAPIBuilder.path("/rounds/{round}/notice",
            OpenAPIBuilder.operation(method: "post", summary: "Publish the proposed list on public notice (公示) (department)",
                                     parameters: [round], body: .json("NoticeInput"), status: 201, schema: OpenAPIBuilder.ref("Notice")),
            OpenAPIBuilder.operation(method: "get", summary: "The notice and its objections (department, federation)",
                                     parameters: [round], schema: OpenAPIBuilder.ref("Notice"))),
        OpenAPIBuilder.path("/rounds/{round}/ranking.xlsx",
            OpenAPIBuilder.operation(method: "get", summary: "The ranking as an Excel workbook (.xlsx): rank, application, studio, sheets, scores, proposed, reason (department; federation after closing)",
                                     parameters: [round], description: "The workbook", schema: "{ type: string, format: binary }",
                                     contentTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])),
        OpenAPIBuilder.path("/rounds/{round}/notice.xlsx",
            OpenAPIBuilder.operation(method: "get", summary: "The 公示 list as an Excel workbook (.xlsx): studio, applicant unit, screening body, application, notice period (department, federation)",
                                     parameters: [round], description: "The workbook", schema: "{ type: string, format: binary }",
                                     contentTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])),
        OpenAPIBuilder.path("/rounds/{round}/objections",
            OpenAPIBuilder.operation(method: "post", summary: "Record an objection received during the notice (department)",
                                     parameters: [round], body: .json("ObjectionInput"), status: 201, schema: OpenAPIBuilder.ref("Notice"))),
        OpenAPIBuilder.path("/rounds/{round}/objections/{objection}/resolution",
            OpenAPIBuilder.operation(method: "post", summary: "Resolve an objection; upheld removes the application from the list (department)",
                                     parameters: [round, objection], body: .json("Resolution"), schema: OpenAPIBuilder.ref("Notice"))),
        OpenAPIBuilder.path("/rounds/{round}/decision",
            OpenAPIBuilder.operation(method: "post", summary: "Decide after the notice (federation, Art 11): emits studio.named, project_grant.awarded, demonstration.selected and a status per application",
                                     parameters: [round], body: .json("DecisionInput", required: false), schema: OpenAPIBuilder.ref("Decision"))),
        OpenAPIBuilder.path("/public/notices",
            OpenAPIBuilder.operation(method: "get", summary: "Published 公示 of the proposed lists, newest first, one page: studio, unit, area, screening body, the period in working days; no personal data; no token",
                                     parameters: [OpenAPIBuilder.queryParameter("offset", "type: integer, minimum: 0, maximum: 1000000", required: false),
                                                  OpenAPIBuilder.queryParameter("limit", "type: integer, minimum: 1, maximum: 100", required: false)],
                                     schema: OpenAPIBuilder.ref("PublicProposedListPage"), errors: [400], security: [])),
        OpenAPIBuilder.path("/public/rounds/{round}/notice",
            OpenAPIBuilder.operation(method: "get", summary: "One round's 公示: the proposed list and its period, whether objections are accepted today; no personal data; no token",
                                     parameters: [round], schema: OpenAPIBuilder.ref("PublicProposedList"), errors: [404], security: [])),
        OpenAPIBuilder.path("/public/rounds/{round}/objections",
            OpenAPIBuilder.operation(method: "post", summary: "Lodge an objection (异议) during the period; name and contact are kept for the department and never shown; 409 outside the period; no token",
                                     parameters: [round], body: .json("PublicObjectionInput"), status: 201, schema: OpenAPIBuilder.ref("PublicObjectionReceipt"),
                                     errors: [400, 404, 409, 422], security: [])),
        OpenAPIBuilder.path("/calendars",
            OpenAPIBuilder.operation(method: "get", summary: "The holiday calendars (节假日安排) the notice counts working days with, shipped and loaded (department, federation)",
                                     schema: OpenAPIBuilder.ref("HolidayCalendarList"))),
        OpenAPIBuilder.path("/calendars/{year}",
            OpenAPIBuilder.operation(method: "get", summary: "One year's statutory holidays and make-up working days (调休) (department, federation)",
                                     parameters: [calendarYear], schema: OpenAPIBuilder.ref("HolidayCalendar")),
            OpenAPIBuilder.operation(method: "put", summary: "Load or correct a year's calendar: dates inside the year, none both a holiday and a make-up day, make-up days on weekends (department)",
                                     parameters: [calendarYear], body: .json("HolidayCalendarInput"), schema: OpenAPIBuilder.ref("HolidayCalendar"))),
        OpenAPIBuilder.path("/applications/{application}/site-visits",
            OpenAPIBuilder.operation(method: "post", summary: "Record a site visit (实地考察) after qualification and before scoring: the day, who visited, the findings (department)",
                                     parameters: [application], body: .json("SiteVisitInput"), status: 201, schema: OpenAPIBuilder.ref("SiteVisit")),
            OpenAPIBuilder.operation(method: "get", summary: "An application's site visits with their photos; experts only on their own assignments, otherwise 404",
                                     parameters: [application], schema: OpenAPIBuilder.ref("SiteVisitList"))),
        OpenAPIBuilder.path("/site-visits/{visit}/photos",
            OpenAPIBuilder.operation(method: "post", summary: "Add a photo to a visit: JPEG or PNG recognised by content, at most 5 MiB, 20 a visit (department)",
                                     parameters: [visit, OpenAPIBuilder.queryParameter("name", "type: string, minLength: 1, maxLength: 200", required: true,
                                                                                       description: #"File name without path, "..", colon or control characters"#)],
                                     body: OpenAPIBuilder.Body([("application/octet-stream", binary)]), status: 201, description: "Stored",
                                     schema: OpenAPIBuilder.ref("SiteVisitPhoto"), errors: [401, 403, 404, 409, 413, 415, 422])),
        OpenAPIBuilder.path("/site-visits/{visit}/photos/{photo}",
            OpenAPIBuilder.operation(method: "get", summary: "Download a photo, typed by the content checked on upload; experts only on their own assignments, otherwise 404",
                                     parameters: [visit, photo], description: "The photo as a download (Content-Disposition: attachment)", schema: binary,
                                     contentTypes: ["image/jpeg", "image/png"], errors: [401, 403, 404])),
    ].joined(separator: "\n")

    static let schemas = """
        ExpertImport:
          type: object
          required: [imported, experts]
          properties:
            imported: { type: integer }
            experts: { type: array, items: { type: string } }
        DecisionInput:
          type: object
          description: optional; approve the list without entries that drew an objection during the notice, with the reason
          properties:
            excludeApplicationIds: { type: array, items: { type: string }, maxItems: 100 }
            reason: { type: string, maxLength: 2000 }
        Criterion:
          type: object
          required: [key, nameZh, nameEn, maxScore, weight]
          properties:
            key: { type: string }
            nameZh: { type: string }
            nameEn: { type: string }
            article: { type: [string, 'null'] }
            maxScore: { type: integer, minimum: 1, maximum: 100 }
            weight: { type: integer, minimum: 1, maximum: 100, description: weights add up to 100 }
            guidanceZh: { type: string, maxLength: 500, description: what the expert looks for (评分要点), shown on the score sheet }
        Rubric:
          type: object
          properties: { criteria: { type: array, items: { $ref: '#/components/schemas/Criterion' } } }
        Round:
          type: object
          properties:
            id: { type: string }
            kind: { type: string, enum: [naming, projectGrant, demonstration] }
            year: { type: integer }
            status: { type: string, enum: [open, scoring, closed, notice, decided] }
            quota: { type: integer }
            minimumScore: { type: integer }
            expertsPerApplication: { type: integer }
            excludeSameScreeningBody: { type: boolean, description: experts stay off applications of their own screening body (default true) }
            aggregate: { type: string, enum: [mean, trimmedMean], description: 'the score that ranks: mean (default, with the default panel of 3; sheets beyond outlierThreshold are flagged) or trimmedMean (drops the highest and the lowest sheet; needs 5 experts or more)' }
            normalise: { type: boolean }
            outlierThreshold: { type: integer }
            rubric: { $ref: '#/components/schemas/Rubric' }
            scoringDeadline: { type: [string, 'null'], format: date }
            noticeWorkingDays: { type: integer }
            updatedAt: { type: string, format: date-time }
            updatedBy: { type: [string, 'null'] }
        RoundList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/Round' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
        RoundDetail:
          type: object
          properties:
            round: { $ref: '#/components/schemas/Round' }
            applications: { type: integer }
            quotaRange: { type: array, items: { type: integer } }
            businessDay: { type: string, format: date, description: "review's business day (Asia/Shanghai)" }
        RoundSettings:
          type: object
          properties:
            quota: { type: integer, description: 'naming 1–30 (Art 9: generally 10), project grants 2–5 (Art 13), demonstration 1–2 (Art 14)' }
            minimumScore: { type: integer, minimum: 0, maximum: 100 }
            expertsPerApplication: { type: integer, minimum: 1, maximum: 15 }
            excludeSameScreeningBody: { type: boolean }
            aggregate: { type: string, enum: [mean, trimmedMean], description: trimmedMean needs expertsPerApplication 5 or more (422 otherwise) }
            normalise: { type: boolean }
            outlierThreshold: { type: integer }
            rubric: { $ref: '#/components/schemas/Rubric' }
            scoringDeadline: { type: string, format: date }
            noticeWorkingDays: { type: integer, minimum: 1, maximum: 30 }
        ApplicationSummaryList:
          type: object
          properties: { items: { type: array, items: { type: object } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
        AuditList:
          type: object
          properties:
            nextCursor: { type: string }
            total: { type: integer, minimum: 0 }
            items:
              type: array
              items:
                type: object
                properties:
                  id: { type: integer }
                  applicationId: { type: [string, 'null'] }
                  action: { type: string }
                  detail: { type: string, description: JSON }
                  actor: { type: string }
                  at: { type: string, format: date-time }
        Application:
          type: object
          properties:
            applicationId: { type: string }
            roundId: { type: string }
            status: { type: string }
            version: { type: integer }
            submittedOn: { type: string, format: date }
            content: { type: object }
            qualification: { type: array, items: { type: object } }
            experts: { type: array, items: { type: string } }
        QualificationDecision:
          type: object
          required: [outcome]
          properties:
            outcome: { type: string, enum: [pass, fail, return] }
            reasons: { type: array, items: { $ref: '#/components/schemas/DomainIssue' } }
        Relationship:
          type: object
          required: [kind]
          properties:
            kind: { type: string, enum: [masterApprentice, supplier, formerEmployer, relative] }
            unitCreditCode: { type: string }
            unitName: { type: string }
            personName: { type: string }
            note: { type: string }
        Expert:
          type: object
          required: [id, name, unitName, specialities, maxLoad]
          properties:
            id: { type: string }
            name: { type: string }
            unitName: { type: string }
            unitCreditCode: { type: string }
            screeningBodyCode: { type: string }
            specialities: { type: array, items: { type: string }, description: 'industry/field, e.g. 装备制造/数控加工' }
            title: { type: string }
            maxLoad: { type: integer }
            relationships: { type: array, items: { $ref: '#/components/schemas/Relationship' } }
            active: { type: boolean }
        ExpertList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/Expert' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
        Availability:
          type: object
          required: [available]
          properties:
            available: { type: boolean }
            maxLoad: { type: integer }
            minLoad: { type: integer, description: fewest applications the expert should get in the round }
        Conflict:
          type: object
          properties:
            rule: { type: string, enum: [same_unit, declared_relationship, same_screening_body, manual, declared_by_expert] }
            expertID: { type: string }
            applicationID: { type: string }
            factZh: { type: string }
            factEn: { type: string }
        ConflictList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/Conflict' } } }
        ManualConflict:
          type: object
          required: [expertId, applicationId, reason]
          properties:
            expertId: { type: string }
            applicationId: { type: string }
            reason: { type: string }
        RecusalInput:
          type: object
          required: [reason]
          properties:
            reason: { type: string, minLength: 1, maxLength: 2000 }
        Recusal:
          type: object
          required: [applicationId, expertId, reason, recusedAt, panel, needed]
          properties:
            applicationId: { type: string }
            expertId: { type: string }
            reason: { type: string }
            recusedAt: { type: string, format: date-time }
            panel: { type: integer, description: experts left on the application }
            needed: { type: integer, description: the round's experts per application }
        Assignment:
          type: object
          properties:
            roundId: { type: string }
            expertsPerApplication: { type: integer }
            totalCost: { type: integer, description: 'sum of speciality mismatch (0 field, 1 industry, 3 other)' }
            assignments: { type: array, items: { type: object } }
            loads: { type: object, additionalProperties: { type: integer } }
            shortPanels:
              type: array
              description: applications whose panel is smaller than expertsPerApplication (a late conflict or a recusal), until the department reassigns
              items:
                type: object
                properties:
                  applicationId: { type: string }
                  experts: { type: integer }
                  needed: { type: integer }
        AssignmentChange:
          type: object
          required: [applicationId, reason]
          properties:
            applicationId: { type: string }
            removeExpertId: { type: string }
            addExpertId: { type: string }
            reason: { type: string }
        MyAssignmentList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/MyAssignment' } } }
        MyAssignment:
          type: object
          required: [applicationId, roundId, studioName, unitName, speciality, projectTitles, rubric]
          properties:
            applicationId: { type: string }
            roundId: { type: string }
            studioName: { type: string }
            unitName: { type: string }
            speciality: { type: string }
            projectTitles: { type: array, items: { type: string } }
            sheetStatus: { type: string, enum: [draft, submitted] }
            scoringDeadline: { type: string, format: date }
            rubric: { $ref: '#/components/schemas/Rubric' }
        ScoreSheet:
          type: object
          properties:
            applicationId: { type: string }
            expertId: { type: string }
            scores: { type: object, additionalProperties: { type: integer } }
            comments: { type: object, additionalProperties: { type: string } }
            comment: { type: [string, 'null'] }
            status: { type: string, enum: [draft, submitted] }
            submittedAt: { type: [string, 'null'], format: date-time }
            total: { type: [string, 'null'], description: 'out of 100, two decimals' }
            enteredBy: { type: [string, 'null'], description: 'the department account that entered a paper sheet (评审会) for the expert' }
            enteredAt: { type: [string, 'null'], format: date-time }
            confirmedAt: { type: [string, 'null'], format: date-time, description: 'when the expert confirmed the entered sheet or submitted their correction' }
        ScoreSheetList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/ScoreSheet' } } }
        PaperSheetInput:
          type: object
          required: [scores]
          properties:
            scores: { type: object, additionalProperties: { type: integer }, description: every criterion of the rubric }
            comments: { type: object, additionalProperties: { type: string } }
            comment: { type: string }
        ScoreSheetInput:
          type: object
          properties:
            scores: { type: object, additionalProperties: { type: integer } }
            comments: { type: object, additionalProperties: { type: string } }
            comment: { type: string }
        Reason:
          type: object
          required: [reason]
          properties: { reason: { type: string } }
        Ranking:
          type: object
          properties:
            roundId: { type: string }
            status: { type: string }
            quota: { type: integer }
            minimumScore: { type: integer }
            tieBreaks: { type: array, items: { type: string } }
            lines: { type: array, items: { type: object } }
            adjustments: { type: array, items: { type: object } }
            outliers: { type: array, items: { type: object } }
        NoticeInput:
          type: object
          properties:
            applicationIds: { type: array, items: { type: string } }
            startsOn: { type: string, format: date }
            note: { type: string }
        Notice:
          type: object
          properties:
            roundId: { type: string }
            applicationIds: { type: array, items: { type: string } }
            startsOn: { type: string, format: date }
            endsOn: { type: string, format: date }
            workingDays: { type: integer }
            note: { type: [string, 'null'] }
            publishedBy: { type: string }
            objections: { type: array, items: { type: object } }
        ObjectionInput:
          type: object
          required: [applicationId, text]
          properties:
            applicationId: { type: string }
            text: { type: string }
            receivedOn: { type: string, format: date }
        PublicProposedEntry:
          type: object
          required: [applicationId, studioName, applicantUnit, area, screeningBodyCode]
          properties:
            applicationId: { type: string }
            studioName: { type: string }
            applicantUnit: { type: string }
            area: { type: string, description: the screening body's name }
            screeningBodyCode: { type: string }
        PublicProposedList:
          type: object
          required: [roundId, kind, year, startsOn, endsOn, workingDays, acceptingObjections, entries]
          properties:
            roundId: { type: string }
            kind: { type: string, enum: [naming, projectGrant, demonstration] }
            year: { type: integer }
            startsOn: { type: string, format: date }
            endsOn: { type: string, format: date, description: the last day of the notice, inclusive }
            workingDays: { type: integer }
            acceptingObjections: { type: boolean }
            entries: { type: array, items: { $ref: '#/components/schemas/PublicProposedEntry' } }
        PublicProposedListPage:
          type: object
          required: [items, total]
          properties:
            items: { type: array, items: { $ref: '#/components/schemas/PublicProposedList' } }
            total: { type: integer }
        PublicObjectionInput:
          type: object
          required: [applicationId, name, contact, text]
          properties:
            applicationId: { type: string, minLength: 1, maxLength: 100 }
            name: { type: string, minLength: 1, maxLength: 50, description: the objector's or their unit's name; kept private }
            contact: { type: string, minLength: 1, maxLength: 100, description: a phone number or an address; kept private }
            text: { type: string, minLength: 1, maxLength: 2000, description: the reasons }
        PublicObjectionReceipt:
          type: object
          required: [objectionId, roundId, applicationId, receivedOn]
          properties:
            objectionId: { type: integer }
            roundId: { type: string }
            applicationId: { type: string }
            receivedOn: { type: string, format: date }
        HolidayDay:
          type: object
          required: [date, name]
          properties:
            date: { type: string, format: date }
            name: { type: string, minLength: 1, maxLength: 50 }
        HolidayCalendarInput:
          type: object
          required: [holidays, makeUpWorkdays]
          properties:
            source: { type: string, maxLength: 200, description: 'the notice, e.g. 国办发明电〔2025〕7号' }
            holidays: { type: array, maxItems: 60, items: { $ref: '#/components/schemas/HolidayDay' } }
            makeUpWorkdays: { type: array, maxItems: 60, items: { $ref: '#/components/schemas/HolidayDay' }, description: Saturdays and Sundays that are worked (调休) }
        HolidayCalendar:
          type: object
          required: [year, origin, holidays, makeUpWorkdays]
          properties:
            year: { type: integer }
            source: { type: [string, 'null'] }
            origin: { type: string, enum: [shipped, department] }
            holidays: { type: array, items: { $ref: '#/components/schemas/HolidayDay' } }
            makeUpWorkdays: { type: array, items: { $ref: '#/components/schemas/HolidayDay' } }
        HolidayCalendarList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/HolidayCalendar' } } }
        SiteVisitInput:
          type: object
          required: [visitedOn, visitors, findings]
          properties:
            visitedOn: { type: string, format: date }
            visitors: { type: array, minItems: 1, maxItems: 20, items: { type: string, minLength: 1, maxLength: 50 } }
            findings: { type: string, minLength: 1, maxLength: 4000 }
        SiteVisitPhoto:
          type: object
          required: [id, fileName, mediaType, size, sha256, addedAt]
          properties:
            id: { type: integer }
            fileName: { type: string }
            mediaType: { type: string, enum: [image/jpeg, image/png] }
            size: { type: integer }
            sha256: { type: string }
            addedAt: { type: string, format: date-time }
        SiteVisit:
          type: object
          required: [id, applicationId, roundId, visitedOn, visitors, findings, recordedBy, recordedAt, photos]
          properties:
            id: { type: integer }
            applicationId: { type: string }
            roundId: { type: string }
            visitedOn: { type: string, format: date }
            visitors: { type: array, items: { type: string } }
            findings: { type: string }
            recordedBy: { type: string }
            recordedAt: { type: string, format: date-time }
            photos: { type: array, items: { $ref: '#/components/schemas/SiteVisitPhoto' } }
        SiteVisitList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/SiteVisit' } } }
        Resolution:
          type: object
          required: [upheld, resolution]
          properties:
            upheld: { type: boolean }
            resolution: { type: string }
        Decision:
          type: object
          properties:
            roundId: { type: string }
            decidedOn: { type: string, format: date }
            decidedBy: { type: string }
            outcomes: { type: array, items: { type: object } }
    """
}
