import Foundation
import Messaging
import PlatformClient
import StudioDomain

/// The four wired services (`LivePlatform`) with the three years of the demo played through them, and the
/// portal binary in front of them with two county accounts, as a person would find the platform after a few
/// years: named studios on the register, revocation notices, and an open naming round.
final class LivePortal {
    let live: LivePlatform
    let portal: ServiceProcess
    let roundID: String
    let roundYear: Int
    let today: LocalDate
    /// What the services were played through before the portal's tests: the three years, or year one only (the
    /// naming) for a test that plays years 2 and 3 by hand in the browser.
    enum Playing { case threeYears, yearOne }
    /// Year one (the naming), whichever was played.
    let yearOne: NamingYearScenario.Summary
    private let threeYears: StudioYearsScenario.Summary?
    /// What the three years did (named, awarded, revoked studios), for the to-do lists' test; only when they were played.
    var years: StudioYearsScenario.Summary {
        guard let threeYears else { preconditionFailure("this portal played year one only") }
        return threeYears
    }
    /// username → first password
    let counties: [(username: String, password: String)] = [("330802", "kecheng-first-1"), ("330803", "qujiang-first-1")]

    init(prefix: String, playing: Playing = .threeYears) throws {
        live = try LivePlatform(prefix: prefix)
        let urls = ["--intake-url", live.processes["intake"]!.baseURL, "--review-url", live.processes["review"]!.baseURL,
                    "--funding-url", live.processes["funding"]!.baseURL, "--assessment-url", live.processes["assessment"]!.baseURL,
                    "--operator-token", live.tokens[.operator]!]
        portal = ServiceProcess(name: "portal", dataDir: live.root, extraArguments: urls)
        // The portal's to-do lists take every service's events, wired as deploy/platform.sh wires them (wire_portal),
        // and it runs through the three years so that its lists are those of the run.
        for sender in LivePlatform.services {
            let secret = WebhookSecret.generate().encoded
            try live.processes[sender]!.admin(["subscription", "wire", "--peer", "portal", "--url", portal.baseURL + "/events", "--secret", secret])
            try portal.admin(["inbound-secret", "add", "--source", sender, "--secret", secret])
        }
        try live.start()
        try portal.start()
        switch playing {
        case .threeYears:
            let played = try StudioYearsScenario(platform: live.platform, quota: 5, timeout: 30, log: { _ in }).run()
            (threeYears, yearOne) = (played, played.yearOne)
        case .yearOne:
            yearOne = try NamingYearScenario(platform: live.platform, quota: 5, timeout: 30, log: { _ in }).run()
            threeYears = nil
        }
        try live.drain(timeout: 60)
        let department = APIClient(baseURL: live.processes["intake"]!.baseURL, token: live.tokens[.department])
        let operatorAPI = APIClient(baseURL: live.processes["intake"]!.baseURL, token: live.tokens[.operator])
        let todayText = try operatorAPI.expect(200, "GET", "/ops/clock").object["today"] as? String ?? ""
        guard let today = LocalDate(todayText) else { throw HarnessError("no business day from /ops/clock: \(todayText)") }
        self.today = today
        try Self.loadDemoCalendars(review: APIClient(baseURL: live.processes["review"]!.baseURL, token: live.tokens[.department]), today: today,
                                   years: playing == .yearOne ? 4 : 1)
        (roundID, roundYear) = try Self.openRound(department, today: today, after: today.year - 1)
        try portal.admin(["account", "add", "--role", "screening_body", "--subject", "330802", "--name", "柯城区总工会", "--password", counties[0].password] + urls)
        try portal.admin(["account", "add", "--role", "screening_body", "--subject", "330803", "--name", "衢江区总工会", "--password", counties[1].password] + urls)
    }

    var baseURL: String { portal.baseURL }

    /// A naming round open today, for the first year after `after` that no round has taken.
    static func openRound(_ department: APIClient, today: LocalDate, after: Int) throws -> (String, Int) {
        for year in (after + 1)...(after + 12) {
            let reply = try department.call("POST", "/rounds", json: ["year": year, "opensOn": today.adding(days: -5).description,
                                                                      "deadline": today.adding(days: 20).description, "quotaPerBody": 3])
            if reply.status == 201 { return (reply.object["id"] as? String ?? "", year) }
            guard reply.status == 409 else { throw HarnessError("opening a round: \(reply.status) \(reply.text)") }
        }
        throw HarnessError("no free year for a round")
    }

    /// The 公示 needs a holiday calendar for its years: a marked empty one where the platform ships none (the
    /// demo clocks run years ahead).
    static func loadDemoCalendars(review: APIClient, today: LocalDate, years ahead: Int = 1) throws {
        for year in today.year...(today.year + ahead) where try review.call("GET", "/calendars/\(year)").status == 404 {
            try review.expect(200, "PUT", "/calendars/\(year)", json: DemoHolidayCalendar.body)
        }
    }

    /// A second open round, for a test that takes a round through to its decision.
    func openAnotherRound() throws -> (id: String, year: Int) {
        try Self.openRound(APIClient(baseURL: live.processes["intake"]!.baseURL, token: live.tokens[.department]), today: today, after: roundYear)
    }

    /// A complete, eligible application submitted straight to intake with a token of `body`.
    @discardableResult
    func submitApplication(body: String, unit: String, studio: String, leader: String, round: (id: String, year: Int)? = nil,
                           attachment: [UInt8]? = nil) throws -> (id: String, sha256: String?) {
        let (roundID, roundYear) = round ?? (self.roundID, self.roundYear)
        let intake = APIClient(baseURL: live.processes["intake"]!.baseURL, token: live.tokens[.operator])
        let token = try intake.expect(201, "POST", "/ops/tokens", json: ["role": "screening_body", "subject": body, "label": "portal test"]).object["token"] as? String
        let county = APIClient(baseURL: live.processes["intake"]!.baseURL, token: token)
        let form = ApplicationForm(
            applicantUnit: UnitForm(name: unit, creditCode: UnifiedSocialCreditCode.completing("91" + body + "MA7A1B2C3")!, unitType: "企业",
                                    hasTradeUnion: true, tradeUnionName: unit + "工会"),
            studio: StudioForm(name: studio, creationStartDate: today.adding(months: -14), hasFixedSite: true, siteAddress: "江山市经济开发区1号", siteArea: 150,
                               funds: Money(fen: 6_000_000), officeFacilities: "会议室、电脑8台", equipment: "数控车床2台"),
            leader: LeaderForm(name: leader, idNumber: ResidentIDNumber.completing(body + "19780312123")!, speciality: "数控加工",
                               skillLevel: "一级/高级技师", certificateNumber: "S0000330881001", phone: "13905701234"),
            team: TeamForm(members: [MemberForm(name: "周强", role: "技术骨干", skillLevel: "二级/技师"), MemberForm(name: "吴敏", role: "工艺员", skillLevel: "三级/高级工")]),
            workRules: "工作室章程、月度例会制度，与公司生产计划衔接。",
            projects: [ProjectForm(title: "精密主轴攻关", commissioningUnit: unit, content: "提高主轴精度", startDate: LocalDate(year: roundYear, month: 1, day: 1),
                                   endDate: LocalDate(year: roundYear, month: 12, day: 31), requirements: "径向跳动小于0.002毫米", acceptanceStandard: "三批合格率99%",
                                   funding: Money(fen: 9_000_000))],
            industryField: "装备制造/数控加工", screening: ScreeningForm(opinion: "同意推荐", recommendationOrder: 1))
        // The file goes on first, as a draft, so the submitted version carries it.
        let created = try county.expect(201, "POST", "/applications", json: ["roundId": roundID, "submit": attachment == nil, "form": try PlatformClient.json(form)],
                                        headers: [("Idempotency-Key", UUID().uuidString)])
        let id = created.object["id"] as? String ?? ""
        guard let attachment else { return (id, nil) }
        let file = try county.expect(201, "POST", "/applications/\(id)/attachments?name=plan.pdf", json: attachment, headers: [("Content-Type", "application/pdf")])
        try county.expect(200, "POST", "/applications/\(id)/submit", headers: [("Idempotency-Key", UUID().uuidString)])
        return (id, file.object["sha256"] as? String)
    }

    /// The services' addresses and the operator token, as `portal account add` takes them.
    var urlArguments: [String] {
        ["--intake-url", live.processes["intake"]!.baseURL, "--review-url", live.processes["review"]!.baseURL,
         "--funding-url", live.processes["funding"]!.baseURL, "--assessment-url", live.processes["assessment"]!.baseURL,
         "--operator-token", live.tokens[.operator]!]
    }

    func stop() {
        portal.stop()
        live.stop()
    }

    func remove() { live.remove() }
}
