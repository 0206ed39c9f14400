import Foundation
import GRDB
import PlatformClient
import StudioDomain
import XCTest

/// `studioctl` itself, run as a process against the four real services (wired as the launcher wires them):
/// a round opened, applications imported from CSV by a screening body it issues a temporary token for,
/// listed as JSON, a refused import printed bilingually with exit 1, a qualification decision that
/// reaches intake, a token issued and revoked, a backup of the four databases checked, no dead letters,
/// and the exit codes for an unreachable service (2) and a usage error (64).
final class StudioctlTests: XCTestCase {
    struct Run {
        var code: Int32
        var stdout: String
        var stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    // One platform for the class: starting and wiring four services is most of the time. The tests use
    // rounds of their own, so their order does not matter.
    nonisolated(unsafe) static var shared: LivePlatform?
    nonisolated(unsafe) static var startError: Error?
    nonisolated(unsafe) static var failed = false

    var live: LivePlatform!
    var environment: [String: String] = [:]

    override class func setUp() {
        super.setUp()
        do {
            let live = try LivePlatform(prefix: "studio-ctl-")
            shared = live
            try live.start()
            let tokensFile = live.tokens.map { "\($0.key.environmentName)=\($0.value)" }.joined(separator: "\n") + "\n"
            try tokensFile.write(toFile: live.root + "/tokens.env", atomically: true, encoding: .utf8)
        } catch {
            startError = error
        }
    }

    override class func tearDown() {
        shared?.stop()
        if failed || startError != nil { shared.map { print("studioctl test data kept in \($0.root)") } } else { shared?.remove() }
        shared = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        if let error = Self.startError { throw error }
        live = try XCTUnwrap(Self.shared)
        environment = ProcessInfo.processInfo.environment
        for role in Platform.Role.allCases { environment.removeValue(forKey: role.environmentName) }
        environment.removeValue(forKey: "STUDIO_TOKEN_SCREENING_BODY")
        environment.removeValue(forKey: "STUDIO_TOKEN_EXPERT")
        environment.removeValue(forKey: "STUDIO_HOST")
        for name in LivePlatform.services { environment["\(name.uppercased())_PORT"] = String(live.processes[name]!.port) }
    }

    override func tearDown() {
        if (testRun?.failureCount ?? 0) > 0 { Self.failed = true }
        super.tearDown()
    }

    /// Runs studioctl with `--data-dir` pointing at the test platform; stdout and stderr through files, so
    /// neither pipe can fill up.
    func studioctl(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path("studioctl"))
        process.arguments = arguments + ["--data-dir", live.root]
        process.environment = environment.merging(extra) { $1 }
        let out = live.root + "/ctl-\(UUID().uuidString).out", err = out + ".err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        let run = Run(code: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
        return run
    }

    static let header = "申报单位名称,统一社会信用代码,单位类型,是否建有工会,工会名称,工作室名称,创建起始日期,是否有固定场地,场地地址,场地面积（平方米）,工作室经费（元）,办公设施,硬件设备,负责人姓名,负责人身份证号码,技术专长,职业技能等级,职业技能等级证书编号,联系电话,团队成员,工作制度,项目名称,委托单位,项目内容,项目开始日期,项目结束日期,项目要求,考核标准,项目经费（元）,专利,获奖,论文,行业领域,初审意见,推荐顺序"

    static func row(studio: String, started: LocalDate, year: Int, level: String = "一级/高级技师", order: Int) -> String {
        let creditCode = UnifiedSocialCreditCode.completing("91330802MA2A1B2C3")!
        let idNumber = ResidentIDNumber.completing("33080219850101123")!
        return [
            "衢州精工机械有限公司", creditCode, "企业", "是", "公司工会", studio, started.description, "是", "柯城区航埠镇工业园3号", "120", "50000.00",
            "\"会议室, 电脑6台\"", "五轴加工中心", "王建国", idNumber, "数控加工", level, "S0001", "13905700000", "李明、赵芳",
            "月度例会制度", "薄壁件变形控制", "衢州精工机械有限公司", "降低变形率", "\(year)-01-01", "\(year + 1)-12-31", "变形量<0.02mm",
            "合格率99%", "80000", "ZL2024-1", "", "", "装备制造/数控加工", "同意推荐", String(order),
        ].joined(separator: ",")
    }

    func testStudioctlDrivesAnIntakeSliceAndBacksUpEveryDatabase() throws {
        let clock = Date()
        let client = PlatformClient()
        let operatorToken = live.tokens[.operator]!
        let clockReply = try client.call("GET", live.processes["intake"]!.baseURL + "/ops/clock", token: operatorToken)
        let today = try XCTUnwrap(LocalDate(clockReply.object["today"] as? String ?? ""), clockReply.text)

        // The department opens a naming round (next year's: one naming round per year, and the other test
        // plays this year's).
        let opened = try studioctl(["round", "open", "--year", String(today.year + 1), "--opens-on", today.description,
                                    "--deadline", today.adding(days: 30).description, "--json"])
        XCTAssertEqual(opened.code, 0, opened.stderr)
        let round = try XCTUnwrap((opened.json as? [String: Any])?["id"] as? String, opened.stdout)
        let table = try studioctl(["round", "list"])
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("id"), table.stdout)
        XCTAssertTrue(table.stdout.contains(round), table.stdout)

        // A file with a bad row is refused whole: exit 1, every problem bilingual with its field.
        let started = today.adding(months: -14)
        let bad = live.root + "/bad.csv"
        try ([Self.header, Self.row(studio: "甲数控创新工作室", started: started, year: today.year, order: 1),
              Self.row(studio: "乙数控创新工作室", started: started, year: today.year, level: "四级/中级工", order: 2)]
            .joined(separator: "\r\n") + "\r\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try studioctl(["applications", "import", bad, "--round", round, "--body", "330802"])
        XCTAssertEqual(refused.code, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("422"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("leader_skill_below_senior"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("rows[3].leader.skillLevel"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("职业技能等级"), "no Chinese message: \(refused.stderr)")
        XCTAssertTrue(refused.stderr.lowercased().contains("senior"), "no English message: \(refused.stderr)")

        // The good file is imported by a screening body studioctl issues a temporary token for.
        let good = live.root + "/good.csv"
        try ("\u{FEFF}" + [Self.header, Self.row(studio: "甲数控创新工作室", started: started, year: today.year, order: 1),
                           Self.row(studio: "乙数控创新工作室", started: started, year: today.year, order: 2)]
            .joined(separator: "\r\n") + "\r\n").write(toFile: good, atomically: true, encoding: .utf8)
        let imported = try studioctl(["applications", "import", good, "--round", round, "--body", "330802", "--json"])
        XCTAssertEqual(imported.code, 0, imported.stderr)
        let report = try XCTUnwrap(imported.json as? [String: Any], imported.stdout)
        XCTAssertEqual((report["imported"] as? [[String: Any]])?.compactMap { $0["studioName"] as? String }, ["甲数控创新工作室", "乙数控创新工作室"])
        XCTAssertEqual(report["encoding"] as? String, "utf-8")

        // The temporary token was revoked again: only the four role tokens stay active on intake.
        let tokens = try studioctl(["tokens", "list", "--service", "intake", "--json"])
        XCTAssertEqual(tokens.code, 0, tokens.stderr)
        XCTAssertEqual((tokens.json as? [[String: Any]])?.count, Platform.Role.allCases.count, tokens.stdout)

        // Listed as JSON (as the body sees its own) and as a table (as the department sees all).
        let listed = try studioctl(["applications", "list", "--round", round, "--body", "330802", "--json"])
        XCTAssertEqual(listed.code, 0, listed.stderr)
        let items = try XCTUnwrap((listed.json as? [String: Any])?["items"] as? [[String: Any]], listed.stdout)
        XCTAssertEqual(items.count, 2)
        XCTAssertEqual(Set(items.compactMap { $0["status"] as? String }), ["submitted"])
        XCTAssertEqual(Set(items.compactMap { $0["screeningBodyCode"] as? String }), ["330802"])
        let ids = items.compactMap { $0["id"] as? String }.sorted()
        XCTAssertEqual(ids.count, 2)
        let people = try studioctl(["applications", "list", "--round", round])
        XCTAssertEqual(people.stdout.split(separator: "\n").count, 3, people.stdout)

        // Applications from JSON forms (another screening body): the same file twice is one application
        // (Idempotency-Key from its content); an ineligible form is refused with its bilingual problem.
        func form(_ studio: String, skillLevel: String) -> [String: Any] {
            [
                "applicantUnit": ["name": "衢州江山精工有限公司", "creditCode": UnifiedSocialCreditCode.completing("91330803MA2D4E5F6")!, "unitType": "企业",
                                  "hasTradeUnion": true, "tradeUnionName": "衢州江山精工有限公司工会"],
                "studio": ["name": studio, "creationStartDate": started.description, "hasFixedSite": true, "siteAddress": "衢州市衢江区1号楼",
                           "siteArea": 120, "funds": 5_000_000, "officeFacilities": "会议室", "equipment": "数控车床2台"],
                "leader": ["name": "李建军", "idNumber": ResidentIDNumber.completing("33080319800315101")!, "speciality": "数控加工",
                           "skillLevel": skillLevel, "certificateNumber": "S000033080300001", "phone": "13905700001"],
                "team": ["members": [["name": "团队成员1", "role": "技术骨干", "skillLevel": "二级/技师"], ["name": "团队成员2", "role": "工艺员", "skillLevel": "二级/技师"]]],
                "workRules": "工作室章程、月度例会制度。",
                "projects": [["title": "夹具改进", "commissioningUnit": "衢州江山精工有限公司", "content": "降低变形率", "startDate": "\(today.year)-01-01",
                              "endDate": "\(today.year + 1)-12-31", "requirements": "变形量小于0.02毫米", "acceptanceStandard": "合格率99%", "funding": 8_000_000]],
                "results": ["patents": ["ZL2024100000.X 一种夹具"], "awards": [String](), "papers": [String]()],
                "industryField": "装备制造/数控加工",
                "screening": ["opinion": "同意推荐。"],
            ]
        }
        let goodJSON = live.root + "/form.json", badJSON = live.root + "/forms.json"
        try JSONSerialization.data(withJSONObject: form("丙数控创新工作室", skillLevel: "一级/高级技师")).write(to: URL(fileURLWithPath: goodJSON))
        try JSONSerialization.data(withJSONObject: [form("丁数控创新工作室", skillLevel: "四级/中级工")]).write(to: URL(fileURLWithPath: badJSON))
        let submitted = try studioctl(["applications", "submit", goodJSON, "--round", round, "--body", "330803", "--json"])
        XCTAssertEqual(submitted.code, 0, submitted.stderr)
        let first = try XCTUnwrap((submitted.json as? [[String: Any]])?.first, submitted.stdout)
        XCTAssertEqual(first["status"] as? String, "submitted", submitted.stdout)
        let again = try studioctl(["applications", "submit", goodJSON, "--round", round, "--body", "330803", "--json"])
        XCTAssertEqual(again.code, 0, again.stderr)
        XCTAssertEqual((again.json as? [[String: Any]])?.first?["id"] as? String, first["id"] as? String, "the same file made a second application")
        let ineligible = try studioctl(["applications", "submit", badJSON, "--round", round, "--body", "330803"])
        XCTAssertEqual(ineligible.code, 1, ineligible.stdout + ineligible.stderr)
        XCTAssertTrue(ineligible.stdout.contains("refused 422"), ineligible.stdout)
        XCTAssertTrue(ineligible.stderr.contains("leader_skill_below_senior field leader.skillLevel (第五条第（四）项 / Art. 5(4))"), ineligible.stderr)

        // A qualification decision in review (once the applications arrived there) reaches intake.
        let deadline = Date().addingTimeInterval(10)
        while try client.call("GET", live.processes["review"]!.baseURL + "/rounds/\(round)", token: live.tokens[.department]).object["applications"] as? Int != 3 {
            guard Date() < deadline else { return XCTFail("the applications did not reach review") }
            usleep(50_000)
        }
        let returned = try studioctl(["qualification", "decide", ids[0], "--outcome", "return", "--code", "site_area_unproven",
                                      "--field", "studio.siteArea", "--article", "第五条第（一）项 / Art. 5(1)",
                                      "--zh", "场地面积证明材料不全，请补正。", "--en", "The site area is not evidenced; please amend."])
        XCTAssertEqual(returned.code, 0, returned.stderr)
        let failNoReason = try studioctl(["qualification", "decide", ids[1], "--outcome", "maybe"])
        XCTAssertEqual(failNoReason.code, 64, failNoReason.stderr)
        var status = ""
        while Date() < deadline {
            let shown = try studioctl(["applications", "show", ids[0], "--json"])
            status = (shown.json as? [String: Any])?["status"] as? String ?? ""
            if status == "returnedForAmendment" { break }
            usleep(100_000)
        }
        XCTAssertEqual(status, "returnedForAmendment")

        // A token issued for another body sees none of these; once revoked, it is refused (exit 1).
        let issued = try studioctl(["tokens", "issue", "--role", "screening_body", "--subject", "330822", "--json"])
        XCTAssertEqual(issued.code, 0, issued.stderr)
        let issuedObject = try XCTUnwrap(issued.json as? [String: Any], issued.stdout)
        let token = try XCTUnwrap(issuedObject["token"] as? String)
        let tokenID = try XCTUnwrap((issuedObject["info"] as? [String: Any])?["id"] as? String)
        let theirs = try studioctl(["applications", "list", "--token", token, "--json"])
        XCTAssertEqual(theirs.code, 0, theirs.stderr)
        XCTAssertEqual(((theirs.json as? [String: Any])?["items"] as? [Any])?.count, 0, theirs.stdout)
        let revoked = try studioctl(["tokens", "revoke", tokenID])
        XCTAssertEqual(revoked.code, 0, revoked.stderr)
        XCTAssertTrue(revoked.stdout.contains("revoked \(tokenID) on intake"), revoked.stdout)
        let afterRevoke = try studioctl(["applications", "list", "--token", token])
        XCTAssertEqual(afterRevoke.code, 1, afterRevoke.stdout + afterRevoke.stderr)
        XCTAssertTrue(afterRevoke.stderr.contains("401"), afterRevoke.stderr)
        let revokeAgain = try studioctl(["tokens", "revoke", "tok_nonexistent", "--service", "intake"])
        XCTAssertEqual(revokeAgain.code, 1, revokeAgain.stderr)

        // Backup of the four running databases: four files that open and pass integrity_check.
        let backupDir = live.root + "/backup"
        let backup = try studioctl(["backup", "--to", backupDir, "--json"])
        XCTAssertEqual(backup.code, 0, backup.stderr)
        let rows = try XCTUnwrap(backup.json as? [[String: Any]], backup.stdout)
        XCTAssertEqual(rows.compactMap { $0["service"] as? String }, LivePlatform.services)
        XCTAssertTrue(rows.allSatisfy { $0["integrity"] as? String == "ok" && ($0["pages"] as? Int ?? 0) > 0 }, backup.stdout)
        for name in LivePlatform.services {
            let path = live.databasePath(name, in: backupDir)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"), "the copy of \(name) is not a single file")
            let copy = try PlatformChecks.open(path)
            XCTAssertEqual(try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }, ["ok"], name)
            if name == "intake" {
                XCTAssertEqual(try copy.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application WHERE round_id = ?", arguments: [round]) }, 3)
            }
            try copy.close()
        }

        // Nothing dead; the four services healthy.
        let dead = try studioctl(["dead-letters"])
        XCTAssertEqual(dead.code, 0, dead.stderr)
        XCTAssertEqual(dead.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "no dead letters")
        let deadJSON = try studioctl(["dead-letters", "--json"])
        XCTAssertEqual((deadJSON.json as? [Any])?.count, 0, deadJSON.stdout)
        let status4 = try studioctl(["status", "--json"])
        XCTAssertEqual(status4.code, 0, status4.stdout + status4.stderr)

        // Exit codes: a service nobody answers for is 2; a usage error is 64.
        let unreachable = try studioctl(["round", "list"], environment: ["INTAKE_PORT": String(freePort())])
        XCTAssertEqual(unreachable.code, 2, unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("intake could not be reached"), unreachable.stderr)
        let usage = try studioctl(["replay", "--service", "intake"])
        XCTAssertEqual(usage.code, 64, usage.stderr)

        print("studioctl slice: \(String(format: "%.1f", Date().timeIntervalSince(clock))) s after the four services were ready")
    }

    /// Parses stdout as JSON after checking the exit code.
    func json(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        let run = try studioctl(arguments + ["--json"])
        XCTAssertEqual(run.code, 0, "studioctl \(arguments.joined(separator: " ")): \(run.stderr)", file: file, line: line)
        return try XCTUnwrap(run.json, "studioctl \(arguments.joined(separator: " ")) printed no JSON: \(run.stdout)", file: file, line: line)
    }

    func items(_ value: Any) -> [[String: Any]] { (value as? [String: Any])?["items"] as? [[String: Any]] ?? [] }

    /// Polls a studioctl JSON listing until `condition` holds (events travel between services).
    func waitFor(_ what: String, timeout: TimeInterval = 10, _ arguments: [String], _ condition: ([[String: Any]]) -> Bool) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let listed = items(try json(arguments))
            if condition(listed) { return listed }
            if Date() > deadline { XCTFail("timed out waiting for \(what): \(listed)"); return listed }
            usleep(100_000)
        }
    }

    func testStudioctlRunsANamingRoundFromQualificationToPaidGrants() throws {
        let clock = Date()
        let client = PlatformClient()
        let operatorToken = live.tokens[.operator]!
        let today = try XCTUnwrap(LocalDate(client.call("GET", live.processes["intake"]!.baseURL + "/ops/clock", token: operatorToken).object["today"] as? String ?? ""))
        let year = today.year
        let round = try XCTUnwrap((try json(["round", "open", "--year", String(year), "--opens-on", today.description,
                                             "--deadline", today.adding(days: 30).description]) as? [String: Any])?["id"] as? String)
        let csv = live.root + "/round.csv"
        let started = today.adding(months: -14)
        try ([Self.header] + ["甲", "乙", "丙"].enumerated().map { Self.row(studio: "\($0.element)数控创新工作室", started: started, year: year, order: $0.offset + 1) })
            .joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try json(["applications", "import", csv, "--round", round, "--body", "330802"]) as? [String: Any]
        let applications = (imported?["imported"] as? [[String: Any]] ?? []).compactMap { $0["applicationId"] as? String }
        XCTAssertEqual(applications.count, 3)

        // Review: settings, qualification, the panel, the assignment.
        let deadline = Date().addingTimeInterval(10)
        while try client.call("GET", live.processes["review"]!.baseURL + "/rounds/\(round)", token: live.tokens[.department]).object["applications"] as? Int != 3 {
            guard Date() < deadline else { return XCTFail("the applications did not reach review") }
            usleep(50_000)
        }
        let configured = try studioctl(["round", "configure", round, "--quota", "2", "--experts-per-application", "3"])
        XCTAssertEqual(configured.code, 0, configured.stderr)
        for id in applications {
            let passed = try json(["qualification", "decide", id, "--outcome", "pass"]) as? [String: Any]
            XCTAssertEqual(passed?["status"] as? String, "qualificationPassed", "\(passed ?? [:])")
        }
        let experts = (1...4).map { ["id": "EXP-CTL-\($0)", "name": "专家\($0)", "unitName": "浙江工业大学机械学院", "specialities": ["装备制造/数控加工"],
                                     "title": "高级工程师", "maxLoad": 10, "active": true, "relationships": [Any]()] as [String: Any] }
        let expertsFile = live.root + "/experts.json"
        try JSONSerialization.data(withJSONObject: experts).write(to: URL(fileURLWithPath: expertsFile))
        XCTAssertEqual((try json(["experts", "add", expertsFile]) as? [Any])?.count, 4)
        XCTAssertEqual(items(try json(["experts", "list"])).count, 4)
        let assignment = try json(["assignment", "run", round]) as? [String: Any]
        let panel = (assignment?["assignments"] as? [[String: Any]] ?? []).reduce(into: [String: [String]]()) { panel, row in
            panel[row["applicationId"] as? String ?? "?"] = (row["experts"] as? [[String: Any]] ?? []).compactMap { $0["expertId"] as? String }
        }
        XCTAssertEqual(Set(panel.keys), Set(applications))
        XCTAssertTrue(panel.values.allSatisfy { $0.count == 3 }, "\(panel)")

        // Scoring by every expert, each with a temporary expert token; distinct totals.
        XCTAssertEqual(try studioctl(["round", "start-scoring", round]).code, 0)
        for expert in experts.compactMap({ $0["id"] as? String }) {
            let mine = items(try json(["scores", "mine", "--expert", expert]))
            XCTAssertEqual(Set(mine.compactMap { $0["applicationId"] as? String }), Set(panel.filter { $0.value.contains(expert) }.keys))
            for item in mine {
                let application = try XCTUnwrap(item["applicationId"] as? String)
                let k = applications.firstIndex(of: application) ?? 0
                let sheet = try json(["scores", "record", application, "--expert", expert, "--score", "facilities=8", "--score", "workRules=8",
                                      "--score", "projects=\(10 - k)", "--score", "team=8", "--score", "results=8", "--comment", "材料翔实", "--submit"]) as? [String: Any]
                XCTAssertEqual(sheet?["status"] as? String, "submitted", "\(sheet ?? [:])")
            }
        }
        XCTAssertEqual(try studioctl(["round", "close", round]).code, 0)

        // Ranking against a quota of 2, the notice, the clocks past it, the federation's decision.
        let ranking = try json(["ranking", "show", round]) as? [String: Any]
        let proposed = (ranking?["lines"] as? [[String: Any]] ?? []).filter { $0["proposed"] as? Bool == true }.compactMap { $0["applicationId"] as? String }
        XCTAssertEqual(proposed, Array(applications.prefix(2)), "\(ranking ?? [:])")
        try LivePortal.loadDemoCalendars(review: APIClient(baseURL: live.processes["review"]!.baseURL, token: live.tokens[.department]), today: today)
        let notice = try json(["notice", "publish", round]) as? [String: Any]
        let endsOn = try XCTUnwrap(LocalDate(notice?["endsOn"] as? String ?? ""), "\(notice ?? [:])")
        let early = try studioctl(["decision", "publish", round])
        XCTAssertEqual(early.code, 1, "a decision during the notice must be refused: \(early.stdout)")
        XCTAssertTrue(early.stderr.contains("refused: review POST /rounds/\(round)/decision"), early.stderr)
        for name in LivePlatform.services {
            let reply = try client.call("POST", live.processes[name]!.baseURL + "/ops/clock", token: operatorToken, json: ["advanceDays": today.days(until: endsOn) + 1])
            XCTAssertEqual(reply.status, 200, reply.text)
        }
        let decision = try json(["decision", "publish", round]) as? [String: Any]
        let named = (decision?["outcomes"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "named" }.compactMap { $0["studioId"] as? String }
        XCTAssertEqual(named.count, 2, "\(decision ?? [:])")

        // The register and funding hear of it; budget, payee accounts, approval, a batch, the bank's confirmation.
        let register = try waitFor("the register", ["studios", "list"]) { Set($0.compactMap { $0["id"] as? String }) == Set(named) }
        XCTAssertTrue(register.allSatisfy { ($0["plaque"] as? [String: Any])?["number"] != nil }, "\(register)")
        var grants = try waitFor("the grants", ["grants", "list", "--kind", "naming"]) { $0.count == 2 }
        XCTAssertEqual(try studioctl(["budget", "set", String(year), "--fen", "2000000"]).code, 0)
        let held = grants.filter { $0["status"] as? String == "held" }.compactMap { $0["id"] as? String }
        if !held.isEmpty { XCTAssertEqual(try studioctl(["grants", "release"] + held).code, 0) }
        for (number, studio) in named.enumerated() {
            XCTAssertEqual(try studioctl(["payments", "payee-account", studio, "--bank", "中国工商银行衢州分行", "--account", "12092600092000\(number)"]).code, 0)
        }
        XCTAssertEqual(try studioctl(["grants", "approve"] + grants.compactMap { $0["id"] as? String }).code, 0)
        let batchCSV = live.root + "/batch.csv"
        let batch = try json(["payments", "batch", "--csv", batchCSV]) as? [String: Any]
        XCTAssertEqual(Set(batch?["grantIds"] as? [String] ?? []), Set(grants.compactMap { $0["id"] as? String }))
        let bankFile = try String(contentsOfFile: batchCSV, encoding: .utf8)
        var confirmation = "\u{FEFF}参考号,金额（元）,付款流水号,付款日期\r\n"
        for (number, grant) in grants.enumerated() {
            let reference = try XCTUnwrap(grant["reference"] as? String)
            XCTAssertTrue(bankFile.contains(reference), bankFile)
            confirmation += "\(reference),10000.00,ICBC-CTL-\(number + 1),\(today.adding(days: today.days(until: endsOn) + 1))\r\n"
        }
        let confirmationFile = live.root + "/confirmation.csv"
        try confirmation.write(toFile: confirmationFile, atomically: true, encoding: .utf8)
        let confirmed = try json(["payments", "confirm", confirmationFile]) as? [String: Any]
        XCTAssertEqual(confirmed?["applied"] as? Int, 2, "\(confirmed ?? [:])")
        let again = try studioctl(["payments", "confirm", confirmationFile])
        XCTAssertEqual(again.code, 1, "a second confirmation of paid grants is not applied: \(again.stdout)")
        XCTAssertTrue(again.stdout.contains("0 applied, 2 rejected"), again.stdout)
        XCTAssertTrue(again.stderr.contains("nothing was applied") && again.stderr.contains("line 2"), again.stderr)
        grants = items(try json(["grants", "list", "--status", "paid"]))
        XCTAssertEqual(Set(grants.compactMap { $0["studioId"] as? String }), Set(named))
        XCTAssertTrue(grants.allSatisfy { $0["amount"] as? Int == 1_000_000 }, "\(grants)")

        // An assessment long before the cycle ends is refused by the platform (exit 1, bilingual), not by studioctl.
        let assessed = try studioctl(["assessments", "record", named[0], "--cycle", "1", "--assessed-on", today.adding(days: 20).description,
                                      "--score", "facilities=18", "--score", "workRules=18", "--score", "projects=18", "--score", "team=18",
                                      "--score", "results=18", "--visitor", "李四", "--plaque-displayed", "--result", "pass"])
        XCTAssertEqual(assessed.code, 1, assessed.stdout + assessed.stderr)
        XCTAssertTrue(assessed.stderr.contains("refused: assessment POST"), assessed.stderr)
        XCTAssertTrue(assessed.stderr.contains("assessment.window_not_open") && assessed.stderr.contains("Art. 17") && assessed.stderr.contains("第十七条"), assessed.stderr)
        print("studioctl naming round: \(String(format: "%.1f", Date().timeIntervalSince(clock))) s after the four services were ready")
    }
}
