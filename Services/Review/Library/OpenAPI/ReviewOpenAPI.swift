import Foundation

/// The review service's part of the OpenAPI document: paths (two-space path keys, four-space methods)
/// and schemas (four-space names under `components: schemas:`).
enum ReviewOpenAPI {
    struct Operation {
        var method: String
        var summary: String
        var body: String?
        var status: String
        var schema: String?
    }

    static func path(_ path: String, _ operations: [Operation]) -> String {
        let parameters = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { part -> String in
            let name = part.dropFirst().dropLast()
            return "        - { name: \(name), in: path, required: true, schema: { type: \(name == "objection" ? "integer" : "string") } }"
        }
        var lines = ["  \(path):"]
        for operation in operations {
            lines.append("    \(operation.method):")
            lines.append("      summary: '\(operation.summary.replacingOccurrences(of: "'", with: "''"))'")
            if !parameters.isEmpty {
                lines.append("      parameters:")
                lines += parameters
            }
            if let body = operation.body {
                lines += ["      requestBody:", "        required: true", "        content:", "          application/json:",
                          "            schema: { $ref: '#/components/schemas/\(body)' }"]
            }
            lines += ["      responses:", "        '\(operation.status)':", "          description: OK"]
            if let schema = operation.schema {
                lines += ["          content:", "            application/json:", "              schema: { $ref: '#/components/schemas/\(schema)' }"]
            }
            for code in ["400", "401", "403", "404", "409", "422"] {
                lines.append("        '\(code)': { $ref: '#/components/responses/Problem' }")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func op(_ method: String, _ summary: String, body: String? = nil, status: String = "200", _ schema: String? = nil) -> Operation {
        Operation(method: method, summary: summary, body: body, status: status, schema: schema)
    }

    static let paths = [
        path("/rounds", [op("get", "List review rounds (department, federation)", "RoundList")]),
        path("/rounds/{round}", [
            op("get", "Show a round with its settings (department, federation)", "RoundDetail"),
            op("patch", "Configure quota, minimum score, panel size, conflict rule, rubric, normalisation, deadline, notice length (department; rubric and panel only before scoring)", body: "RoundSettings", "Round"),
        ]),
        path("/rounds/{round}/applications", [op("get", "Applications of a round (department, federation)", "ApplicationSummaryList")]),
        path("/rounds/{round}/audit", [op("get", "Every decision and adjustment of the round, with who and when (department, federation)", "AuditList")]),
        path("/applications/{application}", [op("get", "One application; experts only their own assignments, otherwise 404", "Application")]),
        path("/applications/{application}/qualification", [op("post", "Qualification and project review (资格审查, Art 11): pass, fail or return (department)", body: "QualificationDecision", "Application")]),
        path("/experts", [
            op("get", "The expert pool (department)", "ExpertList"),
            op("post", "Add an expert (department)", body: "Expert", status: "201", "Expert"),
        ]),
        path("/experts/{expert}", [
            op("get", "One expert (department; an expert sees only themself)", "Expert"),
            op("put", "Replace an expert's record (department)", body: "Expert", "Expert"),
        ]),
        path("/rounds/{round}/experts/{expert}", [op("put", "Availability and load limit of an expert in a round (department)", body: "Availability", "Availability")]),
        path("/rounds/{round}/conflicts", [
            op("get", "All conflicts of interest of the round, each with its rule and fact (department)", "ConflictList"),
            op("post", "Add a conflict by hand; an existing assignment of the pair is removed (department)", body: "ManualConflict", status: "201", "ConflictList"),
        ]),
        path("/rounds/{round}/assignment", [
            op("post", "Run the optimal conflict-free assignment; 422 explains an infeasible round (department)", "Assignment"),
            op("get", "The current assignment with loads (department)", "Assignment"),
        ]),
        path("/rounds/{round}/assignment/changes", [op("post", "Change an assignment by hand, recorded with the reason (department)", body: "AssignmentChange", "Assignment")]),
        path("/rounds/{round}/scoring", [op("post", "Start scoring: settings freeze, applications go under expert review (department)", "Round")]),
        path("/rounds/{round}/close", [op("post", "Close scoring once every sheet is submitted (department)", "Round")]),
        path("/me/assignments", [op("get", "The calling expert's assignments (expert)", "MyAssignmentList")]),
        path("/applications/{application}/score-sheets/mine", [
            op("get", "The calling expert's score sheet (expert)", "ScoreSheet"),
            op("put", "Save scores and comments, partially (expert, before the deadline, until submitted)", body: "ScoreSheetInput", "ScoreSheet"),
        ]),
        path("/applications/{application}/score-sheets/mine/submit", [op("post", "Submit the sheet; final unless the department reopens it (expert)", "ScoreSheet")]),
        path("/applications/{application}/score-sheets", [op("get", "All sheets of an application (department; others only after the round closes)", "ScoreSheetList")]),
        path("/applications/{application}/score-sheets/{expert}/reopen", [op("post", "Reopen a submitted sheet (department)", body: "Reason", "ScoreSheet")]),
        path("/rounds/{round}/ranking", [op("get", "Aggregated scores, ranking with tie-breaks, proposal, adjustments and outlier flags (department; federation after closing)", "Ranking")]),
        path("/rounds/{round}/notice", [
            op("post", "Publish the proposed list on public notice (公示) (department)", body: "NoticeInput", status: "201", "Notice"),
            op("get", "The notice and its objections (department, federation)", "Notice"),
        ]),
        path("/rounds/{round}/objections", [op("post", "Record an objection received during the notice (department)", body: "ObjectionInput", status: "201", "Notice")]),
        path("/rounds/{round}/objections/{objection}/resolution", [op("post", "Resolve an objection; upheld removes the application from the list (department)", body: "Resolution", "Notice")]),
        path("/rounds/{round}/decision", [op("post", "Decide after the notice (federation, Art 11): emits studio.named, project_grant.awarded, demonstration.selected and a status per application", "Decision")]),
    ].joined(separator: "\n")

    static let schemas = """
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
            excludeSameScreeningBody: { type: boolean }
            normalise: { type: boolean }
            outlierThreshold: { type: integer }
            rubric: { $ref: '#/components/schemas/Rubric' }
            scoringDeadline: { type: [string, 'null'], format: date }
            noticeWorkingDays: { type: integer }
            updatedAt: { type: string, format: date-time }
            updatedBy: { type: [string, 'null'] }
        RoundList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/Round' } } }
        RoundDetail:
          type: object
          properties:
            round: { $ref: '#/components/schemas/Round' }
            applications: { type: integer }
            quotaRange: { type: array, items: { type: integer } }
        RoundSettings:
          type: object
          properties:
            quota: { type: integer, description: 'naming 1–30 (Art 9: generally 10), project grants 2–5 (Art 13), demonstration 1–2 (Art 14)' }
            minimumScore: { type: integer, minimum: 0, maximum: 100 }
            expertsPerApplication: { type: integer, minimum: 1, maximum: 15 }
            excludeSameScreeningBody: { type: boolean }
            normalise: { type: boolean }
            outlierThreshold: { type: integer }
            rubric: { $ref: '#/components/schemas/Rubric' }
            scoringDeadline: { type: string, format: date }
            noticeWorkingDays: { type: integer, minimum: 1, maximum: 30 }
        ApplicationSummaryList:
          type: object
          properties: { items: { type: array, items: { type: object } } }
        AuditList:
          type: object
          properties:
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
          properties: { items: { type: array, items: { $ref: '#/components/schemas/Expert' } } }
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
            rule: { type: string, enum: [same_unit, declared_relationship, same_screening_body, manual] }
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
        Assignment:
          type: object
          properties:
            roundId: { type: string }
            expertsPerApplication: { type: integer }
            totalCost: { type: integer, description: 'sum of speciality mismatch (0 field, 1 industry, 3 other)' }
            assignments: { type: array, items: { type: object } }
            loads: { type: object, additionalProperties: { type: integer } }
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
          properties: { items: { type: array, items: { type: object } } }
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
        ScoreSheetList:
          type: object
          properties: { items: { type: array, items: { $ref: '#/components/schemas/ScoreSheet' } } }
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
