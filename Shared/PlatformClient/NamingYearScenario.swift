import Foundation
import StudioDomain

/// A step of a scenario that did not get the answer it needed: the step, the request and the reply.
public struct ScenarioFailure: Error, CustomStringConvertible {
    public var step: String
    public var detail: String
    public var description: String { "[\(step)] \(detail)" }
}

/// Year 1 of the platform, played against running services (demo-clock mode): a naming round with
/// applications from the six county-level federations and one city system committee (some refused at
/// intake), qualification (one failed, one returned, amended and passed), an expert panel with conflicts,
/// the assignment, scoring, the ranking against a quota smaller than the field, the public notice, the
/// demo clock moved past it, the federation's decision, and in funding the budget, payee accounts,
/// approvals and a paid batch. Every step checks its status and throws `ScenarioFailure` otherwise; waits
/// for events poll with a timeout.
///
/// Blocking (libcurl): run it on a thread of its own or in a synchronous test.
public final class NamingYearScenario {
    public struct Summary: Sendable {
        public var year: Int
        public var roundId: String
        public var quota: Int
        /// Accepted at intake, by application id → screening body code.
        public var applications: [String: String]
        /// Refused at intake (422): a label → the issue codes.
        public var refusedAtIntake: [String: [String]]
        public var qualificationFailed: [String]
        public var returnedAndAmended: [String]
        public var qualified: [String]
        public var experts: [String]
        /// "expert→application (rule)".
        public var conflicts: [String]
        /// The conflicted pairs: expert id → application ids the expert may not review.
        public var conflictedPairs: [String: [String]]
        public var ranking: [String]
        /// Application id → studio id.
        public var named: [String: String]
        public var notNamed: [String]
        /// Studio id → grant id.
        public var grants: [String: String]
        /// Grants that funding held (no budget yet when the decision arrived) and the department released.
        public var releasedHeldGrants: Int
        public var paymentBatchId: String?
        public var noticeEndsOn: String
        public var decidedOn: String
    }

    public let platform: Platform
    public let timeout: TimeInterval
    public let quota: Int
    let client = PlatformClient()
    /// After `run()`: the accepted year-1 applicants by application id (later years apply for their studios).
    var acceptedApplicants: [String: Applicant] = [:]
    private let log: (String) -> Void

    /// The city system committee that applies beside the six county federations.
    public static var cityCommittee: String {
        ReferenceData.defaults.screeningBodies(of: .citySystemCommittee).first?.code ?? "QZ-SYS-JG"
    }
    public static let counties = ["330802", "330803", "330822", "330824", "330825", "330881"]
    public static let speciality = "装备制造/数控加工"

    public init(platform: Platform, quota: Int = 5, timeout: TimeInterval = 20, log: @escaping (String) -> Void = { print($0) }) {
        self.platform = platform
        self.quota = quota
        self.timeout = timeout
        self.log = log
    }

    // MARK: HTTP with checked statuses

    @discardableResult
    func expect(_ step: String, _ method: String, _ service: Platform.Service, _ path: String, token: String, json: Any? = nil,
                headers: [(String, String)] = [], status: Set<Int>) throws -> PlatformClient.Reply {
        let url = platform.url(service) + path
        let reply: PlatformClient.Reply
        do {
            reply = try client.call(method, url, token: token, json: json, headers: headers)
        } catch {
            throw ScenarioFailure(step: step, detail: "\(method) \(url): \(error)")
        }
        guard status.contains(reply.status) else {
            throw ScenarioFailure(step: step, detail: "\(method) \(url) answered \(reply.status), expected \(status.sorted()): \(reply.text.prefix(2000))")
        }
        return reply
    }

    /// The 公示 counts working days from each year's holiday calendar, and review refuses a year it has none for.
    /// The demo runs into years the platform does not ship (the State Council publishes a year's arrangement late
    /// in the year before), so for those the demo's department loads an explicitly marked calendar without
    /// holidays; a shipped or loaded year is left as it is.
    func ensureHolidayCalendars(department: String) throws {
        let today = try self.today(on: .review)
        for year in [today.year, today.year + 1] {
            let known = try expect("holiday calendar \(year)", "GET", .review, "/calendars/\(year)", token: department, status: [200, 404])
            guard known.status == 404 else { continue }
            try expect("demo holiday calendar \(year)", "PUT", .review, "/calendars/\(year)", token: department,
                       json: DemoHolidayCalendar.body, status: [200])
        }
    }

    /// Polls `condition` every 50 ms until it holds; throws after the timeout with `what`.
    func waitUntil(_ step: String, _ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return }
            if Date() > deadline { throw ScenarioFailure(step: step, detail: "timed out after \(Int(timeout)) s waiting for \(what)") }
            usleep(50_000)
        }
    }

    func token(_ role: Platform.Role) throws -> String { try platform.token(role) }

    /// Issues a token for `role` with `subject` on one service (operator).
    func issueToken(on service: Platform.Service, role: String, subject: String) throws -> String {
        let reply = try expect("token for \(role) \(subject)", "POST", service, "/ops/tokens", token: token(.operator),
                               json: ["role": role, "subject": subject, "label": "scenario \(role) \(subject)"], status: [201])
        guard let token = reply.object["token"] as? String else { throw ScenarioFailure(step: "token for \(subject)", detail: "no token in \(reply.text)") }
        return token
    }

    /// Business today on a service (demo clock).
    func today(on service: Platform.Service) throws -> LocalDate {
        let reply = try expect("read the demo clock", "GET", service, "/ops/clock", token: token(.operator), status: [200])
        guard let text = reply.object["today"] as? String, let day = LocalDate(text) else {
            throw ScenarioFailure(step: "read the demo clock", detail: "\(service.rawValue) /ops/clock: \(reply.text) (is the service in --demo-clock mode?)")
        }
        return day
    }

    // MARK: Forms

    struct Applicant {
        var label: String
        var body: String
        var index: Int
        var unit: String
        var creditCode: String
        var leader: String
        var studio: String
        var skillLevel = "一级/高级技师"
        var members = 2
        var creationMonths = 14
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func areaCode(_ body: String) -> String { body.allSatisfy(\.isNumber) ? body : "330800" }

    func form(_ a: Applicant, today: LocalDate, year: Int, order: Int?, amended: Bool = false) -> ApplicationForm {
        let started = today.adding(months: -a.creationMonths)
        let idNumber = ResidentIDNumber.completing(Self.areaCode(a.body) + "19" + Self.pad(70 + a.index % 25, 2) + "0315" + Self.pad(100 + a.index, 3))!
        return ApplicationForm(
            applicantUnit: UnitForm(name: a.unit, creditCode: a.creditCode, unitType: "企业", hasTradeUnion: true, tradeUnionName: a.unit + "工会"),
            studio: StudioForm(name: a.studio, creationStartDate: started, hasFixedSite: true, siteAddress: "衢州市\(a.unit)厂区\(a.index)号楼",
                               siteArea: amended ? 160 : 120, funds: Money(fen: 5_000_000), officeFacilities: "会议室、电脑6台", equipment: "五轴数控加工中心1台"),
            leader: LeaderForm(name: a.leader, idNumber: idNumber, speciality: "数控加工", skillLevel: a.skillLevel,
                               certificateNumber: "S0000330800" + Self.pad(a.index, 5), phone: "139057" + Self.pad(a.index, 5)),
            team: TeamForm(members: (0..<a.members).map { MemberForm(name: "\(a.leader)团队成员\($0 + 1)", role: $0 == 0 ? "技术骨干" : "工艺员", skillLevel: "二级/技师") }),
            workRules: "工作室章程、月度例会制度、项目管理制度，与公司生产计划衔接。" + (amended ? "（已补充考核办法）" : ""),
            projects: [Self.project(title: "\(a.studio)攻关项目", unit: a.unit, year: year)],
            results: ResultsForm(patents: ["ZL2024100000\(a.index).X 一种夹具"], awards: ["衢州市职工技术创新成果奖"], papers: []),
            industryField: Self.speciality,
            screening: ScreeningForm(opinion: amended ? "补正后材料齐全，同意推荐。" : "材料齐全，条件符合，同意推荐。", recommendationOrder: order))
    }

    /// The commissioned project every scenario application presents (Art 5(3)).
    static func project(title: String, unit: String, year: Int) -> ProjectForm {
        ProjectForm(title: title, commissioningUnit: unit, content: "降低关键零件加工变形率", startDate: LocalDate(year: year, month: 1, day: 1),
                    endDate: LocalDate(year: year + 1, month: 12, day: 31), requirements: "变形量小于0.02毫米",
                    acceptanceStandard: "连续三批合格率99%", funding: Money(fen: 8_000_000))
    }

    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯")

    func applicants() -> (eligible: [Applicant], ineligible: [Applicant]) {
        var eligible: [Applicant] = []
        var index = 0
        func make(_ body: String, _ label: String) -> Applicant {
            index += 1
            let surname = Self.surnames[index % Self.surnames.count]
            let code = UnifiedSocialCreditCode.completing("91" + Self.areaCode(body) + "MA" + Self.pad(4000 + index, 7))!
            return Applicant(label: label, body: body, index: index, unit: "衢州\(surname)氏精工\(index)号有限公司", creditCode: code,
                             leader: "\(surname)建\(index)", studio: "\(surname)建\(index)数控技能创新工作室")
        }
        for body in Self.counties + [Self.cityCommittee] {
            eligible.append(make(body, "\(body)-1"))
            eligible.append(make(body, "\(body)-2"))
        }
        var lowSkill = make("330802", "四级负责人 (Art 5(4))")
        lowSkill.skillLevel = "四级/中级工"
        var smallTeam = make("330803", "两人团队 (Art 5(4))")
        smallTeam.members = 1
        var young = make("330822", "创建不满6个月 (Art 7)")
        young.creationMonths = 3
        return (eligible, [lowSkill, smallTeam, young])
    }

    // MARK: The year

    public func run() throws -> Summary {
        let department = try token(.department), federation = try token(.federation), finance = try token(.finance), op = try token(.operator)
        let today = try self.today(on: .intake)
        let year = today.year
        log("scenario: business day \(today), naming round \(year)")

        // 1. The department opens the naming round in intake.
        let opened = try expect("open the naming round", "POST", .intake, "/rounds", token: department,
                                json: ["kind": "naming", "year": year, "opensOn": today.description, "deadline": today.adding(days: 30).description],
                                status: [201])
        guard let roundId = opened.object["id"] as? String else { throw ScenarioFailure(step: "open the naming round", detail: opened.text) }
        log("round \(roundId) open until \(today.adding(days: 30))")

        // 2. Screening bodies push their applications; the ineligible ones are refused at intake.
        var bodyTokens: [String: String] = [:]
        for body in Self.counties + [Self.cityCommittee] {
            bodyTokens[body] = try issueToken(on: .intake, role: "screening_body", subject: body)
        }
        let (eligible, ineligible) = applicants()
        var accepted: [(applicant: Applicant, id: String)] = []
        var orderByBody: [String: Int] = [:]
        for applicant in eligible {
            let order = (orderByBody[applicant.body] ?? 0) + 1
            orderByBody[applicant.body] = order
            let reply = try expect("submit \(applicant.label)", "POST", .intake, "/applications", token: bodyTokens[applicant.body]!,
                                   json: ["roundId": roundId, "submit": true, "form": try PlatformClient.json(form(applicant, today: today, year: year, order: order))],
                                   headers: [("Idempotency-Key", "scenario-\(roundId)-\(applicant.label)")], status: [201])
            guard let id = reply.object["id"] as? String, reply.object["status"] as? String == "submitted" else {
                throw ScenarioFailure(step: "submit \(applicant.label)", detail: "not submitted: \(reply.text.prefix(500))")
            }
            accepted.append((applicant, id))
        }
        var refused: [String: [String]] = [:]
        for applicant in ineligible {
            let reply = try expect("refuse \(applicant.label)", "POST", .intake, "/applications", token: bodyTokens[applicant.body]!,
                                   json: ["roundId": roundId, "submit": true, "form": try PlatformClient.json(form(applicant, today: today, year: year, order: nil))],
                                   status: [422])
            refused[applicant.label] = (reply.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        acceptedApplicants = Dictionary(uniqueKeysWithValues: accepted.map { ($0.id, $0.applicant) })
        log("intake: \(accepted.count) applications submitted, \(refused.count) refused: \(refused)")

        // 3. Review receives them all (and none of the refused).
        try waitUntil("applications reach review", "\(accepted.count) applications in review's round \(roundId)") {
            let reply = try client.call("GET", platform.url(.review) + "/rounds/\(roundId)", token: department)
            return reply.status == 200 && reply.object["applications"] as? Int == accepted.count
        }
        try expect("configure the round", "PATCH", .review, "/rounds/\(roundId)", token: department,
                   json: ["quota": quota, "expertsPerApplication": 3], status: [200])

        // 4. Qualification: one fails, one is returned, amended at intake and then passes; the rest pass.
        let failed = accepted[2], returned = accepted[5]
        try expect("fail \(failed.id)", "POST", .review, "/applications/\(failed.id)/qualification", token: department, json: [
            "outcome": "fail",
            "reasons": [["code": "projects_not_commissioned", "field": "projects[0]", "article": "第五条第（三）项 / Art. 5(3)",
                         "message_zh": "所报创新项目为单位日常生产任务，非委托攻关项目。",
                         "message_en": "The project is the unit's routine production, not a commissioned innovation project."]],
        ], status: [200])
        try expect("return \(returned.id)", "POST", .review, "/applications/\(returned.id)/qualification", token: department, json: [
            "outcome": "return",
            "reasons": [["code": "site_area_unproven", "field": "studio.siteArea", "article": "第五条第（一）项 / Art. 5(1)",
                         "message_zh": "场地面积证明材料不全，请补正。", "message_en": "The site area is not evidenced; please amend."]],
        ], status: [200])
        let returnedToken = bodyTokens[returned.applicant.body]!
        try waitUntil("intake hears of the return", "intake showing \(returned.id) returnedForAmendment") {
            let reply = try client.call("GET", platform.url(.intake) + "/applications/\(returned.id)", token: returnedToken)
            return reply.object["status"] as? String == "returnedForAmendment"
        }
        let returnedOrder = accepted.filter { $0.applicant.body == returned.applicant.body }.firstIndex { $0.id == returned.id }! + 1
        try expect("amend \(returned.id)", "PUT", .intake, "/applications/\(returned.id)", token: returnedToken,
                   json: try PlatformClient.json(form(returned.applicant, today: today, year: year, order: returnedOrder, amended: true)), status: [200])
        try waitUntil("review receives the amendment", "review showing \(returned.id) version 2, submitted") {
            let reply = try client.call("GET", platform.url(.review) + "/applications/\(returned.id)", token: department)
            return reply.object["version"] as? Int == 2 && reply.object["status"] as? String == "submitted"
        }
        var qualified: [String] = []
        for item in accepted where item.id != failed.id {
            try expect("pass \(item.id)", "POST", .review, "/applications/\(item.id)/qualification", token: department, json: ["outcome": "pass"], status: [200])
            qualified.append(item.id)
        }
        log("qualification: \(qualified.count) passed, \(failed.id) failed, \(returned.id) returned, amended and passed")

        // 5. The expert panel: seven experts; E1 works at an applicant's unit, E2 declared a master–apprentice tie.
        let sameUnit = accepted[0], related = accepted[3]
        var experts: [String] = []
        var expertTokens: [String: String] = [:]
        for number in 1...7 {
            let id = "EXP-\(year)-\(number)"
            var expert: [String: Any] = ["id": id, "name": "专家\(number)", "unitName": number == 1 ? sameUnit.applicant.unit : "浙江工业大学机械学院",
                                         "specialities": [Self.speciality], "title": "高级工程师", "maxLoad": 10, "active": true, "relationships": []]
            if number == 1 { expert["unitCreditCode"] = sameUnit.applicant.creditCode }
            if number == 2 { expert["relationships"] = [["kind": "masterApprentice", "personName": related.applicant.leader, "note": "师徒关系"]] }
            try expect("add expert \(id)", "POST", .review, "/experts", token: department, json: expert, status: [201])
            experts.append(id)
            expertTokens[id] = try issueToken(on: .review, role: "expert", subject: id)
        }
        let conflictReply = try expect("list conflicts", "GET", .review, "/rounds/\(roundId)/conflicts", token: department, status: [200])
        let conflicts = conflictReply.items.map { "\($0["expertId"] ?? "?")→\($0["applicationId"] ?? "?") (\($0["rule"] ?? "?"))" }
        var conflictedPairs: [String: [String]] = [:]
        for item in conflictReply.items {
            if let expert = item["expertId"] as? String, let application = item["applicationId"] as? String {
                conflictedPairs[expert, default: []].append(application)
            }
        }
        log("conflicts: \(conflicts)")

        // 6. The assignment, then scoring by every expert on every application assigned to them.
        let assignment = try expect("run the assignment", "POST", .review, "/rounds/\(roundId)/assignment", token: department, status: [200])
        var panel: [String: [String]] = [:]
        for row in assignment.object["assignments"] as? [[String: Any]] ?? [] {
            guard let application = row["applicationId"] as? String else { continue }
            panel[application] = (row["experts"] as? [[String: Any]] ?? []).compactMap { $0["expertId"] as? String }
        }
        guard Set(panel.keys) == Set(qualified), panel.values.allSatisfy({ $0.count == 3 }) else {
            throw ScenarioFailure(step: "run the assignment", detail: "expected 3 experts on each of \(qualified.count) applications: \(panel)")
        }
        if conflictedPairs[experts[0]]?.contains(sameUnit.id) != true || conflictedPairs[experts[1]]?.contains(related.id) != true {
            throw ScenarioFailure(step: "list conflicts", detail: "review did not find the same-unit and the declared-relationship conflicts: \(conflictReply.text.prefix(1500))")
        }
        if conflictedPairs.contains(where: { expert, applications in applications.contains { panel[$0]?.contains(expert) == true } }) {
            throw ScenarioFailure(step: "run the assignment", detail: "a conflicted expert was assigned: \(panel)")
        }
        try expect("start scoring", "POST", .review, "/rounds/\(roundId)/scoring", token: department, status: [200])
        // Distinct totals: the k-th qualified application gets projects 10 − k/2 and team 9 or 8.
        var rankIndex: [String: Int] = [:]
        for (k, id) in qualified.enumerated() { rankIndex[id] = k }
        for expert in experts {
            let mine = try expect("assignments of \(expert)", "GET", .review, "/me/assignments?limit=500", token: expertTokens[expert]!, status: [200])
            for item in mine.items {
                guard let application = item["applicationId"] as? String, let k = rankIndex[application] else { continue }
                let scores: [String: Int] = ["facilities": 8, "workRules": 8, "projects": 10 - k / 2, "team": k % 2 == 0 ? 9 : 8, "results": 8]
                try expect("\(expert) scores \(application)", "PUT", .review, "/applications/\(application)/score-sheets/mine",
                           token: expertTokens[expert]!, json: ["scores": scores, "comment": "材料翔实"], status: [200])
                try expect("\(expert) submits \(application)", "POST", .review, "/applications/\(application)/score-sheets/mine/submit",
                           token: expertTokens[expert]!, status: [200])
            }
        }
        try expect("close scoring", "POST", .review, "/rounds/\(roundId)/close", token: department, status: [200])

        // 7. Ranking against the quota, public notice, the clock past the notice, the federation's decision.
        let ranking = try expect("ranking", "GET", .review, "/rounds/\(roundId)/ranking", token: department, status: [200])
        let lines = ranking.object["lines"] as? [[String: Any]] ?? []
        let proposed = lines.filter { $0["proposed"] as? Bool == true }.compactMap { $0["applicationId"] as? String }
        guard proposed.count == quota else {
            throw ScenarioFailure(step: "ranking", detail: "expected \(quota) proposed of \(lines.count): \(ranking.text.prefix(1500))")
        }
        let rankingText = lines.map { "\($0["rank"] ?? "?"). \($0["applicationId"] ?? "?") \($0["final"] ?? "?")\(($0["proposed"] as? Bool) == true ? " *" : "")" }
        try ensureHolidayCalendars(department: department)
        let notice = try expect("public notice", "POST", .review, "/rounds/\(roundId)/notice", token: department, json: [String: Any](), status: [201])
        guard let endsText = notice.object["endsOn"] as? String, let endsOn = LocalDate(endsText) else {
            throw ScenarioFailure(step: "public notice", detail: notice.text)
        }
        let reviewToday = try self.today(on: .review)
        let days = reviewToday.days(until: endsOn) + 1
        log("notice until \(endsOn); moving every demo clock \(days) days")
        for service in Platform.Service.allCases {
            try expect("advance \(service.rawValue)'s clock", "POST", service, "/ops/clock", token: op, json: ["advanceDays": days], status: [200])
        }
        let decision = try expect("the federation decides", "POST", .review, "/rounds/\(roundId)/decision", token: federation, status: [200])
        var named: [String: String] = [:]
        var notNamed: [String] = []
        for outcome in decision.object["outcomes"] as? [[String: Any]] ?? [] {
            guard let application = outcome["applicationId"] as? String else { continue }
            if outcome["status"] as? String == "named", let studio = outcome["studioId"] as? String { named[application] = studio } else { notNamed.append(application) }
        }
        guard Set(named.keys) == Set(proposed) else {
            throw ScenarioFailure(step: "the federation decides", detail: "named \(named.keys.sorted()) but proposed \(proposed.sorted())")
        }
        let decidedOn = decision.object["decidedOn"] as? String ?? ""
        log("decision on \(decidedOn): named \(named.count), not named \(notNamed.count)")

        // 8. The decision reaches assessment (register, plaque), funding (grants) and intake (statuses).
        try waitUntil("assessment registers the named studios", "\(named.count) studios with plaques in assessment") {
            let reply = try client.getAll(platform.url(.assessment) + "/studios", token: department)
            let withPlaque = Set(reply.items.filter { $0["plaque"] is [String: Any] }.compactMap { $0["id"] as? String })
            return Set(named.values).isSubset(of: withPlaque)
        }
        var grants: [String: [String: Any]] = [:]
        try waitUntil("funding creates the grants", "a naming grant for each of \(named.count) studios") {
            let reply = try client.getAll(platform.url(.funding) + "/grants?kind=naming", token: department)
            grants = [:]
            for grant in reply.items { if let studio = grant["studioId"] as? String { grants[studio] = grant } }
            return Set(named.values).isSubset(of: Set(grants.keys))
        }
        try waitUntil("intake shows the decision", "intake statuses named/notNamed") {
            let reply = try client.getAll(platform.url(.intake) + "/applications?roundId=\(roundId)", token: department)
            let status = Dictionary(reply.items.compactMap { item in (item["id"] as? String).map { ($0, item["status"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
            return named.keys.allSatisfy { status[$0] == "named" } && notNamed.allSatisfy { status[$0] == "notNamed" }
        }

        // 9. Funding: the year's budget, release what was held, payee accounts, approval, a paid batch.
        try expect("set the budget", "PUT", .funding, "/budgets/\(year)", token: department, json: ["amount": 20 * 1_000_000], status: [200])
        var released = 0
        for (number, (studio, grant)) in grants.sorted(by: { $0.key < $1.key }).enumerated() {
            let id = grant["id"] as? String ?? ""
            if grant["status"] as? String == "held" {
                try expect("release \(id)", "POST", .funding, "/grants/\(id)/release", token: department, status: [200])
                released += 1
            }
            try expect("payee account of \(studio)", "PUT", .funding, "/studios/\(studio)/payee-account", token: department,
                       json: ["bankName": "中国工商银行衢州分行", "accountNumber": "1209260009200" + Self.pad(number + 1, 6)],
                       status: [200])
            try expect("approve \(id)", "POST", .funding, "/grants/\(id)/approve", token: department, status: [200])
        }
        let batch = try expect("export the payment batch", "POST", .funding, "/payment-batches", token: finance, status: [201])
        guard let batchId = batch.object["batchId"] as? String, let batchGrants = batch.object["grantIds"] as? [String],
              Set(batchGrants) == Set(grants.values.compactMap { $0["id"] as? String }) else {
            throw ScenarioFailure(step: "export the payment batch", detail: "the batch does not hold every approved grant: \(batch.text)")
        }
        let csv = try expect("download the batch CSV", "GET", .funding, "/payment-batches/\(batchId)/csv", token: finance, status: [200])
        let csvText = csv.text
        let paidOn = try self.today(on: .funding)
        var confirmation = "\u{FEFF}参考号,金额（元）,付款流水号,付款日期\r\n"
        for (number, grant) in grants.values.sorted(by: { ($0["reference"] as? String ?? "") < ($1["reference"] as? String ?? "") }).enumerated() {
            let reference = grant["reference"] as? String ?? ""
            guard csvText.contains(reference) else { throw ScenarioFailure(step: "download the batch CSV", detail: "\(reference) is not in the CSV:\n\(csvText)") }
            confirmation += "\(reference),10000.00,ICBC-\(year)-\(Self.pad(number + 1, 4)),\(paidOn)\r\n"
        }
        let confirmed = try expect("import the bank's confirmation", "POST", .funding, "/payment-confirmations", token: finance,
                                   json: confirmation, headers: [("Content-Type", "text/csv; charset=utf-8")], status: [200])
        guard confirmed.object["applied"] as? Int == grants.count else {
            throw ScenarioFailure(step: "import the bank's confirmation", detail: confirmed.text)
        }
        log("funding: \(released) held grants released; \(grants.count) grants paid in batch \(batchId)")

        return Summary(year: year, roundId: roundId, quota: quota,
                       applications: Dictionary(uniqueKeysWithValues: accepted.map { ($0.id, $0.applicant.body) }),
                       refusedAtIntake: refused, qualificationFailed: [failed.id], returnedAndAmended: [returned.id], qualified: qualified,
                       experts: experts, conflicts: conflicts, conflictedPairs: conflictedPairs, ranking: rankingText, named: named, notNamed: notNamed,
                       grants: grants.compactMapValues { $0["id"] as? String }, releasedHeldGrants: released, paymentBatchId: batchId,
                       noticeEndsOn: endsOn.description, decidedOn: decidedOn)
    }
}

/// What the demo's department loads for a year whose holiday arrangement the platform does not ship: no
/// holidays, said so in its source, so the notice counts Monday to Friday because someone chose it.
public enum DemoHolidayCalendar {
    public static let source = "演示：本系统未内置该年节假日安排，演示按周一至周五计 / demo: no holiday arrangement shipped for this year"
    public static var body: [String: Any] { ["source": source, "holidays": [Any](), "makeUpWorkdays": [Any]()] }
}
