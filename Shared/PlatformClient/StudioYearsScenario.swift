import Foundation
import StudioDomain

/// Three years of the platform, played against running services in demo-clock mode.
///
/// - Year 1 is `NamingYearScenario`: five studios named (Art 9–12), their 10,000-yuan grants paid.
/// - Year 2 (课题经费补助, Art 13; 示范性创新工作室, Art 14): four named studios apply for project grants and the
///   panel awards three (quota 3, within 2–5); two apply for demonstration status and one is selected (quota 1),
///   passes the acceptance assessment and gets the 50,000-yuan grant; the grants are paid.
/// - Two years after the first payments, the joint inspection (Art 16) of every paid studio: one misuse finding,
///   the inspection's once the three offices have signed and it is closed, which opens a revocation case in
///   assessment.
/// - Year 3: a second project-grant round awards two studios, one of them the studio under investigation; the
///   grants are approved; then the federation revokes that studio for fraud (Art 20, with a public 通报), so its
///   unpaid grant is cancelled and the payment batch holds only the other; at the end of the three-year cycle
///   (Art 17) the remaining studios are assessed: three pass, one fails and loses the title.
///
/// Blocking (libcurl): run it on a thread of its own or in a synchronous test.
public final class StudioYearsScenario {
    public struct SelectionRound: Sendable {
        public var kind: String
        public var roundId: String
        public var year: Int
        public var quota: Int
        /// Application id → studio id, for every application of the round.
        public var applications: [String: String]
        /// Studio ids awarded or selected.
        public var chosen: [String]
        /// Application id → review's final status (awarded / notAwarded / selected / notSelected).
        public var outcomes: [String: String]
    }

    public struct Summary: Sendable {
        public var yearOne: NamingYearScenario.Summary
        public var projectRounds: [SelectionRound]
        public var demonstrationRound: SelectionRound
        /// The studio that passed the demonstration acceptance and its 50,000-yuan grant.
        public var demonstrationStudio: String
        public var demonstrationGrant: String
        /// Inspection id → studio id, closed with all three sign-offs.
        public var inspections: [String: String]
        public var misuseStudio: String
        /// The studio revoked for fraud (Art 20), its revocation case and the public notice (通报).
        public var revokedForFraud: String
        public var revocationCase: String
        public var fraudNotice: String?
        /// The grant of the revoked studio that was approved but unpaid, and so cancelled.
        public var cancelledGrant: String
        /// End-of-cycle assessments (Art 17): studio id → pass / fail.
        public var cycleAssessments: [String: String]
        public var failedAssessment: String
        /// Every payment batch paid, by year.
        public var paymentBatches: [Int: String]
    }

    public let platform: Platform
    public let naming: NamingYearScenario
    private let log: (String) -> Void
    /// The year the expert panel (EXP-<year>-1…7) was formed: year 1's.
    private var panelYear = 0
    private var client: PlatformClient { naming.client }

    public init(platform: Platform, quota: Int = 5, timeout: TimeInterval = 20, log: @escaping (String) -> Void = { print($0) }) {
        self.platform = platform
        self.log = log
        self.naming = NamingYearScenario(platform: platform, quota: quota, timeout: timeout, log: log)
    }

    @discardableResult
    private func expect(_ step: String, _ method: String, _ service: Platform.Service, _ path: String, token: String, json: Any? = nil,
                        headers: [(String, String)] = [], status: Set<Int>) throws -> PlatformClient.Reply {
        try naming.expect(step, method, service, path, token: token, json: json, headers: headers, status: status)
    }

    private func token(_ role: Platform.Role) throws -> String { try platform.token(role) }

    /// Moves every service's demo clock by `days`.
    private func advanceClocks(_ days: Int, why: String) throws {
        let op = try token(.operator)
        for service in Platform.Service.allCases {
            try expect("advance \(service.rawValue)'s clock (\(why))", "POST", service, "/ops/clock", token: op, json: ["advanceDays": days], status: [200])
        }
        log("clocks +\(days) days (\(why)): business day \(try naming.today(on: .intake))")
    }

    /// Moves every clock to `day` (no move when it is already there or later).
    private func advanceClocks(to day: LocalDate, why: String) throws {
        let days = try naming.today(on: .review).days(until: day)
        if days > 0 { try advanceClocks(days, why: why) }
    }

    // MARK: The three years

    public func run() throws -> Summary {
        let yearOne = try naming.run()
        panelYear = yearOne.year
        let department = try token(.department), federation = try token(.federation)
        guard let namedOn = LocalDate(yearOne.decidedOn) else { throw ScenarioFailure(step: "year 1", detail: "no decision day: \(yearOne.decidedOn)") }
        // Studios in a stable order: S[0]…S[4], with the applicant that named each.
        let studios = yearOne.named.sorted { $0.value < $1.value }.map { (application: $0.key, studio: $0.value) }
        guard studios.count >= 5 else { throw ScenarioFailure(step: "year 1", detail: "need five named studios, got \(studios.count)") }
        var applicantOf: [String: NamingYearScenario.Applicant] = [:]
        for item in studios { applicantOf[item.studio] = naming.acceptedApplicants[item.application] }
        let s = studios.map(\.studio)
        var batches: [Int: String] = [yearOne.year: yearOne.paymentBatchId ?? ""]

        // Year 2: the second year of the studios' cycle has begun (Art 13).
        try advanceClocks(to: namedOn.adding(days: 370), why: "into the second year of the cycle")
        let yearTwo = try naming.today(on: .intake).year
        let projects2 = try selectionRound(kind: "projectGrant", year: yearTwo, quota: 3, applicants: Array(s[0...3]), applicantOf: applicantOf,
                                           preferred: [s[0], s[1], s[2]])
        let demonstration = try selectionRound(kind: "demonstration", year: yearTwo, quota: 1, applicants: [s[0], s[1]], applicantOf: applicantOf,
                                               preferred: [s[1]])
        guard demonstration.chosen.count == 1, let demoStudio = demonstration.chosen.first else {
            throw ScenarioFailure(step: "demonstration round", detail: "expected one selected studio: \(demonstration.chosen)")
        }
        // Assessment opens the acceptance (验收评估) for the selected studio; the department records a pass.
        var acceptanceId = ""
        try naming.waitUntil("assessment opens the demonstration acceptance", "a pending acceptance for \(demoStudio)") {
            let reply = try client.call("GET", platform.url(.assessment) + "/demonstration-acceptances?status=pending", token: department)
            acceptanceId = reply.items.first { $0["studioId"] as? String == demoStudio }?["id"] as? String ?? ""
            return !acceptanceId.isEmpty
        }
        let acceptedOn = try naming.today(on: .assessment)
        try expect("demonstration acceptance of \(demoStudio)", "POST", .assessment, "/demonstration-acceptances/\(acceptanceId)/result", token: department,
                   json: ["assessedOn": acceptedOn.description, "result": "pass", "reasons": "示范引领作用明显，成果在行业内推广",
                          "scores": ["facilities": 19, "workRules": 18, "projects": 19, "team": 18, "results": 19]], status: [200])
        log("demonstration: \(demoStudio) accepted on \(acceptedOn)")
        let year2Grants = try waitForGrants(expected: projects2.chosen.map { ($0, "projectGrant") } + [(demoStudio, "demonstration")], year: yearTwo)
        batches[yearTwo] = try pay(grants: year2Grants, year: yearTwo, budgetYuan: 200_000)
        let demoGrant = year2Grants.first { $0["studioId"] as? String == demoStudio && $0["kind"] as? String == "demonstration" }?["id"] as? String ?? ""

        // Two years after the first payments: the joint inspection (Art 16) of every studio that was paid.
        var inspections: [String: String] = [:]
        var scheduled: [[String: Any]] = []
        let yearOneStudios = Set(s)
        try naming.waitUntil("funding schedules the inspections", "an inspection for each year-1 studio") {
            let reply = try client.call("GET", platform.url(.funding) + "/inspections?status=scheduled", token: department)
            scheduled = reply.items.filter { yearOneStudios.contains($0["studioId"] as? String ?? "") }
            return Set(scheduled.compactMap { $0["studioId"] as? String }) == yearOneStudios
        }
        let due = scheduled.compactMap { ($0["dueOn"] as? String).flatMap(LocalDate.init) }.max() ?? namedOn.adding(days: 2 * 365)
        try advanceClocks(to: due, why: "the biennial inspection falls due")
        let misuseStudio = s[2]
        let audit = try token(.auditOffice)
        let misuseGrant = try grants(studio: misuseStudio).first { $0["kind"] as? String == "naming" }?["id"] as? String ?? ""
        for inspection in scheduled {
            guard let id = inspection["id"] as? String, let studio = inspection["studioId"] as? String else { continue }
            let path = "/inspections/\(id)"
            if studio == misuseStudio {
                let deadline = try naming.today(on: .funding).adding(days: 30)
                try expect("misuse finding for \(studio)", "POST", .funding, path + "/findings", token: audit,
                           json: ["kind": "misuse", "grantId": misuseGrant, "amount": 600_000, "rectificationDeadline": deadline.description,
                                  "description": "以虚假发票报销与工作室无关的差旅费用6000元（第十五条）"], status: [201])
            } else {
                try expect("finding for \(studio)", "POST", .funding, path + "/findings", token: department,
                           json: ["kind": "compliant", "description": "开支均有票据，用于人才培养、技术创新研究和日常运转（第十五条）"], status: [201])
            }
            for role in [Platform.Role.department, .finance, .auditOffice] {
                try expect("\(role.rawValue) signs inspection \(id)", "POST", .funding, path + "/sign-offs", token: token(role),
                           json: ["note": "联合检查意见一致"], status: [200])
            }
            try expect("close inspection \(id)", "POST", .funding, path + "/close", token: department, status: [200])
            inspections[id] = studio
        }
        // The closed inspection's misuse finding opens a revocation case in assessment.
        var caseId = ""
        try naming.waitUntil("assessment opens a revocation case", "an open case for \(misuseStudio)") {
            let reply = try client.call("GET", platform.url(.assessment) + "/revocation-cases?status=open", token: department)
            caseId = reply.items.first { $0["studioId"] as? String == misuseStudio }?["id"] as? String ?? ""
            return !caseId.isEmpty
        }
        log("inspection: \(inspections.count) inspections closed; misuse at \(misuseStudio) opened case \(caseId)")

        // Year 3: a project-grant round awards the studio under investigation and one other; both grants approved.
        let yearThree = try naming.today(on: .intake).year
        let projects3 = try selectionRound(kind: "projectGrant", year: yearThree, quota: 2, applicants: [misuseStudio, s[3]], applicantOf: applicantOf,
                                           preferred: [misuseStudio, s[3]])
        let year3Grants = try waitForGrants(expected: projects3.chosen.map { ($0, "projectGrant") }, year: yearThree)
        try expect("set the \(yearThree) budget", "PUT", .funding, "/budgets/\(yearThree)", token: department, json: ["amount": 20 * 1_000_000], status: [200])
        for grant in year3Grants { try approve(grant) }
        guard let cancelled = year3Grants.first(where: { $0["studioId"] as? String == misuseStudio })?["id"] as? String else {
            throw ScenarioFailure(step: "year-3 grants", detail: "no grant for \(misuseStudio)")
        }

        // The federation revokes the studio for fraud (Art 20): funding cancels its unpaid grant.
        let decided = try expect("the federation revokes \(misuseStudio)", "POST", .assessment, "/revocation-cases/\(caseId)/decision", token: federation,
                                 json: ["decision": "revoke", "reasons": "经查实以虚假票据套取补助经费，属弄虚作假（第二十条）",
                                        "publicText": "以虚假票据套取补助经费"], status: [200])
        let notice = (decided.object["noticeId"] ?? (decided.object["case"] as? [String: Any])?["noticeId"]) as? String
        try naming.waitUntil("funding cancels the revoked studio's unpaid grant", "grant \(cancelled) cancelled") {
            try grants(studio: misuseStudio).first { $0["id"] as? String == cancelled }?["status"] as? String == "cancelled"
        }
        let remaining = year3Grants.filter { $0["id"] as? String != cancelled }
        batches[yearThree] = try exportAndConfirm(remaining, year: yearThree)
        log("revocation: \(misuseStudio) revoked for fraud, grant \(cancelled) cancelled; \(remaining.count) project grant(s) paid")

        // The end of the first cycle (Art 17): the other studios are assessed; one fails.
        let failing = s[3]
        var cycleEnd = namedOn.adding(years: 3)
        if let detail = try? expect("cycle of \(s[0])", "GET", .assessment, "/studios/\(s[0])", token: department, status: [200]),
           let cycle = (detail.object["studio"] as? [String: Any])?["cycle"] as? [String: Any],
           let lastDay = (cycle["lastDay"] as? String).flatMap(LocalDate.init) {
            cycleEnd = lastDay
        }
        try advanceClocks(to: cycleEnd.adding(days: -20), why: "the end-of-cycle assessment window")
        var results: [String: String] = [:]
        for studio in s where studio != misuseStudio {
            let today = try naming.today(on: .assessment)
            let fails = studio == failing
            var body: [String: Any] = [
                "cycleNumber": 1, "assessedOn": today.description, "result": fails ? "fail" : "pass",
                "scores": fails ? ["facilities": 8, "workRules": 9, "projects": 5, "team": 7, "results": 6]
                                : ["facilities": 18, "workRules": 17, "projects": 17, "team": 18, "results": 16],
                "siteVisit": ["visitedOn": today.adding(days: -3).description, "visitors": ["经济工作部 李明", "专家 赵华"], "plaqueDisplayed": !fails],
            ]
            if fails {
                body["reasons"] = "三年内无委托创新项目，团队不足3人，未悬挂标牌（第五条、第十八条）"
                body["publicText"] = "三年内无委托创新项目，未悬挂标牌"
            }
            try expect("end-of-cycle assessment of \(studio)", "POST", .assessment, "/studios/\(studio)/assessments", token: department, json: body, status: [201])
            results[studio] = fails ? "fail" : "pass"
        }
        try naming.waitUntil("the revocations reach intake", "intake's replica showing \(misuseStudio) and \(failing) revoked") {
            let reply = try client.call("GET", platform.url(.intake) + "/studios", token: department)
            let status = Dictionary(reply.items.compactMap { item in (item["studioId"] as? String).map { ($0, item["status"] as? String ?? "") } },
                                    uniquingKeysWith: { a, _ in a })
            return status[misuseStudio] == "revoked" && status[failing] == "revoked"
        }
        log("end of cycle: \(results.filter { $0.value == "pass" }.count) passed, \(failing) failed and lost the title")

        return Summary(yearOne: yearOne, projectRounds: [projects2, projects3], demonstrationRound: demonstration,
                       demonstrationStudio: demoStudio, demonstrationGrant: demoGrant, inspections: inspections, misuseStudio: misuseStudio,
                       revokedForFraud: misuseStudio, revocationCase: caseId, fraudNotice: notice, cancelledGrant: cancelled,
                       cycleAssessments: results, failedAssessment: failing, paymentBatches: batches)
    }

    // MARK: A project-grant or demonstration round

    /// Opens the round at intake, has each studio's screening body apply for it, runs review (qualification,
    /// assignment, scoring with `preferred` studios scored highest, ranking, notice, the clock past the notice,
    /// the federation's decision) and waits for intake to show the outcomes.
    private func selectionRound(kind: String, year: Int, quota: Int, applicants studios: [String],
                                applicantOf: [String: NamingYearScenario.Applicant], preferred: [String]) throws -> SelectionRound {
        let department = try token(.department), federation = try token(.federation)
        let today = try naming.today(on: .intake)
        let opened = try expect("open the \(kind) round \(year)", "POST", .intake, "/rounds", token: department,
                                json: ["kind": kind, "year": year, "opensOn": today.description, "deadline": today.adding(days: 30).description], status: [201])
        guard let roundId = opened.object["id"] as? String else { throw ScenarioFailure(step: "open the \(kind) round", detail: opened.text) }

        var applications: [String: String] = [:]
        var bodyTokens: [String: String] = [:]
        var orderByBody: [String: Int] = [:]
        for studio in studios {
            guard let applicant = applicantOf[studio] else { throw ScenarioFailure(step: "\(kind) round", detail: "no applicant for \(studio)") }
            if bodyTokens[applicant.body] == nil {
                bodyTokens[applicant.body] = try naming.issueToken(on: .intake, role: "screening_body", subject: applicant.body)
            }
            let order = (orderByBody[applicant.body] ?? 0) + 1
            orderByBody[applicant.body] = order
            var form = naming.form(applicant, today: today, year: year, order: order)
            form.studioId = StudioID(studio)
            let reply = try expect("\(studio) applies (\(kind))", "POST", .intake, "/applications", token: bodyTokens[applicant.body]!,
                                   json: ["roundId": roundId, "submit": true, "form": try PlatformClient.json(form)],
                                   headers: [("Idempotency-Key", "scenario-\(roundId)-\(studio)")], status: [201])
            guard let id = reply.object["id"] as? String else { throw ScenarioFailure(step: "\(studio) applies", detail: reply.text) }
            applications[id] = studio
        }
        try naming.waitUntil("\(kind) applications reach review", "\(applications.count) applications in review's round \(roundId)") {
            let reply = try client.call("GET", platform.url(.review) + "/rounds/\(roundId)", token: department)
            return reply.status == 200 && reply.object["applications"] as? Int == applications.count
        }
        try expect("configure the \(kind) round", "PATCH", .review, "/rounds/\(roundId)", token: department,
                   json: ["quota": quota, "expertsPerApplication": 3], status: [200])
        for id in applications.keys.sorted() {
            try expect("qualify \(id)", "POST", .review, "/applications/\(id)/qualification", token: department, json: ["outcome": "pass"], status: [200])
        }
        // Year 1's panel serves again; each expert gets a token for this round's scoring.
        var expertTokens: [String: String] = [:]
        for number in 1...7 {
            let expert = "EXP-\(panelYear)-\(number)"
            expertTokens[expert] = try naming.issueToken(on: .review, role: "expert", subject: expert)
        }
        let assignment = try expect("assignment (\(kind))", "POST", .review, "/rounds/\(roundId)/assignment", token: department, status: [200])
        let assigned = (assignment.object["assignments"] as? [[String: Any]] ?? []).count
        guard assigned == applications.count else { throw ScenarioFailure(step: "assignment (\(kind))", detail: assignment.text) }
        try expect("start scoring (\(kind))", "POST", .review, "/rounds/\(roundId)/scoring", token: department, status: [200])
        for (expert, expertToken) in expertTokens.sorted(by: { $0.key < $1.key }) {
            let mine = try expect("assignments of \(expert)", "GET", .review, "/me/assignments?limit=500", token: expertToken, status: [200])
            for item in mine.items {
                guard let application = item["applicationId"] as? String, let studio = applications[application] else { continue }
                let rank = preferred.firstIndex(of: studio) ?? preferred.count + 1
                let scores: [String: Int] = ["facilities": 9, "workRules": 8, "projects": 10 - rank, "team": 8, "results": 8 - rank / 2]
                try expect("\(expert) scores \(application)", "PUT", .review, "/applications/\(application)/score-sheets/mine",
                           token: expertToken, json: ["scores": scores, "comment": "课题目标明确"], status: [200])
                try expect("\(expert) submits \(application)", "POST", .review, "/applications/\(application)/score-sheets/mine/submit",
                           token: expertToken, status: [200])
            }
        }
        try expect("close scoring (\(kind))", "POST", .review, "/rounds/\(roundId)/close", token: department, status: [200])
        try naming.ensureHolidayCalendars(department: department)
        let notice = try expect("public notice (\(kind))", "POST", .review, "/rounds/\(roundId)/notice", token: department, json: [String: Any](), status: [201])
        guard let endsOn = (notice.object["endsOn"] as? String).flatMap(LocalDate.init) else { throw ScenarioFailure(step: "notice (\(kind))", detail: notice.text) }
        try advanceClocks(to: endsOn.adding(days: 1), why: "past the \(kind) notice")
        let decision = try expect("the federation decides (\(kind))", "POST", .review, "/rounds/\(roundId)/decision", token: federation, status: [200])
        var outcomes: [String: String] = [:]
        for outcome in decision.object["outcomes"] as? [[String: Any]] ?? [] {
            if let application = outcome["applicationId"] as? String { outcomes[application] = outcome["status"] as? String ?? "" }
        }
        let winning: Set<String> = kind == "demonstration" ? ["selected"] : ["awarded"]
        let chosen = outcomes.filter { winning.contains($0.value) }.compactMap { applications[$0.key] }.sorted()
        guard chosen.count <= quota, !chosen.isEmpty else {
            throw ScenarioFailure(step: "the federation decides (\(kind))", detail: "chose \(chosen) with quota \(quota): \(decision.text)")
        }
        try naming.waitUntil("intake shows the \(kind) decision", "intake statuses of round \(roundId)") {
            let reply = try client.getAll(platform.url(.intake) + "/applications?roundId=\(roundId)", token: department)
            let status = Dictionary(reply.items.compactMap { item in (item["id"] as? String).map { ($0, item["status"] as? String ?? "") } },
                                    uniquingKeysWith: { a, _ in a })
            return outcomes.allSatisfy { status[$0.key] == $0.value }
        }
        log("\(kind) round \(roundId): \(applications.count) applied, chosen \(chosen)")
        return SelectionRound(kind: kind, roundId: roundId, year: year, quota: quota, applications: applications, chosen: chosen, outcomes: outcomes)
    }

    // MARK: Funding

    private func grants(studio: String) throws -> [[String: Any]] {
        let reply = try expect("grants of \(studio)", "GET", .funding, "/grants?studioId=\(studio)", token: token(.department), status: [200])
        return reply.items.filter { $0["studioId"] as? String == studio }
    }

    /// Waits until funding holds one grant of each expected (studio, kind) for `year`'s decisions.
    private func waitForGrants(expected: [(String, String)], year: Int) throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        try naming.waitUntil("funding creates the grants", "grants \(expected)") {
            found = []
            for (studio, kind) in expected {
                guard let grant = try grants(studio: studio).first(where: { $0["kind"] as? String == kind && $0["status"] as? String != "paid"
                    && $0["status"] as? String != "cancelled" }) else { return false }
                found.append(grant)
            }
            return true
        }
        return found
    }

    private func approve(_ grant: [String: Any]) throws {
        let department = try token(.department)
        let id = grant["id"] as? String ?? ""
        if grant["status"] as? String == "held" {
            try expect("release \(id)", "POST", .funding, "/grants/\(id)/release", token: department, status: [200])
        }
        try expect("approve \(id)", "POST", .funding, "/grants/\(id)/approve", token: department, status: [200])
    }

    /// Sets the year's budget, approves the grants and pays them in one batch.
    private func pay(grants: [[String: Any]], year: Int, budgetYuan: Int) throws -> String {
        try expect("set the \(year) budget", "PUT", .funding, "/budgets/\(year)", token: token(.department), json: ["amount": budgetYuan * 100], status: [200])
        for grant in grants { try approve(grant) }
        return try exportAndConfirm(grants, year: year)
    }

    /// Finance exports the batch of approved grants and imports the bank's confirmation.
    private func exportAndConfirm(_ grants: [[String: Any]], year: Int) throws -> String {
        let finance = try token(.finance)
        let batch = try expect("export the \(year) payment batch", "POST", .funding, "/payment-batches", token: finance, status: [201])
        let ids = Set(grants.compactMap { $0["id"] as? String })
        guard let batchId = batch.object["batchId"] as? String, Set(batch.object["grantIds"] as? [String] ?? []) == ids else {
            throw ScenarioFailure(step: "export the \(year) payment batch", detail: "expected \(ids.sorted()): \(batch.text)")
        }
        let paidOn = try naming.today(on: .funding)
        var confirmation = "\u{FEFF}参考号,金额（元）,付款流水号,付款日期\r\n"
        for (number, grant) in grants.enumerated() {
            let fen = grant["amount"] as? Int ?? 0
            confirmation += "\(grant["reference"] as? String ?? ""),\(fen / 100).\(NamingYearScenario.pad(fen % 100, 2)),ICBC-\(year)-B\(NamingYearScenario.pad(number + 1, 4)),\(paidOn)\r\n"
        }
        let confirmed = try expect("import the \(year) confirmation", "POST", .funding, "/payment-confirmations", token: finance,
                                   json: confirmation, headers: [("Content-Type", "text/csv; charset=utf-8")], status: [200])
        guard confirmed.object["applied"] as? Int == grants.count else {
            throw ScenarioFailure(step: "import the \(year) confirmation", detail: confirmed.text)
        }
        return batchId
    }
}
