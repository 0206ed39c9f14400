/// Assessment's part of the OpenAPI document: paths under `paths:` (two spaces), schemas under
/// `components: schemas:` (four spaces). A test checks every route is described.
enum AssessmentOpenAPI {
    static let problems = """
                '400': { $ref: '#/components/responses/Problem' }
                '401': { $ref: '#/components/responses/Problem' }
                '403': { $ref: '#/components/responses/Problem' }
                '404': { $ref: '#/components/responses/Problem' }
                '409': { $ref: '#/components/responses/Problem' }
                '422': { $ref: '#/components/responses/Problem' }
        """

    static func ok(_ code: String, _ schema: String) -> String {
        """
              responses:
                '\(code)':
                  description: OK
                  content:
                    application/json:
                      schema: { $ref: '#/components/schemas/\(schema)' }
        \(problems)
        """
    }

    static func body(_ schema: String) -> String {
        """
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/\(schema)' }
        """
    }

    static let id = """
              parameters:
                - { name: id, in: path, required: true, schema: { type: string } }
        """

    static func status(_ values: String) -> String {
        """
              parameters:
                - { name: status, in: query, schema: { type: string, enum: [\(values)] } }
        """
    }

    static let paths = """
          /studios:
            get:
              summary: The register (department, federation); filter by status, level, overdue=true
              parameters:
                - { name: status, in: query, schema: { type: string, enum: [active, demonstration, revoked, expired] } }
                - { name: level, in: query, schema: { type: string, enum: [city, provincial] } }
                - { name: overdue, in: query, schema: { type: boolean } }
        \(ok("200", "StudioList"))
          /studios/{id}:
            get:
              summary: One studio with its title history and assessments (department, federation)
        \(id)
        \(ok("200", "StudioDetail"))
          /assessments/due:
            get:
              summary: City studios whose Art 17 assessment window is open today, overdue ones flagged (department, federation)
              parameters:
                - { name: overdue, in: query, schema: { type: boolean } }
        \(ok("200", "StudioList"))
          /studios/{id}/assessments:
            post:
              summary: Record the end-of-cycle assessment (Art 17); pass renews and opens the next cycle, fail revokes with a 通报 (department)
        \(id)
        \(body("CycleAssessmentInput"))
        \(ok("201", "CycleAssessmentRecorded"))
          /demonstration-acceptances:
            get:
              summary: Acceptance assessments of studios selected for demonstration status (Art 14) (department, federation)
        \(status("pending, accepted, failed"))
        \(ok("200", "DemonstrationAcceptanceList"))
          /demonstration-acceptances/{id}:
            get:
              summary: One acceptance (department, federation)
        \(id)
        \(ok("200", "DemonstrationAcceptance"))
          /demonstration-acceptances/{id}/result:
            post:
              summary: Record the acceptance result; a pass emits demonstration.accepted once (department)
        \(id)
        \(body("DemonstrationAcceptanceInput"))
        \(ok("200", "DemonstrationAcceptance"))
          /studios/{id}/change-reports:
            post:
              summary: Record a reported change of unit name or affiliation (Art 19) (department)
        \(id)
        \(body("ChangeReportInput"))
        \(ok("201", "ChangeReport"))
          /change-reports:
            get:
              summary: Change reports (department, federation)
        \(status("pending, adjusted, declined"))
        \(ok("200", "ChangeReportList"))
          /change-reports/{id}/decision:
            post:
              summary: The federation adjusts the register (emits studio.changed) or declines (federation)
        \(id)
        \(body("ChangeDecisionInput"))
        \(ok("200", "ChangeReport"))
          /revocation-cases:
            get:
              summary: Revocation cases (Art 20), from the department or funding's inspections (department, federation)
        \(status("open, revoked, dismissed"))
        \(ok("200", "RevocationCaseList"))
            post:
              summary: Open a case of plagiarism or falsification (department)
        \(body("RevocationCaseInput"))
        \(ok("201", "RevocationCase"))
          /revocation-cases/{id}:
            get:
              summary: One case (department, federation)
        \(id)
        \(ok("200", "RevocationCase"))
          /revocation-cases/{id}/decision:
            post:
              summary: Revoke (studio.revoked and a public 通报) or dismiss (federation)
        \(id)
        \(body("RevocationDecisionInput"))
        \(ok("200", "RevocationCase"))
          /provincial-studios/import:
            post:
              summary: Import provincial studios for Art 14 from JSON or CSV (studioName,unitName,screeningBodyCode,namedOn); all or nothing (department)
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/ProvincialImportFile' }
                  text/csv:
                    schema: { type: string }
        \(ok("201", "ProvincialImportOutcome"))
          /public/studios:
            get:
              summary: Public list of named studios (name, unit, area, level, year named, status); no personal data
              security: []
        \(ok("200", "PublicStudioList"))
          /public/notices:
            get:
              summary: Public notices (通报) of revocations
              security: []
        \(ok("200", "PublicNoticeList"))
          /public/notices/{id}:
            get:
              summary: One public notice
              security: []
        \(id)
        \(ok("200", "PublicNotice"))
        """

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
              properties: { items: { type: array, items: { $ref: '#/components/schemas/Studio' } } }
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
                reasons: { type: string, description: required for fail }
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
              properties: { items: { type: array, items: { $ref: '#/components/schemas/DemonstrationAcceptance' } } }
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
              properties: { items: { type: array, items: { $ref: '#/components/schemas/ChangeReport' } } }
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
                reasons: { type: string }
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
              properties: { items: { type: array, items: { $ref: '#/components/schemas/RevocationCase' } } }
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
            PublicStudioList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/PublicStudio' } } }
            PublicNotice:
              type: object
              properties:
                id: { type: string }
                studioId: { type: string }
                reason: { type: string }
                title: { type: string }
                body: { type: string }
                publishedOn: { $ref: '#/components/schemas/LocalDate' }
            PublicNoticeList:
              type: object
              properties: { items: { type: array, items: { $ref: '#/components/schemas/PublicNotice' } } }
        """
}
