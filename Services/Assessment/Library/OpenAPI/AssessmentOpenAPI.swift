import ServiceKit

/// Assessment's part of the OpenAPI document: paths under `paths:` (two spaces), schemas under
/// `components: schemas:` (four spaces). A test checks every route is described.
enum AssessmentOpenAPI {
    static let id = OpenAPIBuilder.pathParameter("id")

    static let paths = [
        OpenAPIBuilder.path("/studios",
            OpenAPIBuilder.operation(method: "get", summary: "The register, a page at a time (limit, cursor); filter by status, level, overdue=true, studio name, unit name, screening body and the year named (department, federation)",
                                     parameters: [OpenAPIBuilder.queryParameter("status", "type: string, enum: [active, demonstration, revoked, expired]"),
                                                  OpenAPIBuilder.queryParameter("level", "type: string, enum: [city, provincial]"),
                                                  OpenAPIBuilder.queryParameter("overdue", "type: boolean"),
                                                  OpenAPIBuilder.queryParameter("name", description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", description: "Part of the unit's name"),
                                                  OpenAPIBuilder.queryParameter("screeningBody"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("StudioList"))),
        OpenAPIBuilder.path("/studios/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One studio with its title history and assessments (department, federation)",
                                     parameters: [id], schema: OpenAPIBuilder.ref("StudioDetail"))),
        OpenAPIBuilder.path("/assessments/due",
            OpenAPIBuilder.operation(method: "get", summary: "City studios whose Art 17 assessment window is open today, overdue ones flagged, by the cycle's end, a page at a time (limit, cursor), filtered by name, unit and county (department, federation)",
                                     parameters: [OpenAPIBuilder.queryParameter("overdue", "type: boolean"),
                                                  OpenAPIBuilder.queryParameter("name", description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", description: "Part of the unit's name"),
                                                  OpenAPIBuilder.queryParameter("screeningBody", description: "The studio's screening body (county) code")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("StudioList"))),
        OpenAPIBuilder.path("/studios/{id}/assessments",
            OpenAPIBuilder.operation(method: "post", summary: "Record the end-of-cycle assessment (Art 17); pass renews and opens the next cycle, fail revokes with a 通报 (department)",
                                     parameters: [id], body: .json("CycleAssessmentInput"), status: 201,
                                     schema: OpenAPIBuilder.ref("CycleAssessmentRecorded"))),
        OpenAPIBuilder.path("/demonstration-acceptances",
            OpenAPIBuilder.operation(method: "get", summary: "Acceptance assessments of studios selected for demonstration status (Art 14), by year, a page at a time (limit, cursor), filtered by status, studio, name, unit, county and the round's year (department, federation)",
                                     parameters: [OpenAPIBuilder.queryParameter("status", "type: string, enum: [pending, accepted, failed]"),
                                                  OpenAPIBuilder.queryParameter("studioId"),
                                                  OpenAPIBuilder.queryParameter("name", description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", description: "Part of the unit's name"),
                                                  OpenAPIBuilder.queryParameter("screeningBody", description: "The studio's screening body (county) code"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", description: "The round's year")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("DemonstrationAcceptanceList"))),
        OpenAPIBuilder.path("/demonstration-acceptances/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One acceptance (department, federation)",
                                     parameters: [id], schema: OpenAPIBuilder.ref("DemonstrationAcceptance"))),
        OpenAPIBuilder.path("/demonstration-acceptances/{id}/result",
            OpenAPIBuilder.operation(method: "post", summary: "Record the acceptance result; a pass emits demonstration.accepted once (department)",
                                     parameters: [id], body: .json("DemonstrationAcceptanceInput"),
                                     schema: OpenAPIBuilder.ref("DemonstrationAcceptance"))),
        OpenAPIBuilder.path("/studios/{id}/change-reports",
            OpenAPIBuilder.operation(method: "post", summary: "Record a reported change of unit name or affiliation (Art 19) (department)",
                                     parameters: [id], body: .json("ChangeReportInput"), status: 201,
                                     schema: OpenAPIBuilder.ref("ChangeReport"))),
        OpenAPIBuilder.path("/change-reports",
            OpenAPIBuilder.operation(method: "get", summary: "Change reports, oldest first, a page at a time (limit, cursor), filtered by status, studio, name, unit, county and the year reported (department, federation)",
                                     parameters: [OpenAPIBuilder.queryParameter("status", "type: string, enum: [pending, adjusted, declined]"),
                                                  OpenAPIBuilder.queryParameter("studioId"),
                                                  OpenAPIBuilder.queryParameter("name", description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", description: "Part of the unit's name"),
                                                  OpenAPIBuilder.queryParameter("screeningBody", description: "The studio's screening body (county) code"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", description: "The year of the reported change")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("ChangeReportList"))),
        OpenAPIBuilder.path("/change-reports/{id}/decision",
            OpenAPIBuilder.operation(method: "post", summary: "The federation adjusts the register (emits studio.changed) or declines (federation)",
                                     parameters: [id], body: .json("ChangeDecisionInput"), schema: OpenAPIBuilder.ref("ChangeReport"))),
        OpenAPIBuilder.path("/revocation-cases",
            OpenAPIBuilder.operation(method: "get", summary: "Revocation cases (Art 20), from the department or funding's inspections, oldest first, a page at a time (limit, cursor), filtered by status, studio, name, unit, county and the year the facts were found (department, federation)",
                                     parameters: [OpenAPIBuilder.queryParameter("status", "type: string, enum: [open, revoked, dismissed]"),
                                                  OpenAPIBuilder.queryParameter("studioId"),
                                                  OpenAPIBuilder.queryParameter("name", description: "Part of the studio's name"),
                                                  OpenAPIBuilder.queryParameter("unit", description: "Part of the unit's name"),
                                                  OpenAPIBuilder.queryParameter("screeningBody", description: "The studio's screening body (county) code"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", description: "The year the facts were found")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("RevocationCaseList")),
            OpenAPIBuilder.operation(method: "post", summary: "Open a case of plagiarism or falsification (department)",
                                     body: .json("RevocationCaseInput"), status: 201, schema: OpenAPIBuilder.ref("RevocationCase"))),
        OpenAPIBuilder.path("/revocation-cases/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One case (department, federation)",
                                     parameters: [id], schema: OpenAPIBuilder.ref("RevocationCase"))),
        OpenAPIBuilder.path("/revocation-cases/{id}/decision",
            OpenAPIBuilder.operation(method: "post", summary: "Revoke (studio.revoked and a public 通报) or dismiss (federation)",
                                     parameters: [id], body: .json("RevocationDecisionInput"),
                                     schema: OpenAPIBuilder.ref("RevocationCase"))),
        OpenAPIBuilder.path("/provincial-studios/import",
            OpenAPIBuilder.operation(method: "post", summary: "Import provincial studios for Art 14 from JSON or CSV (studioName,unitName,screeningBodyCode,namedOn); all or nothing (department)",
                                     body: OpenAPIBuilder.Body([("application/json", OpenAPIBuilder.ref("ProvincialImportFile")), ("text/csv", "{ type: string }")]),
                                     status: 201, schema: OpenAPIBuilder.ref("ProvincialImportOutcome"))),
        OpenAPIBuilder.path("/public/studios",
            OpenAPIBuilder.operation(method: "get", summary: "Public list of named studios (name, unit, area, level, year named, status) in the register's order; no personal data",
                                     parameters: [OpenAPIBuilder.queryParameter("q", "type: string, maxLength: 100", required: false, description: "part of a studio's, unit's or area's name"),
                                                  OpenAPIBuilder.queryParameter("offset", "type: integer, minimum: 0, maximum: 1000000", required: false),
                                                  OpenAPIBuilder.queryParameter("limit", "type: integer, minimum: 1, maximum: 5000", required: false)],
                                     schema: OpenAPIBuilder.ref("PublicStudioList"), errors: [422], security: [])),
        OpenAPIBuilder.path("/public/studios/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One studio's public page: plaque and title history, no personal data",
                                     parameters: [id], schema: OpenAPIBuilder.ref("PublicStudioPage"), errors: [404], security: [])),
        OpenAPIBuilder.path("/public/notices",
            OpenAPIBuilder.operation(method: "get", summary: "Public notices (通报) of revocations and expiries, newest first, a page at a time (limit, cursor), filtered by kind and year published",
                                     parameters: [OpenAPIBuilder.queryParameter("kind", "type: string, enum: [revocation, expiry]"),
                                                  OpenAPIBuilder.queryParameter("year", "type: integer, minimum: 2016, maximum: 9999", description: "The year published")]
                                                  + OpenAPIBuilder.pageParameters,
                                     schema: OpenAPIBuilder.ref("PublicNoticeList"), security: [])),
        OpenAPIBuilder.path("/public/notices/{id}",
            OpenAPIBuilder.operation(method: "get", summary: "One public notice",
                                     parameters: [id], schema: OpenAPIBuilder.ref("PublicNotice"), security: [])),
    ].joined(separator: "\n")

    static let schemas = """
            LocalDate: { type: string, format: date, description: 'a calendar day in Asia/Shanghai' }
            StudioCycle:
              type: object
              properties:
                number: { type: integer, minimum: 1 }
                start: { $ref: '#/components/schemas/LocalDate' }
                end: { $ref: '#/components/schemas/LocalDate', description: exclusive }
            CycleStanding:
              type: object
              properties:
                cycle: { $ref: '#/components/schemas/StudioCycle' }
                yearInCycle: { type: [integer, 'null'] }
                assessmentWindowOpensOn: { $ref: '#/components/schemas/LocalDate' }
                assessmentWindowOpen: { type: boolean }
                overdue: { type: boolean }
                daysToCycleEnd: { type: integer }
            Studio:
              type: object
              properties:
                id: { type: string }
                applicationId: { type: [string, 'null'] }
                studioName: { type: string }
                unitName: { type: string }
                unitCreditCode: { type: [string, 'null'] }
                screeningBody: { type: object, properties: { code: { type: string }, nameZh: { type: [string, 'null'] } } }
                leaderName: { type: [string, 'null'] }
                level: { type: string, enum: [city, provincial] }
                status: { type: string, enum: [active, demonstration, revoked, expired] }
                namedOn: { $ref: '#/components/schemas/LocalDate' }
                plaque: { type: [object, 'null'], properties: { number: { type: string }, issuedOn: { type: string, format: date } } }
                cycle: { $ref: '#/components/schemas/StudioCycle' }
                standing: { oneOf: [{ $ref: '#/components/schemas/CycleStanding' }, { type: 'null' }] }
                origin: { type: string, enum: [naming, provincial_import] }
                registeredAt: { type: string, format: date-time }
                updatedAt: { type: string, format: date-time }
            StudioList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Studio' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
            TitleHistoryEntry:
              type: object
              properties:
                kind: { type: string }
                fromStatus: { type: [string, 'null'] }
                toStatus: { type: string }
                detailsZh: { type: string }
                reference: { type: [string, 'null'] }
                effectiveOn: { $ref: '#/components/schemas/LocalDate' }
                actorRole: { type: string }
                actorSubject: { type: [string, 'null'] }
                recordedAt: { type: string, format: date-time }
            Scores:
              type: object
              description: each criterion 0–20 (Art 2, 5)
              required: [facilities, workRules, projects, team, results]
              properties:
                facilities: { type: integer, minimum: 0, maximum: 20 }
                workRules: { type: integer, minimum: 0, maximum: 20 }
                projects: { type: integer, minimum: 0, maximum: 20 }
                team: { type: integer, minimum: 0, maximum: 20 }
                results: { type: integer, minimum: 0, maximum: 20 }
            CycleAssessmentInput:
              type: object
              required: [cycleNumber, assessedOn, scores, siteVisit, result]
              properties:
                cycleNumber: { type: integer }
                assessedOn: { $ref: '#/components/schemas/LocalDate' }
                scores: { $ref: '#/components/schemas/Scores' }
                siteVisit:
                  type: object
                  required: [visitedOn, visitors, plaqueDisplayed]
                  properties:
                    visitedOn: { $ref: '#/components/schemas/LocalDate' }
                    visitors: { type: array, items: { type: string } }
                    plaqueDisplayed: { type: boolean, description: Art 18 }
                result: { type: string, enum: [pass, fail] }
                reasons: { type: string, description: 'required for fail; internal, never published' }
                publicText: { type: string, maxLength: 500, description: 'for a fail, the finding as the public notice words it; an ID or phone number in it is refused (422, field publicText)' }
            CycleAssessment:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                cycle: { $ref: '#/components/schemas/StudioCycle' }
                result: { type: string, enum: [pass, fail] }
                scores: { $ref: '#/components/schemas/Scores' }
                totalScore: { type: integer }
                siteVisit: { type: object }
                reasons: { type: string }
                assessedOn: { $ref: '#/components/schemas/LocalDate' }
                late: { type: boolean }
                recordedByRole: { type: string }
                recordedBySubject: { type: [string, 'null'] }
                recordedAt: { type: string, format: date-time }
            CycleAssessmentRecorded:
              type: object
              properties:
                assessment: { $ref: '#/components/schemas/CycleAssessment' }
                status: { type: string }
                cycle: { $ref: '#/components/schemas/StudioCycle' }
                noticeId: { type: [string, 'null'] }
            StudioDetail:
              type: object
              properties:
                studio: { $ref: '#/components/schemas/Studio' }
                history: { type: array, items: { $ref: '#/components/schemas/TitleHistoryEntry' } }
                assessments: { type: array, items: { $ref: '#/components/schemas/CycleAssessment' } }
                demonstrationAcceptances: { type: array, items: { $ref: '#/components/schemas/DemonstrationAcceptance' } }
                changeReports: { type: array, items: { $ref: '#/components/schemas/ChangeReport' } }
                revocationCases: { type: array, items: { $ref: '#/components/schemas/RevocationCase' } }
            DemonstrationAcceptance:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                applicationId: { type: string }
                roundId: { type: string }
                year: { type: integer }
                status: { type: string, enum: [pending, accepted, failed] }
                openedAt: { type: string, format: date-time }
                scores: { oneOf: [{ $ref: '#/components/schemas/Scores' }, { type: 'null' }] }
                totalScore: { type: [integer, 'null'] }
                reasons: { type: [string, 'null'] }
                assessedOn: { type: [string, 'null'], format: date }
                recordedByRole: { type: [string, 'null'] }
                recordedBySubject: { type: [string, 'null'] }
                recordedAt: { type: [string, 'null'], format: date-time }
            DemonstrationAcceptanceList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/DemonstrationAcceptance' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
            DemonstrationAcceptanceInput:
              type: object
              required: [assessedOn, scores, result]
              properties:
                assessedOn: { $ref: '#/components/schemas/LocalDate' }
                scores: { $ref: '#/components/schemas/Scores' }
                result: { type: string, enum: [pass, fail] }
                reasons: { type: string, description: required for fail }
            ChangeReportInput:
              type: object
              required: [reportedOn]
              properties:
                newUnitName: { type: string }
                newScreeningBodyCode: { type: string }
                reportedOn: { $ref: '#/components/schemas/LocalDate' }
                note: { type: string }
            ChangeDecisionInput:
              type: object
              required: [decision]
              properties:
                decision: { type: string, enum: [adjust, decline] }
                effectiveOn: { $ref: '#/components/schemas/LocalDate' }
                note: { type: string, description: required to decline }
            ChangeReport:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                newUnitName: { type: [string, 'null'] }
                newScreeningBodyCode: { type: [string, 'null'] }
                previousUnitName: { type: string }
                previousScreeningBodyCode: { type: string }
                reportedOn: { $ref: '#/components/schemas/LocalDate' }
                note: { type: [string, 'null'] }
                status: { type: string, enum: [pending, adjusted, declined] }
                decisionNote: { type: [string, 'null'] }
                effectiveOn: { type: [string, 'null'], format: date }
                reportedByRole: { type: string }
                decidedByRole: { type: [string, 'null'] }
                decidedAt: { type: [string, 'null'], format: date-time }
            ChangeReportList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/ChangeReport' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
            RevocationCaseInput:
              type: object
              required: [studioId, description, foundOn]
              properties:
                studioId: { type: string }
                description: { type: string }
                foundOn: { $ref: '#/components/schemas/LocalDate' }
            RevocationDecisionInput:
              type: object
              required: [decision, reasons]
              properties:
                decision: { type: string, enum: [revoke, dismiss] }
                reason: { type: string, enum: [plagiarismOrFraud, other], default: plagiarismOrFraud }
                reasons: { type: string, description: 'internal, never published' }
                publicText: { type: string, maxLength: 500, description: 'for a revocation, what the public notice says was found; an ID or phone number in it is refused (422, field publicText)' }
            RevocationCase:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                origin: { type: string, enum: [department, inspection] }
                inspectionId: { type: [string, 'null'] }
                grantId: { type: [string, 'null'] }
                amount: { type: [integer, 'null'], description: fen }
                description: { type: string }
                foundOn: { $ref: '#/components/schemas/LocalDate' }
                rectificationDeadline: { type: [string, 'null'], format: date }
                openedByRole: { type: string }
                openedAt: { type: string, format: date-time }
                status: { type: string, enum: [open, revoked, dismissed] }
                reason: { type: [string, 'null'] }
                decisionReasons: { type: [string, 'null'] }
                decidedOn: { type: [string, 'null'], format: date }
                decidedByRole: { type: [string, 'null'] }
                decidedAt: { type: [string, 'null'], format: date-time }
                noticeId: { type: [string, 'null'] }
            RevocationCaseList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/RevocationCase' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
            ProvincialImportFile:
              type: object
              required: [studios]
              properties:
                studios:
                  type: array
                  items:
                    type: object
                    required: [studioName, unitName, screeningBodyCode, namedOn]
                    properties:
                      studioName: { type: string }
                      unitName: { type: string }
                      screeningBodyCode: { type: string }
                      namedOn: { type: string, format: date }
            ProvincialImportOutcome:
              type: object
              properties:
                registered: { type: array, items: { type: string } }
                skipped: { type: array, items: { type: integer }, description: indexes of rows already in the register }
            PublicStudio:
              type: object
              properties:
                id: { type: string }
                name: { type: string }
                unit: { type: string }
                area: { type: string }
                level: { type: string, enum: [city, provincial] }
                yearNamed: { type: integer }
                status: { type: string, enum: [active, demonstration, revoked, expired] }
            PublicStudioPage:
              type: object
              required: [studio, namedOn, history]
              properties:
                studio: { $ref: '#/components/schemas/PublicStudio' }
                namedOn: { type: string, format: date }
                plaqueNumber: { type: string }
                history:
                  type: array
                  items:
                    type: object
                    required: [kind, toStatus, effectiveOn]
                    properties:
                      kind: { type: string, enum: [registered, renewed, assessmentFailed, demonstrationAccepted, changed, revoked, expired] }
                      toStatus: { type: string }
                      effectiveOn: { type: string, format: date }
            PublicStudioList:
              type: object
              required: [items, total]
              properties: { items: { type: array, items: { $ref: '#/components/schemas/PublicStudio' } }, total: { type: integer } }
            PublicNotice:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                kind: { type: string, enum: [revocation, expiry], description: 'expiry: the cycle ended unassessed and the grace period passed (Art 17)' }
                reason: { type: string }
                title: { type: string }
                body: { type: string }
                publishedOn: { $ref: '#/components/schemas/LocalDate' }
            PublicNoticeList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/PublicNotice' } }, nextCursor: { type: string }, total: { type: integer, minimum: 0 } }
        """
}
