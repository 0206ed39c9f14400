import Foundation
import GRDB
import HummingbirdOTP
import Messaging
import PlatformClient
import StudioDomain
import XCTest

/// The portal over the five real binaries: a county union's whole day in a real headless Chromium
/// (`Tests/Browser/county_day.py`, Selenium with Debian's chromedriver), and the security rules of the pages
/// (CSRF, cookies, lock-out, sign-out, a service that is down), checked over HTTP.
final class PortalTests: XCTestCase {
    nonisolated(unsafe) private static var shared: LivePortal?

    /// One platform for the class: playing the three years takes several seconds.
    func portal() throws -> LivePortal {
        if let shared = Self.shared { return shared }
        let made = try LivePortal(prefix: "portal-")
        Self.shared = made
        return made
    }

    override class func tearDown() {
        shared?.stop()
        shared?.remove()
        shared = nil
        super.tearDown()
    }

    func testACountyUnionDoesItsWholeJobInTheBrowser() throws {
        let portal = try portal()
        try runBrowserScript("county_day.py", folder: "county", [
            "--round-id", portal.roundID, "--round-year", String(portal.roundYear), "--today", portal.today.description,
            "--county-a", "\(portal.counties[0].username):\(portal.counties[0].password)",
            "--county-b", "\(portal.counties[1].username):\(portal.counties[1].password)",
            "--credit-code", UnifiedSocialCreditCode.completing("91330802MA2A1B2C3")!,
            "--credit-code-2", UnifiedSocialCreditCode.completing("91330802MA2D4E5F6")!,
            "--id-number", ResidentIDNumber.completing("33080219850101123")!], portal: portal)
    }

    func testTheDepartmentReturnsFailsAndPassesApplicationsInTheBrowserAndTheCountyAmends() throws {
        let portal = try portal()
        for (role, username, name, password) in [("screening_body", "QZ-IND-CONS", "市建设产业工会", "changshan-first-1"), ("department", "dept", "经济工作部", "dept-first-pass-1")] {
            let subject = role == "screening_body" ? ["--subject", username] : ["--username", username]
            try portal.portal.admin(["account", "add", "--role", role] + subject + ["--name", name, "--password", password] + portal.urlArguments)
        }
        try runBrowserScript("department_day.py", folder: "department", [
            "--round-id", portal.roundID, "--round-year", String(portal.roundYear), "--today", portal.today.description,
            "--county", "QZ-IND-CONS:changshan-first-1", "--department", "dept:dept-first-pass-1",
            "--credit-codes", [UnifiedSocialCreditCode.completing("91330822MA2A1B2C3")!, UnifiedSocialCreditCode.completing("91330822MA2D4E5F6")!].joined(separator: ","),
            "--id-number", ResidentIDNumber.completing("33082219800101123")!], portal: portal)
    }

    func testANamingRoundFromTheDepartmentsTheExpertsAndTheFederationsDesks() throws {
        let portal = try portal()
        var experts: [String] = []
        for index in 1...5 {
            let id = "EXP-R\(index)"
            try portal.portal.admin(["account", "add", "--role", "expert", "--subject", id, "--username", id, "--name", "专家\(index)",
                                     "--password", "\(id)-first-pass"] + portal.urlArguments)
            experts.append("\(id):\(id)-first-pass")
        }
        try portal.portal.admin(["account", "add", "--role", "department", "--username", "dept2", "--name", "经济工作部（评审）", "--password", "dept2-first-pass"] + portal.urlArguments)
        try portal.portal.admin(["account", "add", "--role", "federation", "--username", "fed", "--name", "市总工会", "--password", "fed-first-pass-1"] + portal.urlArguments)
        // A submitted application of its own, so the round has something to qualify whichever test ran before.
        let round = try portal.openAnotherRound()
        let pdf = Array("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8)
        let submitted = try portal.submitApplication(body: "330881", unit: "江山精密机床有限公司", studio: "江山数控技能创新工作室", leader: "王建国",
                                                     round: round, attachment: pdf)
        // The experts the earlier years left in the pool get accounts too: the assignment may choose them.
        let review = APIClient(baseURL: portal.live.processes["review"]!.baseURL, token: portal.live.tokens[.department])
        var scorers = experts.dropLast()
        for case let expert as [String: Any] in try review.expect(200, "GET", "/experts").items.map({ $0 as Any }) {
            guard let id = expert["id"] as? String else { continue }
            try portal.portal.admin(["account", "add", "--role", "expert", "--subject", id, "--username", id, "--name", "专家\(id)",
                                     "--password", "\(id)-first-pass"] + portal.urlArguments)
            scorers.append("\(id):\(id)-first-pass")
        }
        try runBrowserScript("naming_round.py", folder: "naming-round", [
            "--round-year", String(round.year), "--department", "dept2:dept2-first-pass", "--federation", "fed:fed-first-pass-1",
            "--experts", experts.joined(separator: ","), "--scorers", scorers.joined(separator: ","),
            "--clocks", LivePlatform.services.map { portal.live.processes[$0]!.baseURL }.joined(separator: ","),
            "--operator-token", portal.live.tokens[.operator]!], portal: portal)

        // The experts on the application's panel download its file through the portal; every other expert, the one who
        // recused included, gets 404 for the file and the sheet, even by typing the URLs (intake decides, from panel.changed).
        let panel = Set(try review.expect(200, "GET", "/applications/\(submitted.id)").object["experts"] as? [String] ?? [])
        XCTAssertFalse(panel.isEmpty, "the application had a panel")
        let sha = try XCTUnwrap(submitted.sha256)
        var checkedOutside = 0
        for entry in scorers {
            let id = String(entry.split(separator: ":")[0])
            let visitor = PortalVisitor(baseURL: portal.baseURL)
            guard visitor.signIn(id, "\(id)-new-password").location == "/expert" else { continue }  // never signed in: had no work
            let file = visitor.get("/expert/applications/\(submitted.id)/attachments/\(sha)")
            if panel.contains(id) {
                XCTAssertEqual(file.status, 200, "\(id) is on the panel")
                XCTAssertTrue(file.body.hasPrefix("%PDF-1.7"), "\(id) gets the file itself")
            } else {
                XCTAssertEqual(file.status, 404, "\(id) is not on the panel")
                XCTAssertFalse(file.body.contains("%PDF"))
                XCTAssertEqual(visitor.get("/expert/applications/\(submitted.id)").status, 404)
                checkedOutside += 1
            }
        }
        XCTAssertGreaterThan(checkedOutside, 0, "at least one expert outside the panel (the one who recused) was tried")
    }

    func testEveryDepartmentFormPostedFromAnExpertsSessionIsRefusedAndSoIsTheSameCallWithTheExpertsOwnToken() throws {
        let portal = try portal()
        let expert = try signedIn(portal, role: "expert", username: "EXP-ROLE", name: "角色测试专家", landing: "/expert")
        let review = APIClient(baseURL: portal.live.processes["review"]!.baseURL, token: portal.live.tokens[.department])
        let expertsBefore = try review.expect(200, "GET", "/experts").items.count
        let round = try XCTUnwrap(try review.expect(200, "GET", "/rounds").items.first?["id"] as? String)
        let csrf = expert.csrf(from: "/expert")
        // The portal's pages for the department and the federation refuse the expert before any call is made.
        let forms: [(String, [(String, String)])] = [
            ("/department/experts", [("id", "EXP-INTRUDER"), ("name", "冒充"), ("unitName", "某单位"), ("specialities", "数控"), ("maxLoad", "5")]),
            ("/department/applications/any/qualification", [("outcome", "pass")]),
            ("/department/rounds/\(round)/step", [("do", "assign")]),
            ("/department/rounds/\(round)/step", [("do", "notice")]),
            ("/federation/rounds/\(round)/decision", []),
            ("/department/rounds/\(round)/settings", [("quota", "12"), ("criteriaCount", "0")]),
            ("/department/rounds/\(round)/panel/change", [("applicationId", "any"), ("addExpertId", "EXP-ROLE"), ("reason", "冒充")]),
            ("/department/rounds/\(round)/panel/conflict", [("expertId", "EXP-ROLE"), ("applicationId", "any"), ("reason", "冒充")]),
            ("/department/rounds/\(round)/panel/availability", [("expertId", "EXP-ROLE"), ("maxLoad", "200")]),
            ("/department/rounds/new", [("kind", "naming"), ("year", "2040"), ("opensOn", "2040-03-01"), ("deadline", "2040-04-01")]),
            ("/department/experts/import", [("file", "专家编号,姓名")]),
            ("/department/experts/EXP-ROLE", [("name", "冒充"), ("unitName", "某"), ("specialities", "数控"), ("maxLoad", "200")]),
            ("/operator/accounts", [("role", "department"), ("name", "冒充"), ("username", "intruder")]),
        ]
        for (path, fields) in forms {
            let page = expert.post(path, form: [("_csrf", csrf)] + fields)
            XCTAssertEqual(page.status, 403, path)
            XCTAssertTrue(page.body.contains("无权访问"), path)
        }
        XCTAssertEqual(try review.expect(200, "GET", "/experts").items.count, expertsBefore, "no expert was added")
        // An expert never sees an application that is not assigned to them, not even by typing its URL.
        // (any round's: the newest may have none yet when this test runs first)
        let rounds = try review.expect(200, "GET", "/rounds").items.compactMap { $0["id"] as? String }
        let someApplication = try XCTUnwrap(try rounds.lazy.compactMap { id in
            try review.expect(200, "GET", "/rounds/\(id)/applications").items.first?["applicationId"] as? String
        }.first)
        let typed = expert.get("/expert/applications/\(someApplication)")
        XCTAssertEqual(typed.status, 404)
        XCTAssertFalse(typed.body.contains(someApplication), "not even its id is echoed")
        XCTAssertEqual(expert.get("/department/applications/\(someApplication)").status, 403)
        XCTAssertEqual(expert.get("/department/applications/\(someApplication)/attachments/0").status, 403)
        // And the service decides for itself: the expert's own token, as the portal holds it, is refused there too.
        let database = try PlatformChecks.open((portal.live.root as NSString).appendingPathComponent("portal.sqlite"))
        let token = try XCTUnwrap(try database.read { db in
            try String.fetchOne(db, sql: "SELECT t.token FROM account_token t JOIN account a ON a.id = t.account_id WHERE a.username = 'EXP-ROLE' AND t.service = 'review'")
        })
        let asExpert = APIClient(baseURL: portal.live.processes["review"]!.baseURL, token: token)
        XCTAssertEqual(try asExpert.call("POST", "/experts", json: ["id": "EXP-INTRUDER", "name": "冒充", "unitName": "某", "specialities": ["数控"], "maxLoad": 5]).status, 403)
        XCTAssertEqual(try asExpert.call("POST", "/rounds/\(round)/assignment", json: [String: String]()).status, 403)
        XCTAssertEqual(try asExpert.call("POST", "/rounds/\(round)/decision", json: [String: String]()).status, 403)
        XCTAssertEqual(try asExpert.call("GET", "/rounds").status, 403)
        XCTAssertEqual(try asExpert.call("PATCH", "/rounds/\(round)", json: ["quota": 12]).status, 403)
        XCTAssertEqual(try asExpert.call("POST", "/experts/import", json: Array("专家编号,姓名\r\nX,Y\r\n".utf8), headers: [("Content-Type", "text/csv")]).status, 403)
        let intakeToken = try XCTUnwrap(try database.read { db in
            try String.fetchOne(db, sql: "SELECT t.token FROM account_token t JOIN account a ON a.id = t.account_id WHERE a.username = 'EXP-ROLE' AND t.service = 'intake'")
        })
        let intakeAsExpert = APIClient(baseURL: portal.live.processes["intake"]!.baseURL, token: intakeToken)
        XCTAssertEqual(try intakeAsExpert.call("POST", "/rounds", json: ["kind": "naming", "year": 2040, "opensOn": "2040-03-01", "deadline": "2040-04-01"],
                                               headers: [("Idempotency-Key", UUID().uuidString)]).status, 403)
        XCTAssertEqual(try asExpert.call("PUT", "/experts/EXP-ROLE", json: ["id": "EXP-ROLE", "name": "冒充", "unitName": "某", "specialities": ["数控"], "maxLoad": 200]).status, 403)
        XCTAssertEqual(try asExpert.call("POST", "/rounds/\(round)/assignment/changes", json: ["applicationId": someApplication, "addExpertId": "EXP-ROLE", "reason": "x"]).status, 403)
        XCTAssertEqual(try asExpert.call("POST", "/rounds/\(round)/conflicts", json: ["applicationId": someApplication, "expertId": "EXP-ROLE", "reason": "x"]).status, 403)
        XCTAssertEqual(try asExpert.call("PUT", "/rounds/\(round)/experts/EXP-ROLE", json: ["available": true, "maxLoad": 200]).status, 403)
    }

    /// Runs one of Tests/Browser's scripts against the portal; screenshots in .build/portal-screenshots/<folder>.
    func runBrowserScript(_ name: String, folder: String, _ arguments: [String], portal: LivePortal) throws {
        let root = ProcessInfo.processInfo.environment["PORTAL_SCREENSHOTS"]
            ?? (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".build/portal-screenshots")
        let screenshots = (root as NSString).appendingPathComponent(folder)
        try? FileManager.default.removeItem(atPath: screenshots)
        let script = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("Tests/Browser/\(name)")
        let (status, text) = try Process.runToEnd("/usr/bin/env", ["python3", script, "--portal", portal.baseURL, "--screenshots", screenshots] + arguments)
        print(text)
        XCTAssertEqual(status, 0, "the browser test failed; screenshots in \(screenshots)\n\(text.suffix(4000))")
        XCTAssertTrue(text.contains("steps passed"), text)
    }

    func testAFormWithoutOrWithAWrongCSRFTokenIsRefusedAndChangesNothing() throws {
        let portal = try portal()
        let visitor = PortalVisitor(baseURL: portal.baseURL)
        // Without a token the sign-in form is refused before the password is even looked at.
        let noToken = visitor.post("/login", form: [("username", "330802"), ("password", portal.counties[0].password)])
        XCTAssertEqual(noToken.status, 403)
        XCTAssertTrue(noToken.body.contains("表单已失效"), noToken.body)
        let wrong = visitor.post("/login", form: [("_csrf", String(repeating: "0", count: 64)), ("username", "330802"), ("password", "x")])
        XCTAssertEqual(wrong.status, 403)
        // A signed-in county's withdrawal posted with another session's token changes nothing.
        let county = try signedInCounty(portal, username: "330822", name: "常山县总工会")
        let dashboard = county.get("/county")
        XCTAssertEqual(dashboard.status, 200)
        let other = PortalVisitor(baseURL: portal.baseURL)
        let foreignToken = other.csrf(from: "/login")
        let create = county.post("/county/rounds/\(portal.roundID)/new", form: [("_csrf", foreignToken), ("action", "save"), ("studio.name", "跨站草稿")])
        XCTAssertEqual(create.status, 403)
        XCTAssertFalse(county.get("/county").body.contains("跨站草稿"), "nothing was created")
        let own = county.post("/county/rounds/\(portal.roundID)/new", form: [("_csrf", county.csrf(from: "/county")), ("action", "save"), ("studio.name", "本站草稿")])
        XCTAssertEqual(own.status, 303, "the same form with the session's own token is accepted")
        XCTAssertTrue(county.get("/county").body.contains("本站草稿"))
    }

    func testTheSessionCookieIsHttpOnlyAndSameSiteAndSecureBehindHTTPS() throws {
        let portal = try portal()
        let visitor = PortalVisitor(baseURL: portal.baseURL)
        _ = visitor.get("/login")
        let cookie = try XCTUnwrap(visitor.lastSetCookies.first { $0.hasPrefix("qz_session=") })
        XCTAssertTrue(cookie.contains("HttpOnly"), cookie)
        XCTAssertTrue(cookie.contains("SameSite=Lax"), cookie)
        XCTAssertFalse(cookie.contains("Secure"), "plain HTTP on loopback: not Secure")
        // Behind nginx, which terminates TLS and says so.
        let client = BlockingCurlClient()
        let https = client.send(OutboundRequest(method: "GET", url: portal.baseURL + "/login", headers: [("X-Forwarded-Proto", "https")], body: []))
        XCTAssertTrue(https.setCookies.contains { $0.hasPrefix("qz_session=") && $0.hasSuffix("; Secure") }, "\(https.setCookies)")
    }

    func testFiveWrongPasswordsInARowLockTheAccount() throws {
        let portal = try portal()
        let password = "kaihua-first-1"
        try portal.portal.admin(["account", "add", "--role", "screening_body", "--subject", "330824", "--name", "开化县总工会", "--password", password,
                                 "--operator-token", portal.live.tokens[.operator]!, "--intake-url", portal.live.processes["intake"]!.baseURL,
                                 "--review-url", portal.live.processes["review"]!.baseURL, "--funding-url", portal.live.processes["funding"]!.baseURL,
                                 "--assessment-url", portal.live.processes["assessment"]!.baseURL])
        let visitor = PortalVisitor(baseURL: portal.baseURL)
        for attempt in 1...5 {
            let page = visitor.signIn("330824", "wrong-\(attempt)")
            XCTAssertEqual(page.status, 401, "attempt \(attempt)")
            if attempt < 5 { XCTAssertTrue(page.body.contains("用户名或密码不正确"), page.body) }
            if attempt == 5 { XCTAssertTrue(page.body.contains("已锁定"), page.body) }
        }
        let right = visitor.signIn("330824", password)
        XCTAssertEqual(right.status, 401, "the right password no longer opens a locked account")
        XCTAssertTrue(right.body.contains("已被锁定"), right.body)
        // Every attempt is in the portal's audit log.
        let database = try PlatformChecks.open((portal.live.root as NSString).appendingPathComponent("portal.sqlite"))
        let failed = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE action = 'signin.failed' AND subject = '330824'") ?? 0 }
        XCTAssertEqual(failed, 6)
        let locked = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE action = 'account.locked' AND subject = '330824'") ?? 0 }
        XCTAssertEqual(locked, 1)
    }

    func testASignedOutSessionNoLongerWorks() throws {
        let portal = try portal()
        let county = try signedInCounty(portal, username: "330825", name: "龙游县总工会")
        let sessionCookie = try XCTUnwrap(county.cookie)
        XCTAssertEqual(county.get("/county").status, 200)
        let out = county.post("/logout", form: [("_csrf", county.csrf(from: "/county"))])
        XCTAssertEqual(out.status, 303)
        // The old cookie, replayed by someone who kept it, opens nothing.
        let thief = PortalVisitor(baseURL: portal.baseURL)
        thief.cookie = sessionCookie
        let page = thief.get("/county")
        XCTAssertEqual(page.status, 303)
        XCTAssertTrue(page.location?.hasPrefix("/login") == true, "\(String(describing: page.location))")
    }

    func testAServiceThatIsDownGivesAClearPageAndTheRestKeepsWorking() throws {
        let portal = try portal()
        let county = try signedInCounty(portal, username: "330881", name: "江山市总工会")
        let intake = portal.live.processes["intake"]!
        intake.stop()
        // Started again below; only if the test stops before that does the defer start it (twice would leave the
        // first process running after the platform's clean-up).
        var restarted = false
        defer { if !restarted { try? intake.start() } }
        let page = county.get("/county")
        XCTAssertEqual(page.status, 503)
        XCTAssertTrue(page.body.contains("申报服务暂不可用"), page.body)
        XCTAssertTrue(page.body.contains("intake is unavailable"), page.body)
        XCTAssertEqual(county.get("/public/studios").status, 200, "the register comes from assessment, which is up")
        try intake.start()
        restarted = true
        XCTAssertEqual(county.get("/county").status, 200)
    }

    func testTheOperatorCreatesACountyAccountWhoseFirstPasswordWorksOnceAndMustBeChanged() throws {
        let portal = try portal()
        let operatorVisitor = try signedIn(portal, role: "operator", username: "ops", name: "系统运维", landing: "/operator/accounts")
        let form = [("_csrf", operatorVisitor.csrf(from: "/operator/accounts")), ("role", "screening_body"), ("name", "市直机关工委"),
                    ("subject", "QZ-SYS-JG"), ("username", "")]
        let created = operatorVisitor.post("/operator/accounts", form: form)
        XCTAssertEqual(created.status, 200, created.body)
        let password = try XCTUnwrap(created.body.firstMatch(of: /<code class="secret">([A-Za-z0-9]{12})<\/code>/)?.1).description
        XCTAssertFalse(operatorVisitor.get("/operator/accounts").body.contains(password), "the first password is shown once")
        // A county account may not open the operator's page.
        let county = PortalVisitor(baseURL: portal.baseURL)
        XCTAssertEqual(county.signIn("QZ-SYS-JG", password).location, "/password")
        XCTAssertEqual(county.get("/county").location, "/password", "nothing else before the first password is changed")
        // A duplicate username is refused beside its field, and nothing is created.
        let again = operatorVisitor.post("/operator/accounts", form: [("_csrf", operatorVisitor.csrf(from: "/operator/accounts")), ("role", "screening_body"),
                                                                    ("name", "重复"), ("subject", "QZ-SYS-JG"), ("username", "")])
        XCTAssertEqual(again.status, 422)
        XCTAssertTrue(again.body.contains("用户名QZ-SYS-JG已存在"), again.body)
        XCTAssertEqual(try signedInCounty(portal, username: "QZ-SYS-EDU", name: "市教育系统工会").get("/operator/accounts").status, 403)
    }

    func testTheNginxSiteIsValid() throws {
        let folder = NSTemporaryDirectory() + "nginx-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = FileManager.default.currentDirectoryPath
        let (status, text) = try Process.runToEnd("/usr/bin/env", ["bash", (root as NSString).appendingPathComponent("deploy/nginx/check.sh"), folder])
        XCTAssertEqual(status, 0, text)
        XCTAssertTrue(text.contains("syntax is ok") && text.contains("test is successful"), text)
    }

    /// A county account made for one test, signed in with its first password changed.
    private func signedInCounty(_ portal: LivePortal, username: String, name: String) throws -> PortalVisitor {
        try signedIn(portal, role: "screening_body", username: username, name: name, landing: "/county")
    }

    func signedIn(_ portal: LivePortal, role: String, username: String, name: String, landing: String) throws -> PortalVisitor {
        let first = "first-\(username)-pass"
        let subject = role == "screening_body" || role == "expert" ? ["--subject", username] : ["--username", username]
        try portal.portal.admin(["account", "add", "--role", role] + subject + ["--name", name, "--password", first,
                                 "--operator-token", portal.live.tokens[.operator]!, "--intake-url", portal.live.processes["intake"]!.baseURL,
                                 "--review-url", portal.live.processes["review"]!.baseURL, "--funding-url", portal.live.processes["funding"]!.baseURL,
                                 "--assessment-url", portal.live.processes["assessment"]!.baseURL])
        let visitor = PortalVisitor(baseURL: portal.baseURL)
        let signedIn = visitor.signIn(username, first)
        XCTAssertEqual(signedIn.location, "/password", "a first password must be changed")
        let changed = visitor.post("/password", form: [("_csrf", visitor.csrf(from: "/password")), ("current", first),
                                                       ("new", "changed-\(username)-pass"), ("repeat", "changed-\(username)-pass")])
        XCTAssertEqual(changed.status, 303)
        XCTAssertEqual(changed.location, landing)
        return visitor
    }
}

extension PortalTests {
    func testAFinanceAccountWithTOTPNeedsTheCurrentCodeAfterItsPasswordAndACodeWorksOnce() throws {
        let portal = try portal()
        let finance = try signedIn(portal, role: "finance", username: "finance1", name: "财务部", landing: "/funds")
        // Enrol: the page shows the Base32 secret; the authenticator's code confirms it.
        let started = finance.post("/security/totp/start", form: [("_csrf", finance.csrf(from: "/security"))])
        XCTAssertEqual(started.status, 200, started.body)
        let url = try XCTUnwrap(started.body.firstMatch(of: /otpauth:\/\/totp\/[^<]+/)).0.description.replacingOccurrences(of: "&amp;", with: "&")
        let base32 = try XCTUnwrap(URLComponents(string: url)?.queryItems?.first { $0.name == "secret" }?.value)
        let secret = try XCTUnwrap(Self.base32Decode(base32))
        let wrong = finance.post("/security/totp/confirm", form: [("_csrf", finance.csrf(from: "/security")), ("code", "000000")])
        XCTAssertEqual(wrong.status, 422)
        let enabled = finance.post("/security/totp/confirm", form: [("_csrf", finance.csrf(from: "/security")),
                                                                   ("code", TOTP(secret: secret).code(at: Date()))])
        XCTAssertEqual(enabled.status, 303, enabled.body)
        XCTAssertTrue(finance.get("/security").body.contains("已启用"))
        _ = finance.post("/logout", form: [("_csrf", finance.csrf(from: "/security"))])
        // Sign in again: the password alone opens nothing.
        let visitor = PortalVisitor(baseURL: portal.baseURL)
        let afterPassword = visitor.signIn("finance1", "changed-finance1-pass")
        XCTAssertEqual(afterPassword.location, "/login/code")
        XCTAssertEqual(visitor.get("/home").location?.hasPrefix("/login") , true, "not signed in before the code")
        // The code that enabled it was used; the next step's code (within the drift allowed) signs in once.
        let code = TOTP(secret: secret).code(at: Date().addingTimeInterval(30))
        let signedIn = visitor.post("/login/code", form: [("_csrf", visitor.csrf(from: "/login/code")), ("code", code)])
        XCTAssertEqual(signedIn.location, "/funds", signedIn.body)
        XCTAssertEqual(visitor.get("/home").status, 200)
        // The same code again, in another browser, is refused: a code works once.
        let replay = PortalVisitor(baseURL: portal.baseURL)
        XCTAssertEqual(replay.signIn("finance1", "changed-finance1-pass").location, "/login/code")
        let replayed = replay.post("/login/code", form: [("_csrf", replay.csrf(from: "/login/code")), ("code", code)])
        XCTAssertEqual(replayed.status, 401)
        XCTAssertTrue(replayed.body.contains("已使用过"), replayed.body)
    }

    /// RFC 4648 Base32, as the otpauth URL carries the secret.
    static func base32Decode(_ text: String) -> String? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0
        var bytes: [UInt8] = []
        for character in text.uppercased() where character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return String(bytes: bytes, encoding: .utf8)
    }
}

private extension TOTP {
    func code(at date: Date) -> String {
        let digits = String(compute(date: date))
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

}

/// The to-do lists (待办事项) the portal keeps from the services' events.
extension PortalTests {
    // MARK: To-do lists (待办) from the services' events

    /// One row of the portal's to-do table (Services/Portal/Library/Store/Todos.swift).
    struct TodoRow: Equatable {
        var key: String, role: String, subject: String?, kind: String, title: String, openedAt: Int64, doneAt: Int64?, doneReason: String?
    }

    /// The portal's to-do rows and the number of its inbox rows, read from portal.sqlite.
    func todoSnapshot(_ portal: LivePortal) throws -> (todos: [TodoRow], inbox: Int) {
        let database = try DatabaseQueue(path: portal.portal.databasePath)
        defer { try? database.close() }
        return try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM todo ORDER BY key").map {
                TodoRow(key: $0["key"], role: $0["role"], subject: $0["subject"], kind: $0["kind"], title: $0["title"], openedAt: $0["opened_at"],
                        doneAt: $0["done_at"], doneReason: $0["done_reason"])
            }
            return (rows, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_message") ?? 0)
        }
    }

    /// Replays every message of the run into the portal and holds that every to-do list and the inbox's count are
    /// as they were (`before`); answers how many deliveries were replayed.
    @discardableResult
    func assertAReplayOfEveryEventChangesNoList(_ portal: LivePortal, before: (todos: [TodoRow], inbox: Int),
                                                file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let replayed = try replayEveryEventIntoThePortal(portal)
        XCTAssertGreaterThan(replayed, before.inbox / 2, "the replay resends the run's events", file: file, line: line)
        try portal.live.drain(timeout: 120)
        let after = try todoSnapshot(portal)
        XCTAssertEqual(after.todos, before.todos, file: file, line: line)
        XCTAssertEqual(after.inbox, before.inbox, file: file, line: line)
        return replayed
    }

    func testTheToDoListsFollowTheThreeYearsAndAreUnchangedWhenEveryEventIsReplayedIntoThePortal() throws {
        let portal = try self.portal()
        try portal.live.drain(timeout: 60)
        let before = try todoSnapshot(portal)
        // The three years gave finance a grant to pay for every studio named, awarded or accepted, each marked done by
        // funding's grant.paid when the bank's confirmation was applied, or by studio.revoked for the revoked studio's
        // unpaid grant; the county whose application review returned had it to do until its amendment.
        let finance = before.todos.filter { $0.role == "finance" }
        for studio in portal.years.yearOne.named.values {
            XCTAssertEqual(finance.filter { $0.kind == "grant_naming" && $0.key.hasPrefix("grant_naming:\(studio):") }.count, 1, "the naming grant of \(studio)")
        }
        XCTAssertFalse(finance.filter { $0.kind == "grant_project" }.isEmpty)
        XCTAssertFalse(finance.filter { $0.kind == "grant_demonstration" }.isEmpty)
        let revoked = finance.filter { $0.key.contains(portal.years.revokedForFraud) }
        XCTAssertFalse(revoked.isEmpty)
        XCTAssertTrue(revoked.contains { $0.doneAt != nil && $0.doneReason?.contains("撤销") == true }, "the cancelled grant: \(revoked)")
        for studio in portal.years.yearOne.grants.keys {
            let naming = finance.first { $0.key.hasPrefix("grant_naming:\(studio):") }
            XCTAssertEqual(naming?.doneReason?.hasPrefix("已拨付"), true, "the naming grant of \(studio), paid in year one: \(String(describing: naming))")
        }
        let returns = before.todos.filter { $0.kind == "amendment" }
        XCTAssertFalse(returns.isEmpty, "review returned an application in year one")
        XCTAssertTrue(returns.allSatisfy { $0.role == "screening_body" && $0.subject != nil }, "\(returns)")
        XCTAssertTrue(returns.contains { $0.doneAt != nil && $0.doneReason?.hasPrefix("已补正") == true }, "the amendment ended it: \(returns)")

        // When the operator replays every message of the run to the portal's subscription on each service
        // Then every list is as it was, and the inbox took every replayed event as a duplicate
        let replayed = try assertAReplayOfEveryEventChangesNoList(portal, before: before)
        let metrics = try PlatformClient().call("GET", portal.baseURL + "/metrics", token: nil).text
        let duplicates = metrics.split(separator: "\n").first { $0.hasPrefix("portal_events_received_total{outcome=\"duplicate\"}") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        XCTAssertGreaterThanOrEqual(Int(duplicates), replayed, metrics)
        print("to-do lists: \(before.todos.count) items (\(before.todos.filter { $0.doneAt == nil }.count) open) from \(before.inbox) events; replayed \(replayed) deliveries, all duplicates")
    }

    /// Years 2 and 3 from the finance, audit office, department, federation and operator desks in the browser
    /// (`Tests/Browser/years_two_three.py`), over the state the three years left in the five real binaries.
    func testYearsTwoAndThreeFromTheFinanceAuditDepartmentFederationAndOperatorDesksInTheBrowser() throws {
        let portal = try self.portal()
        var credentials: [String: String] = [:]
        for (role, username, name) in [("finance", "fin-desk", "财务部"), ("audit_office", "audit-desk", "经审办"), ("department", "dept-desk", "经济工作部"),
                                       ("federation", "fed-desk", "市总工会"), ("operator", "ops-desk", "系统运维")] {
            let password = "\(username)-first-1"
            try portal.portal.admin(["account", "add", "--role", role, "--username", username, "--name", name, "--password", password] + portal.urlArguments)
            credentials[role] = "\(username):\(password)"
        }
        // A studio of year one in good standing, and the reference of its paid naming grant.
        let studio = try XCTUnwrap(portal.years.yearOne.grants.keys.sorted().first { $0 != portal.years.revokedForFraud && $0 != portal.years.misuseStudio })
        let grants = try PlatformClient().call("GET", portal.live.processes["funding"]!.baseURL + "/grants?studioId=\(studio)", token: portal.live.tokens[.finance])
        let paid = try XCTUnwrap((grants.object["items"] as? [[String: Any]])?.first { $0["status"] as? String == "paid" && $0["kind"] as? String == "naming" }, grants.text)
        try runBrowserScript("years_two_three.py", folder: "years-two-three", [
            "--today", portal.today.description, "--year-one", String(portal.years.yearOne.year), "--studio", studio,
            "--paid-reference", paid["reference"] as? String ?? "", "--revoked", portal.years.revokedForFraud,
            "--finance", credentials["finance"]!, "--audit", credentials["audit_office"]!, "--department", credentials["department"]!,
            "--federation", credentials["federation"]!, "--operator", credentials["operator"]!], portal: portal)
    }
}
