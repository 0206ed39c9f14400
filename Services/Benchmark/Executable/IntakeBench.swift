import Foundation
import PlatformClient
import GRDB
import Messaging
import StudioDomain

/// 1. Intake under load: durable submissions (`POST /applications`, submitted at once: a 201 means the
/// application, its version and its `application.submitted` event are committed with synchronous=FULL)
/// against `GET /health` of the same process (no database, no token: the HTTP stack's ceiling).
struct IntakeBench {
    struct Row {
        var connections: Int
        var trivial: [LoadResult] = []
        var submit: [LoadResult] = []
        /// Cores the intake process kept busy during each /health and submission run (CPU seconds / wall seconds).
        var serverCores: [(trivial: Double, submit: Double)] = []
    }

    var rows: [Row] = []
    var memoryIdle: Memory?
    var memoryAfterLoad: Memory?
    var startupMillis: Double = 0
    var submissionsStored = 0
    /// wrk at 32 connections, per repetition: `/health`, then durable submissions.
    var wrk: [(health: Wrk.Result, submit: Wrk.Result)] = []
    /// 2xx answers wrk counted (each must be stored too).
    var wrkCreated = 0
    var eventsStored = 0

    static let screeningBodies = ["330802", "330803", "330822", "330824", "330825", "330881"]

    /// The scenario's eligible application form, with `{N}` where a per-request number goes (studio name, unit).
    static func formTemplate(today: LocalDate) -> String {
        let year = today.year
        let started = today.adding(months: -14)
        let idNumber = ResidentIDNumber.completing("330802" + "19" + "75" + "0315" + "101")!
        let creditCode = UnifiedSocialCreditCode.completing("91" + "330802" + "MA" + "0004001")!
        let form: [String: Any] = [
            "applicantUnit": ["name": "衢州王氏精工{N}号有限公司", "creditCode": creditCode, "unitType": "企业", "hasTradeUnion": true, "tradeUnionName": "衢州王氏精工{N}号有限公司工会"],
            "studio": ["name": "王建{N}数控技能创新工作室", "creationStartDate": started.description, "hasFixedSite": true,
                       "siteAddress": "衢州市王氏精工厂区1号楼", "siteArea": 120, "funds": 5_000_000,
                       "officeFacilities": "会议室、电脑6台", "equipment": "五轴数控加工中心1台"],
            "leader": ["name": "王建", "idNumber": idNumber, "speciality": "数控加工", "skillLevel": "一级/高级技师",
                       "certificateNumber": "S000033080000001", "phone": "13905700001"],
            "team": ["members": [["name": "王建团队成员1", "role": "技术骨干", "skillLevel": "二级/技师"],
                                 ["name": "王建团队成员2", "role": "工艺员", "skillLevel": "二级/技师"]]],
            "workRules": "工作室章程、月度例会制度、项目管理制度，与公司生产计划衔接。",
            "projects": [[
                "title": "王建数控攻关项目", "commissioningUnit": "衢州王氏精工有限公司", "content": "降低关键零件加工变形率",
                "startDate": "\(year)-01-01", "endDate": "\(year + 1)-12-31", "requirements": "变形量小于0.02毫米",
                "acceptanceStandard": "连续三批合格率99%", "funding": 8_000_000,
            ]],
            "results": ["patents": ["ZL20241000001.X 一种夹具"], "awards": ["衢州市职工技术创新成果奖"], "papers": [String]()],
            "industryField": "装备制造/数控加工",
            "screening": ["opinion": "材料齐全，条件符合，同意推荐。"],
        ]
        let data = try! JSONSerialization.data(withJSONObject: ["roundId": "{ROUND}", "submit": true, "form": form], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A started intake with an open naming round, the department's and the screening bodies' tokens and the
    /// form template; one application (number 0) already submitted by hand.
    struct Fixture: @unchecked Sendable {
        var intake: ServiceProcess
        var department: String
        var tokens: [String]
        var template: String

        static func start(root: String) throws -> Fixture {
            let intake = ServiceProcess(name: "intake", dataDir: root)
            let department = try intake.admin(["token", "issue", "--role", "department", "--label", "bench"])
            var bodyTokens: [String] = []
            for body in IntakeBench.screeningBodies {
                bodyTokens.append(try intake.admin(["token", "issue", "--role", "screening_body", "--subject", body, "--label", "bench \(body)"]))
            }
            try intake.start()
            let today = LocalDate(Date())
            let api = APIClient(baseURL: intake.baseURL, token: department)
            let opened = try api.expect(201, "POST", "/rounds", json: ["kind": "naming", "year": today.year, "opensOn": today.description,
                                                                      "deadline": today.adding(days: 30).description])
            guard let roundId = opened.object["id"] as? String else { throw BenchError("no round id: \(opened.text)") }
            let template = IntakeBench.formTemplate(today: today).replacingOccurrences(of: "{ROUND}", with: roundId)
            // One submission by hand: it must be accepted and submitted, or the benchmark measures refusals.
            let probe = APIClient(baseURL: intake.baseURL, token: bodyTokens[0])
            let first = try probe.expect(201, "POST", "/applications", json: try JSONSerialization.jsonObject(with: Data(template.replacingOccurrences(of: "{N}", with: "0").utf8)),
                                         headers: [("Idempotency-Key", "bench-probe")])
            guard first.object["status"] as? String == "submitted" else { throw BenchError("the probe was not submitted: \(first.text.prefix(600))") }
            return Fixture(intake: intake, department: department, tokens: bodyTokens, template: template)
        }

        /// The request of submission number `n` (its own studio name, unit and Idempotency-Key).
        func submission(_ n: Int, thread: Int) -> OutboundRequest {
            OutboundRequest(method: "POST", url: intake.baseURL + "/applications",
                            headers: [("Authorization", "Bearer \(tokens[thread % tokens.count])"), ("Idempotency-Key", "bench-\(n)")],
                            body: Array(template.replacingOccurrences(of: "{N}", with: String(n)).utf8))
        }
    }

    mutating func run(options: BenchOptions) throws {
        let root = try makeTemporaryFolder("intake")
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let fixture = try Fixture.start(root: root)
        let intake = fixture.intake
        defer { intake.stop() }
        startupMillis = intake.startupMillis
        let bodyTokens = fixture.tokens, template = fixture.template
        usleep(300_000)
        memoryIdle = intake.memory

        let url = intake.baseURL
        let tokens = bodyTokens
        let counter = SharedCounter(1)
        for connections in options.connections { rows.append(Row(connections: connections)) }
        for repetition in 0..<options.repetitions {
            for (index, connections) in options.connections.enumerated() {
                let pid = intake.pid!
                var cpuBefore = cpuSeconds(pid: pid)
                // STUDIOBENCH_SKIP_TRIVIAL=1: submissions only (for a profile of the submission path alone).
                let skipTrivial = ProcessInfo.processInfo.environment["STUDIOBENCH_SKIP_TRIVIAL"] != nil
                let trivial = LoadGenerator.run(connections: connections, warmup: skipTrivial ? 0 : options.warmup, duration: skipTrivial ? 0 : options.duration, expectStatus: [200]) { _, _ in
                    OutboundRequest(method: "GET", url: url + "/health", headers: [], body: [])
                }
                let trivialCPU = cpuSeconds(pid: pid) - cpuBefore
                rows[index].trivial.append(trivial)
                cpuBefore = cpuSeconds(pid: pid)
                let submit = LoadGenerator.run(connections: connections, warmup: options.warmup, duration: options.duration, expectStatus: [201]) { thread, _ in
                    let n = counter.next()
                    let body = Array(template.replacingOccurrences(of: "{N}", with: String(n)).utf8)
                    return OutboundRequest(method: "POST", url: url + "/applications",
                                           headers: [("Authorization", "Bearer \(tokens[thread % tokens.count])"), ("Idempotency-Key", "bench-\(n)")],
                                           body: body)
                }
                let submitCPU = cpuSeconds(pid: pid) - cpuBefore
                rows[index].submit.append(submit)
                let window = options.warmup + options.duration
                rows[index].serverCores.append((trivialCPU / window, submitCPU / window))
                if let error = submit.firstError { print("  note: intake submissions had \(submit.errors) failures, first: \(error.prefix(300))") }
                print(String(format: "  rep %d, %3d conns: /health %8.0f req/s p99 %6.2f ms (server %.2f cores) | submit %7.0f req/s p50 %6.2f ms p99 %6.2f ms (server %.2f cores)",
                             repetition + 1, connections, trivial.perSecond, trivial.p99, trivialCPU / window, submit.perSecond, submit.p50, submit.p99, submitCPU / window))
                // The same point with wrk (32 connections only): /health, then durable submissions.
                if connections == 32, Wrk.available {
                    do {
                        let health = try Wrk.run(url: url + "/health", connections: connections, duration: options.duration, script: Wrk.healthScript, folder: root)
                        let posted = try Wrk.run(url: url, connections: connections, duration: options.duration,
                                                 script: Wrk.submissionScript(template: template, tokens: tokens, base: 100_000_000 * (repetition + 1)), folder: root)
                        wrk.append((health, posted))
                        wrkCreated += posted.requests - posted.non2xx
                        print(String(format: "  rep %d, %3d conns, wrk: /health %8.0f req/s p99 %6.2f ms | submit %7.0f req/s p50 %6.2f ms p99 %6.2f ms (non-2xx %d, socket errors %d) | ratio %.3f",
                                     repetition + 1, connections, health.perSecond, health.p99, posted.perSecond, posted.p50, posted.p99, posted.non2xx, posted.socketErrors,
                                     posted.perSecond / health.perSecond))
                    } catch {
                        print("  note: wrk failed: \(error)")
                    }
                }
            }
        }
        memoryAfterLoad = intake.memory
        intake.stop()
        // Durability check: every 201 is a submitted application with its event in the outbox.
        let database = try DatabaseQueue(path: intake.databasePath)
        (submissionsStored, eventsStored) = try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application WHERE status = 'submitted'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message WHERE type = 'application.submitted'") ?? 0)
        }
        try database.close()
    }
}
