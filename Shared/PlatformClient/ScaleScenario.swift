import Foundation
import StudioDomain
import Synchronization

/// A naming year at scale, built to survive services that die and come back at any moment: N applications
/// from the six county federations and the city system committee, qualification (a few fail), an expert
/// panel sized for the field, the assignment, scoring by every expert, the ranking against the quota, the
/// public notice, the demo clocks moved past it, the federation's decision, and in funding the budget,
/// approval and payment of every named studio's 10,000-yuan grant.
///
/// Every call retries on a refused or broken connection and on 5xx (a service may be restarting) and is
/// idempotent: intake submissions carry an `Idempotency-Key`; a 409 that says the step is already done
/// (the qualification recorded, the round already scoring, the grant already approved or paid) counts as
/// success. The demo clock keeps its offset beside the database, so a restarted service resumes at its
/// business day; the steps that need business time past the notice still move each clock forward to at
/// least the day they need, from what it reads, so they hold whichever clock a service came back with.
///
/// Blocking (libcurl): run it on a thread of its own or in a synchronous test.
public final class ScaleScenario: Sendable {
    public struct Options: Sendable {
        public var applications: Int
        public var quota: Int
        /// Client threads for the bulk steps (submission, qualification, scoring).
        public var workers: Int
        /// How long one call keeps retrying, and how long a wait for events may take.
        public var timeout: TimeInterval

        public init(applications: Int, quota: Int = 10, workers: Int = 4, timeout: TimeInterval = 180) {
            self.applications = applications
            self.quota = quota
            self.workers = max(1, workers)
            self.timeout = timeout
        }
    }

    public struct Summary: Sendable {
        public var year: Int
        public var roundId: String
        public var quota: Int
        /// Application id → screening body code.
        public var applications: [String: String]
        public var qualificationFailed: [String]
        public var qualified: [String]
        public var experts: [String]
        public var scoreSheets: Int
        /// Application id → studio id.
        public var named: [String: String]
        public var notNamed: [String]
        /// Studio id → grant id, every one paid.
        public var grants: [String: String]
        public var noticeEndsOn: String
        /// Calls that found a service unreachable (or answering 5xx) and were tried again.
        public var retriedCalls: Int
        /// Seconds per phase, in order.
        public var phases: [(String, TimeInterval)]
    }

    public let platform: Platform
    public let options: Options
    private let log: @Sendable (String) -> Void
    private let retries = Mutex(0)

    public static let bodies = NamingYearScenario.counties + [NamingYearScenario.cityCommittee]

    public init(platform: Platform, options: Options, log: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.platform = platform
        self.options = options
        self.log = log
    }

    // MARK: Calls that survive restarts

    struct Attempt {
        var reply: PlatformClient.Reply
        /// The first problem code of a 4xx answer, if any.
        var code: String? { ((reply.object["errors"] as? [[String: Any]])?.first?["code"] as? String) ?? reply.object["code"] as? String }
    }

    /// Sends until the answer is in `ok`, or is a 409 whose code is in `done` (the step was already
    /// taken: a lost answer to an earlier try). Connection failures, 5xx and the codes in `again` are
    /// tried again every 100 ms (running `before` first) until the timeout; anything else throws.
    @discardableResult
    func call(_ step: String, _ method: String, _ service: Platform.Service, _ path: String, token: String, json: Any? = nil,
              headers: [(String, String)] = [], ok: Set<Int>, done: Set<String> = [], again: Set<String> = [],
              client: PlatformClient, before: (() throws -> Void)? = nil) throws -> PlatformClient.Reply {
        let url = platform.url(service) + path
        let deadline = Date().addingTimeInterval(options.timeout)
        var lastProblem = ""
        var tried = false
        while true {
            if tried {
                if Date() > deadline { throw ScenarioFailure(step: step, detail: "\(method) \(url) still failing after \(Int(options.timeout)) s: \(lastProblem)") }
                usleep(100_000)
            }
            tried = true
            do {
                try before?()
            } catch let failure as ScenarioFailure {
                throw failure
            } catch {
                lastProblem = "\(error)"
                countRetry()
                continue
            }
            let reply: PlatformClient.Reply
            do {
                reply = try client.call(method, url, token: token, json: json, headers: headers)
            } catch {
                lastProblem = "\(error)"
                countRetry()
                continue
            }
            if ok.contains(reply.status) { return reply }
            let attempt = Attempt(reply: reply)
            if reply.status == 409, let code = attempt.code, done.contains(code) { return reply }
            if reply.status >= 500 || (attempt.code.map(again.contains) ?? false) {
                lastProblem = "\(reply.status) \(reply.text.prefix(300))"
                countRetry()
                continue
            }
            throw ScenarioFailure(step: step, detail: "\(method) \(url) answered \(reply.status), expected \(ok.sorted()): \(reply.text.prefix(1500))")
        }
    }

    private func countRetry() { retries.withLock { $0 += 1 } }

    /// Polls `condition` (whose failures to connect count as "not yet") until it holds or the timeout.
    func waitUntil(_ step: String, _ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(options.timeout)
        while true {
            if (try? condition()) == true { return }
            if Date() > deadline { throw ScenarioFailure(step: step, detail: "timed out after \(Int(options.timeout)) s waiting for \(what)") }
            usleep(100_000)
        }
    }

    /// Runs `body` over `items` on `options.workers` threads, each with a client of its own; rethrows the first failure.
    func parallel<Item>(_ items: [Item], _ body: @escaping (Item, PlatformClient) throws -> Void) throws {
        let shared = ParallelWork(items: items, body: body)
        let workers = min(options.workers, max(1, items.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let client = PlatformClient()
            for index in stride(from: worker, to: shared.items.count, by: workers) {
                if shared.first.withLock({ $0 != nil }) { return }
                do {
                    try shared.body(shared.items[index], client)
                } catch {
                    shared.first.withLock { if $0 == nil { $0 = error } }
                    return
                }
            }
        }
        if let first = shared.first.withLock({ $0 }) { throw first }
    }

    func token(_ role: Platform.Role) throws -> String { try platform.token(role) }

    func today(on service: Platform.Service, client: PlatformClient) throws -> LocalDate {
        let reply = try call("read \(service.rawValue)'s demo clock", "GET", service, "/ops/clock", token: token(.operator), ok: [200], client: client)
        guard let text = reply.object["today"] as? String, let day = LocalDate(text) else {
            throw ScenarioFailure(step: "read the demo clock", detail: "\(service.rawValue) /ops/clock: \(reply.text) (is the service in --demo-clock mode?)")
        }
        return day
    }

    /// Moves a service's demo clock forward until its business day is at least `day`.
    func ensureDay(_ day: LocalDate, on service: Platform.Service, client: PlatformClient) throws {
        let current = try today(on: service, client: client)
        guard current < day else { return }
        try call("advance \(service.rawValue)'s clock", "POST", service, "/ops/clock", token: token(.operator),
                 json: ["advanceDays": current.days(until: day)], ok: [200], client: client)
    }

    func issueToken(on service: Platform.Service, role: String, subject: String, client: PlatformClient) throws -> String {
        let reply = try call("token for \(role) \(subject)", "POST", service, "/ops/tokens", token: token(.operator),
                             json: ["role": role, "subject": subject, "label": "scale \(role) \(subject)"], ok: [201], client: client)
        guard let token = reply.object["token"] as? String else { throw ScenarioFailure(step: "token for \(subject)", detail: "no token in \(reply.text)") }
        return token
    }

    // MARK: Forms

    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯")

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func areaCode(_ body: String) -> String { body.allSatisfy(\.isNumber) ? body : "330800" }

    /// Application `index` (from 1), from `body`, with its place in the body's recommendation order.
    public func form(index: Int, body: String, order: Int, today: LocalDate, year: Int) -> ApplicationForm {
        let surname = Self.surnames[index % Self.surnames.count]
        let unit = "衢州\(surname)氏规模\(index)号精工有限公司"
        let leader = "\(surname)规\(index)"
        let studio = "\(leader)数控技能创新工作室"
        let area = Self.areaCode(body)
        let creditCode = UnifiedSocialCreditCode.completing("91" + area + "MB" + Self.pad(index, 7))!
        // A distinct birth date per index: day 1–28, month 1–12, years from 1965.
        let birth = "\(1965 + (index / 336) % 30)" + Self.pad(1 + (index / 28) % 12, 2) + Self.pad(1 + index % 28, 2)
        let idNumber = ResidentIDNumber.completing(area + birth + Self.pad(index % 1000, 3))!
        return ApplicationForm(
            applicantUnit: UnitForm(name: unit, creditCode: creditCode, unitType: "企业", hasTradeUnion: true, tradeUnionName: unit + "工会"),
            studio: StudioForm(name: studio, creationStartDate: today.adding(months: -14), hasFixedSite: true, siteAddress: "衢州市\(unit)厂区\(index % 50 + 1)号楼",
                               siteArea: 120, funds: Money(fen: 5_000_000), officeFacilities: "会议室、电脑6台", equipment: "五轴数控加工中心1台"),
            leader: LeaderForm(name: leader, idNumber: idNumber, speciality: "数控加工", skillLevel: "一级/高级技师",
                               certificateNumber: "S0000330800" + Self.pad(index, 6), phone: "1390" + Self.pad(index, 7)),
            team: TeamForm(members: (0..<2).map { MemberForm(name: "\(leader)团队成员\($0 + 1)", role: $0 == 0 ? "技术骨干" : "工艺员", skillLevel: "二级/技师") }),
            workRules: "工作室章程、月度例会制度、项目管理制度，与公司生产计划衔接。",
            projects: [NamingYearScenario.project(title: "\(studio)攻关项目", unit: unit, year: year)],
            results: ResultsForm(patents: ["ZL2025200\(Self.pad(index, 5)).X 一种夹具"], awards: ["衢州市职工技术创新成果奖"], papers: []),
            industryField: NamingYearScenario.speciality,
            screening: ScreeningForm(opinion: "材料齐全，条件符合，同意推荐。", recommendationOrder: order))
    }

    /// Application `index` fails qualification when this holds (about 2 %).
    static func failsQualification(_ index: Int) -> Bool { index % 50 == 7 }

    // MARK: The year

    public func run() throws -> Summary {
        let client = PlatformClient()
        let department = try token(.department), federation = try token(.federation), finance = try token(.finance)
        var phases: [(String, TimeInterval)] = []
        var phaseStart = Date()
        func phase(_ name: String) {
            phases.append((name, Date().timeIntervalSince(phaseStart)))
            log(String(format: "scale: %@ done in %.1f s", name, Date().timeIntervalSince(phaseStart)))
            phaseStart = Date()
        }
        let today = try self.today(on: .intake, client: client)
        let year = today.year
        let n = options.applications

        // 1. The naming round: reuse the year's round if an earlier try created it.
        var roundId: String?
        try waitUntil("open the naming round", "the \(year) naming round") {
            let rounds = try client.call("GET", platform.url(.intake) + "/rounds", token: department)
            if rounds.status == 200, let found = rounds.items.first(where: { $0["kind"] as? String == "naming" && $0["year"] as? Int == year })?["id"] as? String {
                roundId = found
                return true
            }
            let opened = try client.call("POST", platform.url(.intake) + "/rounds", token: department,
                                         json: ["kind": "naming", "year": year, "opensOn": today.description, "deadline": today.adding(days: 60).description])
            if opened.status == 201, let id = opened.object["id"] as? String { roundId = id; return true }
            if opened.status >= 400 && opened.status < 500 && opened.status != 409 {
                throw ScenarioFailure(step: "open the naming round", detail: "\(opened.status) \(opened.text.prefix(800))")
            }
            return false
        }
        guard let roundId else { throw ScenarioFailure(step: "open the naming round", detail: "no round") }

        // 2. Every screening body pushes its share, in parallel, each under an idempotency key.
        var bodyTokens: [String: String] = [:]
        for body in Self.bodies { bodyTokens[body] = try issueToken(on: .intake, role: "screening_body", subject: body, client: client) }
        struct Planned { var index: Int; var body: String; var order: Int }
        var plan: [Planned] = []
        var orders: [String: Int] = [:]
        for index in 1...n {
            let body = Self.bodies[(index - 1) % Self.bodies.count]
            orders[body, default: 0] += 1
            plan.append(Planned(index: index, body: body, order: orders[body]!))
        }
        let results = NSLock()
        var accepted: [Int: (id: String, body: String)] = [:]
        try parallel(plan) { [self] item, client in
            let reply = try call("submit application \(item.index)", "POST", .intake, "/applications", token: bodyTokens[item.body]!,
                                 json: ["roundId": roundId, "submit": true, "form": try PlatformClient.json(form(index: item.index, body: item.body, order: item.order, today: today, year: year))],
                                 headers: [("Idempotency-Key", "scale-\(roundId)-\(item.index)")], ok: [200, 201], client: client)
            guard let id = reply.object["id"] as? String, reply.object["status"] as? String != "draft" else {
                throw ScenarioFailure(step: "submit application \(item.index)", detail: "not submitted: \(reply.text.prefix(500))")
            }
            results.withLock { accepted[item.index] = (id, item.body) }
        }
        guard accepted.count == n else { throw ScenarioFailure(step: "submit", detail: "\(accepted.count) of \(n) accepted") }
        phase("intake (\(n) applications)")

        // 3. Review holds them all; the round is configured.
        try waitUntil("applications reach review", "\(n) applications in review's round \(roundId)") {
            let reply = try client.call("GET", platform.url(.review) + "/rounds/\(roundId)", token: department)
            return reply.status == 200 && reply.object["applications"] as? Int == n
        }
        try call("configure the round", "PATCH", .review, "/rounds/\(roundId)", token: department,
                 json: ["quota": options.quota, "expertsPerApplication": 3], ok: [200], done: ["round.scoring_started", "round.finished"], client: client)
        phase("events to review")

        // 4. Qualification: about 2 % fail, the rest pass.
        let ordered = (1...n).map { (index: $0, id: accepted[$0]!.id) }
        try parallel(ordered) { [self] item, client in
            let json: [String: Any] = Self.failsQualification(item.index)
                ? ["outcome": "fail", "reasons": [["code": "projects_not_commissioned", "field": "projects[0]", "article": "第五条第（三）项 / Art. 5(3)",
                                                    "message_zh": "所报创新项目为单位日常生产任务，非委托攻关项目。",
                                                    "message_en": "The project is the unit's routine production, not a commissioned innovation project."]]]
                : ["outcome": "pass"]
            try call("qualification of \(item.id)", "POST", .review, "/applications/\(item.id)/qualification", token: department, json: json,
                     ok: [200], done: ["application.not_awaiting_qualification", "round.not_open"], client: client)
        }
        let failed = ordered.filter { Self.failsQualification($0.index) }.map(\.id)
        let qualified = ordered.filter { !Self.failsQualification($0.index) }.map(\.id)
        phase("qualification")

        // 5. The panel: enough experts for three reviews each at a load of at most 100.
        let expertCount = max(6, (qualified.count * 3 + 89) / 90)
        var experts: [String] = []
        var expertTokens: [String: String] = [:]
        for number in 1...expertCount {
            let id = "SCALE-\(year)-\(Self.pad(number, 3))"
            try call("add expert \(id)", "POST", .review, "/experts", token: department, json: [
                "id": id, "name": "规模专家\(number)", "unitName": "浙江工业大学机械学院", "specialities": [NamingYearScenario.speciality],
                "title": "高级工程师", "maxLoad": 100, "active": true, "relationships": [],
            ], ok: [201], done: ["expert.exists"], client: client)
            experts.append(id)
            expertTokens[id] = try issueToken(on: .review, role: "expert", subject: id, client: client)
        }
        phase("panel (\(expertCount) experts)")

        // 6. The assignment (min-cost flow over qualified × experts), then scoring starts.
        try call("run the assignment", "POST", .review, "/rounds/\(roundId)/assignment", token: department, ok: [200], done: ["round.not_open"], client: client)
        let assignment = try call("read the assignment", "GET", .review, "/rounds/\(roundId)/assignment", token: department, ok: [200], client: client)
        let panel = (assignment.object["assignments"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) { panel, row in
            if let id = row["applicationId"] as? String { panel[id] = (row["experts"] as? [Any])?.count ?? 0 }
        }
        guard Set(panel.keys) == Set(qualified), panel.values.allSatisfy({ $0 == 3 }) else {
            throw ScenarioFailure(step: "run the assignment", detail: "expected 3 experts on each of \(qualified.count) applications, got \(panel.count) applications")
        }
        phase("assignment")
        try call("start scoring", "POST", .review, "/rounds/\(roundId)/scoring", token: department, ok: [200], done: ["round.not_open"], client: client)

        // 7. Every expert scores what was assigned; the first 2 × quota qualified stand out with distinct totals.
        var rankIndex: [String: Int] = [:]
        for (k, id) in qualified.enumerated() { rankIndex[id] = k }
        let top = 2 * options.quota
        var sheets = 0
        try parallel(experts) { [self] expert, client in
            let token = expertTokens[expert]!
            let mine = try call("assignments of \(expert)", "GET", .review, "/me/assignments?limit=500", token: token, ok: [200], client: client)
            guard mine.object["nextCursor"] == nil else { throw ScenarioFailure(step: "assignments of \(expert)", detail: "more than 500: the scenario reads one page") }
            for item in mine.items {
                guard let application = item["applicationId"] as? String, let k = rankIndex[application] else { continue }
                results.withLock { sheets += 1 }
                if item["sheetStatus"] as? String == "submitted" { continue }
                let scores: [String: Int] = k < top
                    ? ["facilities": 8, "workRules": 8, "projects": 10 - k * 10 / top, "team": k % 2 == 0 ? 9 : 8, "results": 8]
                    : ["facilities": 5, "workRules": 5, "projects": 5, "team": 5, "results": 5]
                try call("\(expert) scores \(application)", "PUT", .review, "/applications/\(application)/score-sheets/mine", token: token,
                         json: ["scores": scores, "comment": "材料翔实"], ok: [200], done: ["scoring.sheet_submitted"], client: client)
                try call("\(expert) submits \(application)", "POST", .review, "/applications/\(application)/score-sheets/mine/submit", token: token,
                         ok: [200], done: ["scoring.sheet_submitted"], client: client)
            }
        }
        try call("close scoring", "POST", .review, "/rounds/\(roundId)/close", token: department, ok: [200], done: ["round.not_scoring"], client: client)
        phase("scoring (\(sheets) sheets)")

        // 8. Ranking, public notice, every clock past the notice, the federation's decision.
        let ranking = try call("ranking", "GET", .review, "/rounds/\(roundId)/ranking", token: department, ok: [200], client: client)
        let proposed = (ranking.object["lines"] as? [[String: Any]] ?? []).filter { $0["proposed"] as? Bool == true }.compactMap { $0["applicationId"] as? String }
        guard !proposed.isEmpty, proposed.count <= options.quota else {
            throw ScenarioFailure(step: "ranking", detail: "\(proposed.count) proposed for a quota of \(options.quota): \(ranking.text.prefix(1500))")
        }
        // Review refuses a notice in a year without a holiday calendar: the demo loads a marked one for unshipped years.
        let clock = try call("read review's clock", "GET", .review, "/ops/clock", token: token(.operator), ok: [200, 404], client: client)
        let reviewYear = (clock.object["today"] as? String).flatMap(LocalDate.init)?.year ?? LocalDate(Date()).year
        for year in [reviewYear, reviewYear + 1] {
            let known = try call("holiday calendar \(year)", "GET", .review, "/calendars/\(year)", token: department, ok: [200, 404], client: client)
            if known.status == 404 {
                try call("demo holiday calendar \(year)", "PUT", .review, "/calendars/\(year)", token: department, json: DemoHolidayCalendar.body, ok: [200], client: client)
            }
        }
        try call("public notice", "POST", .review, "/rounds/\(roundId)/notice", token: department, json: [String: Any](), ok: [201],
                 done: ["round.not_closed"], client: client)
        let notice = try call("read the notice", "GET", .review, "/rounds/\(roundId)/notice", token: department, ok: [200], client: client)
        guard let endsText = notice.object["endsOn"] as? String, let endsOn = LocalDate(endsText) else {
            throw ScenarioFailure(step: "public notice", detail: notice.text)
        }
        let afterNotice = endsOn.adding(days: 1)
        for service in Platform.Service.allCases { try ensureDay(afterNotice, on: service, client: client) }
        try call("the federation decides", "POST", .review, "/rounds/\(roundId)/decision", token: federation, ok: [200],
                 done: ["round.not_on_notice"], again: ["decision.notice_running"], client: client,
                 before: { try self.ensureDay(afterNotice, on: .review, client: client) })
        var named: [String: String] = [:]
        var notNamed: [String] = []
        let decided = try client.getAll(platform.url(.review) + "/rounds/\(roundId)/applications", token: department)
        guard decided.status == 200 else { throw ScenarioFailure(step: "read the outcomes", detail: decided.text) }
        for item in decided.items {
            guard let id = item["applicationId"] as? String else { continue }
            if item["status"] as? String == "named" { named[id] = "" } else if item["status"] as? String == "notNamed" { notNamed.append(id) }
        }
        guard Set(named.keys) == Set(proposed) else {
            throw ScenarioFailure(step: "the federation decides", detail: "named \(named.keys.sorted()) but proposed \(proposed.sorted())")
        }
        phase("ranking, notice, decision (\(named.count) named)")

        // 9. The decision reaches funding (grants), assessment (register) and intake (statuses).
        var grants: [String: [String: Any]] = [:]
        try waitUntil("funding creates the grants", "a naming grant for each of \(named.count) named applications") {
            let reply = try client.getAll(platform.url(.funding) + "/grants?kind=naming", token: department)
            guard reply.status == 200 else { return false }
            grants = [:]
            for grant in reply.items { if let studio = grant["studioId"] as? String { grants[studio] = grant } }
            return grants.count >= named.count
        }
        for (studio, grant) in grants {
            if let application = grant["sourceApplicationId"] as? String ?? grant["applicationId"] as? String, named[application] != nil { named[application] = studio }
        }
        guard named.values.allSatisfy({ !$0.isEmpty }) else {
            throw ScenarioFailure(step: "funding creates the grants", detail: "no naming grant for \(named.filter { $0.value.isEmpty }.keys.sorted())")
        }
        try waitUntil("assessment registers the named studios", "\(named.count) studios with plaques in assessment") {
            let reply = try client.getAll(platform.url(.assessment) + "/studios", token: department)
            let withPlaque = Set(reply.items.filter { $0["plaque"] is [String: Any] }.compactMap { $0["id"] as? String })
            return reply.status == 200 && Set(grants.keys).isSubset(of: withPlaque)
        }
        let failedSet = Set(failed)
        try waitUntil("intake shows every outcome", "intake statuses named / notNamed / qualificationFailed") {
            let reply = try client.getAll(platform.url(.intake) + "/applications?roundId=\(roundId)", token: department)
            guard reply.status == 200 else { return false }
            let status = Dictionary(reply.items.compactMap { item in (item["id"] as? String).map { ($0, item["status"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
            return named.keys.allSatisfy { status[$0] == "named" } && notNamed.allSatisfy { status[$0] == "notNamed" }
                && failedSet.allSatisfy { status[$0] == "qualificationFailed" }
        }
        phase("events after the decision")

        // 10. Funding: the budget, release what waited for it, payee accounts, approval, payment.
        try call("set the budget", "PUT", .funding, "/budgets/\(year)", token: department, json: ["amount": (named.count + 5) * 1_000_000], ok: [200], client: client)
        let paidOn = LocalDate.today(now: Date())  // real today: never after any service's business today
        var paid: [String: String] = [:]
        for (number, studio) in grants.keys.sorted().enumerated() {
            let id = grants[studio]?["id"] as? String ?? ""
            let current = try call("read grant \(id)", "GET", .funding, "/grants/\(id)", token: department, ok: [200], client: client)
            if current.object["status"] as? String == "held" {
                try call("release \(id)", "POST", .funding, "/grants/\(id)/release", token: department, ok: [200], done: ["grant.invalid_transition"], client: client)
            }
            try call("payee account of \(studio)", "PUT", .funding, "/studios/\(studio)/payee-account", token: department,
                     json: ["bankName": "中国工商银行衢州分行", "accountNumber": "1209260009300" + Self.pad(number + 1, 6)], ok: [200], client: client)
            try call("approve \(id)", "POST", .funding, "/grants/\(id)/approve", token: department, ok: [200], done: ["grant.invalid_transition"], client: client)
            try call("pay \(id)", "POST", .funding, "/grants/\(id)/payment", token: finance,
                     json: ["paymentReference": "SCALE-\(year)-\(Self.pad(number + 1, 4))", "paidOn": paidOn.description],
                     ok: [200], done: ["grant.invalid_transition", "payment.reference_used"], client: client)
            let after = try call("read grant \(id)", "GET", .funding, "/grants/\(id)", token: department, ok: [200], client: client)
            guard after.object["status"] as? String == "paid" else { throw ScenarioFailure(step: "pay \(id)", detail: "not paid: \(after.text.prefix(600))") }
            paid[studio] = id
        }
        phase("funding (\(paid.count) grants paid)")

        return Summary(year: year, roundId: roundId, quota: options.quota,
                       applications: Dictionary(uniqueKeysWithValues: accepted.values.map { ($0.id, $0.body) }),
                       qualificationFailed: failed, qualified: qualified, experts: experts, scoreSheets: sheets,
                       named: named, notNamed: notNamed, grants: paid, noticeEndsOn: endsOn.description,
                       retriedCalls: retries.withLock { $0 }, phases: phases)
    }
}

/// What the worker threads of `ScaleScenario.parallel` share: the items, the body and the first failure.
///
/// Why `@unchecked` holds: `items` is immutable after init and only read; the one mutable value, the first
/// failure, is inside a `Mutex`; `body` is not `@Sendable` because callers pass closures that capture their
/// own locked counters or nothing mutable at all (each worker gets its own `PlatformClient`), and
/// `parallel` joins every worker thread before it returns, so nothing outlives the call.
private final class ParallelWork<Item>: @unchecked Sendable {
    let items: [Item]
    let body: (Item, PlatformClient) throws -> Void
    let first = Mutex<(any Error)?>(nil)
    init(items: [Item], body: @escaping (Item, PlatformClient) throws -> Void) { self.items = items; self.body = body }
}
