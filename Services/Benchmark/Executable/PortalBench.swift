import Foundation
import Messaging
import PlatformClient
import StudioDomain

/// 6. The portal's pages under realistic data: a county's dashboard over 500 of its applications (two calls to
/// intake, rendered) and the public register of 2,000 studios (one call to assessment, rendered), each beside
/// `GET /health` of the same portal in the same run. Sequential requests from one client on loopback, so the
/// latency is the portal's server time plus the loopback round trip (an upper bound of the server time).
struct PortalBench {
    var health: [LoadResult] = []
    var dashboard: [LoadResult] = []
    var register: [LoadResult] = []
    var applications = 500
    var studios = 2000
    var dashboardBytes = 0
    var registerBytes = 0

    mutating func run(options: BenchOptions) throws {
        let root = try makeTemporaryFolder("portal")
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let intake = ServiceProcess(name: "intake", dataDir: root)
        let assessment = ServiceProcess(name: "assessment", dataDir: root)
        let operatorToken = "qzs_bench_operator_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let departmentToken = "qzs_bench_department_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        for service in [intake, assessment] {
            try service.admin(["token", "add", "--role", "operator", "--token", operatorToken, "--label", "bench operator"])
            try service.admin(["token", "add", "--role", "department", "--token", departmentToken, "--label", "bench department"])
        }
        let body = try intake.admin(["token", "issue", "--role", "screening_body", "--subject", "330802", "--label", "bench seed"])
        try intake.start()
        defer { intake.stop() }
        try assessment.start()
        defer { assessment.stop() }

        // Seed: 500 submitted applications of one county, 2,000 studios on the register.
        let today = LocalDate(Date())
        let department = APIClient(baseURL: intake.baseURL, token: departmentToken)
        let opened = try department.expect(201, "POST", "/rounds", json: ["kind": "naming", "year": today.year, "opensOn": today.description,
                                                                         "deadline": today.adding(days: 30).description])
        guard let roundId = opened.object["id"] as? String else { throw BenchError("no round id: \(opened.text)") }
        let template = IntakeBench.formTemplate(today: today).replacingOccurrences(of: "{ROUND}", with: roundId)
        let county = APIClient(baseURL: intake.baseURL, token: body)
        for n in 1...applications {
            try county.expect(201, "POST", "/applications", json: Array(template.replacingOccurrences(of: "{N}", with: String(n)).utf8),
                              headers: [("Content-Type", "application/json"), ("Idempotency-Key", "portal-bench-\(n)")])
        }
        let bodies = IntakeBench.screeningBodies
        let rows = (1...studios).map { n in
            ["studioName": "省级示范\(n)号创新工作室", "unitName": "浙江衢州\(n)号制造有限公司", "screeningBodyCode": bodies[n % bodies.count],
             "namedOn": today.adding(days: -30 - n % 700).description]
        }
        // The import takes at most 1,000 studios per file.
        for start in stride(from: 0, to: rows.count, by: 1000) {
            try APIClient(baseURL: assessment.baseURL, token: departmentToken).expect(201, "POST", "/provincial-studios/import",
                                                                                    json: ["studios": Array(rows[start..<min(start + 1000, rows.count)])])
        }

        let portal = ServiceProcess(name: "portal", dataDir: root, extraArguments: [
            "--intake-url", intake.baseURL, "--assessment-url", assessment.baseURL, "--review-url", intake.baseURL, "--funding-url", intake.baseURL,
            "--operator-token", operatorToken])
        try portal.admin(["account", "add", "--role", "screening_body", "--subject", "330802", "--name", "柯城区总工会", "--password", "bench-first-1",
                          "--intake-url", intake.baseURL, "--assessment-url", assessment.baseURL, "--review-url", intake.baseURL, "--funding-url", intake.baseURL,
                          "--operator-token", operatorToken])
        try portal.start()
        defer { portal.stop() }
        let browser = PortalVisitor(baseURL: portal.baseURL)
        try browser.signIn("330802", "bench-first-1", newPassword: "bench-changed-password-1")
        let first = browser.get("/county")
        guard first.status == 200, first.body.contains("王建1数控技能创新工作室") else { throw BenchError("the dashboard did not render: \(first.status)") }
        dashboardBytes = first.body.utf8.count
        let list = browser.get("/public/studios")
        guard list.status == 200, list.body.contains("共 \(studios) 家") else { throw BenchError("the register did not list \(studios) studios: \(list.status)") }
        registerBytes = list.body.utf8.count

        let requests = 200
        for _ in 0..<options.repetitions {
            health.append(browser.measure("/health", count: requests, expect: 200))
            dashboard.append(browser.measure("/county", count: requests, expect: 200))
            register.append(browser.measure("/public/studios", count: requests, expect: 200))
        }
    }
}

extension PortalVisitor {
    /// Signs in with a first password and changes it, as a new account must.
    func signIn(_ username: String, _ password: String, newPassword: String) throws {
        let signedIn = signIn(username, password)
        guard signedIn.location == "/password" else { throw BenchError("sign-in: \(signedIn.status) \(signedIn.location ?? "")") }
        let changed = post("/password", form: [("_csrf", csrf(from: "/password")), ("current", password), ("new", newPassword), ("repeat", newPassword)])
        guard changed.status == 303 else { throw BenchError("password change: \(changed.status)") }
    }

    /// `count` sequential GETs after 20 warm-up ones; latencies in milliseconds.
    func measure(_ path: String, count: Int, expect: Int) -> LoadResult {
        for _ in 0..<20 { _ = get(path) }
        var latencies: [Double] = []
        var errors = 0
        var firstError: String?
        let started = Date()
        for _ in 0..<count {
            let page = get(path)
            if page.status == expect { latencies.append(page.millis) } else {
                errors += 1
                if firstError == nil { firstError = "\(page.status) \(page.body.prefix(200))" }
            }
        }
        return LoadResult(connections: 1, completed: latencies.count, errors: errors, seconds: Date().timeIntervalSince(started),
                          latencies: latencies.sorted(), firstError: firstError)
    }
}
