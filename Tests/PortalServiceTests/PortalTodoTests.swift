import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import OpenAPIKit
import ServiceKit
import StudioDomain
import Synchronization
import TestSupport
import XCTest
@testable import PortalService

/// Signs and delivers events to the portal as the services' dispatchers do, one secret per service, counting each
/// aggregate's sequence.
final class EventSender: Sendable {
    let secrets: [PlatformService: WebhookSecret] = Dictionary(uniqueKeysWithValues: PlatformService.allCases.map { ($0, WebhookSecret.generate()) })
    private let sequences = Mutex<[String: Int64]>([:])

    /// A signed delivery of `event` from `source`; returns status and outcome.
    @discardableResult
    func deliver<E: DomainEvent>(_ event: E, from source: PlatformService, at instant: Date = Date(), id: String = UUID().uuidString.lowercased(),
                                 secret: WebhookSecret? = nil, client: some TestClientProtocol) async throws -> (status: HTTPResponse.Status, outcome: String?, envelope: Envelope<E>) {
        let key = "\(source.rawValue)|\(event.aggregate)"
        let sequence = sequences.withLock { all in
            let next = (all[key] ?? 0) + 1
            all[key] = next
            return next
        }
        let envelope = Envelope(event, id: id, occurredAt: instant, source: source, sequence: sequence)
        return try await redeliver(envelope, secret: secret ?? secrets[source]!, client: client)
    }

    @discardableResult
    func redeliver<E: DomainEvent>(_ envelope: Envelope<E>, secret: WebhookSecret? = nil, client: some TestClientProtocol) async throws -> (status: HTTPResponse.Status, outcome: String?, envelope: Envelope<E>) {
        let body = Array(try DomainJSON.encoder().encode(envelope))
        var headers = HTTPFields()
        for (name, value) in WebhookSignature.headers(id: envelope.id, timestamp: Int64(Date().timeIntervalSince1970), body: body,
                                                      secrets: [secret ?? secrets[PlatformService(rawValue: envelope.source)!]!]) {
            headers[HTTPField.Name(name)!] = value
        }
        headers[.contentType] = "application/json"
        let response = try await client.execute(uri: "/events", method: .post, headers: headers, body: ByteBuffer(bytes: body))
        let outcome = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["outcome"] as? String
        return (response.status, outcome, envelope)
    }
}

/// A portal without services (nothing listens on port 1), whose receiver accepts `sender`'s secrets.
func makePortal(_ sender: EventSender) async throws -> BuiltPortal {
    var configuration = PortalConfiguration(dataDir: ":memory:", services: .local(host: "127.0.0.1", ports: [.intake: 1, .review: 1, .funding: 1, .assessment: 1]))
    configuration.bcryptCost = 4
    let portal = try await buildPortal(configuration)
    try await portal.database.writer.write { [secrets = sender.secrets] db in
        for (service, secret) in secrets {
            try InboundSecrets.add(source: service.rawValue, secret: secret.encoded, expiresAt: nil, nowMillis: Millis.now(), in: db)
        }
    }
    return portal
}

func content(_ id: String, body: String, studio: String) -> ApplicationContent {
    ApplicationContent(applicationID: ApplicationID(id), kind: .naming, roundID: "round-2026-naming", year: 2026, screeningBodyCode: body,
                       applicantUnit: ApplicantUnit(name: studio + "所在单位", creditCode: UnifiedSocialCreditCode.completing("91330802MA2DH8K1X")!, unitType: .enterprise),
                       studio: StudioProfile(name: studio, creationStartDate: LocalDate("2025-09-01")!),
                       leader: StudioLeader(name: "张三", skillLevel: .technician), teamSize: 8, projectTitles: ["夹具改进"], speciality: "数控加工")
}

func account(_ role: Role, _ subject: String? = nil) -> Account {
    Account(username: "\(role.rawValue)-\(subject ?? "")", displayName: role.nameZh, role: role, subject: subject, passwordHash: "", createdAt: Date())
}

func items(_ portal: BuiltPortal, _ account: Account, open: Bool = true) async throws -> [Todos.Item] {
    try await portal.database.writer.read { db in try Todos.items(for: account, open: open, in: db) }
}

func signIn(_ client: some TestClientProtocol, _ username: String, _ password: String) async throws -> String {
    let page = try await client.execute(uri: "/login", method: .get)
    let cookie = try XCTUnwrap(page.headers[.setCookie]).components(separatedBy: ";")[0]
    let html = String(buffer: page.body)
    let csrf = try XCTUnwrap(html.range(of: #"name="_csrf" value=""#).map { html[$0.upperBound...].prefix { $0 != "\"" } })
    let response = try await client.execute(uri: "/login", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                            body: ByteBuffer(string: "_csrf=\(csrf)&username=\(username)&password=\(password)"))
    XCTAssertEqual(response.status, .seeOther, String(buffer: response.body))
    return response.headers[.setCookie].map { $0.components(separatedBy: ";")[0] } ?? cookie
}

/// The portal's webhook receiver and the to-do lists it keeps: signed events in, each applied once, each item for
/// the right account, marked done by the event that shows the work done, in whatever order the senders' events
/// arrive; the badge on every page; `/metrics` and `/openapi.yaml`.
final class PortalTodoTests: XCTestCase {
    func testAReturnForAmendmentIsTheCountysToDoUntilTheAmendmentAndARedeliveryChangesNothing() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let kecheng = account(.screeningBody, "330802"), qujiang = account(.screeningBody, "330803")
        try await portal.application.test(.router) { client in
            // Given a submitted application of 330802
            let application = content("a-1", body: "330802", studio: "王师傅数控工作室")
            let submitted = try await sender.deliver(ApplicationSubmitted(application: application, submittedOn: LocalDate("2026-03-02")!), from: .intake, client: client)
            XCTAssertEqual(submitted.outcome, "applied")
            // When review returns it for amendment
            let returned = try await sender.deliver(ApplicationStatusChanged(applicationID: "a-1", kind: .naming, status: .returnedForAmendment,
                                                                     reasons: [DomainIssue(code: "x", field: "team", messageZh: "团队名单缺少技能等级", messageEn: "levels")]),
                                             from: .review, client: client)
            XCTAssertEqual(returned.outcome, "applied")
            // Then the county of the application, and no other, has it to do, with the reason
            var open = try await items(portal, kecheng)
            XCTAssertEqual(open.map(\.title), ["退回补正：王师傅数控工作室"])
            XCTAssertTrue(open[0].detail.contains("团队名单缺少技能等级"))
            XCTAssertEqual(open[0].link, "/county/applications/a-1")
            let others = try await items(portal, qujiang)
            XCTAssertEqual(others, [])
            // A redelivery of the same event (same webhook id) is acknowledged and changes nothing
            let again = try await sender.redeliver(returned.envelope, client: client)
            XCTAssertEqual(again.status, .ok)
            XCTAssertEqual(again.outcome, "duplicate")
            let afterRedelivery = try await items(portal, kecheng)
            XCTAssertEqual(afterRedelivery, open)
            // When the county amends, the item is done, with what did it
            try await sender.deliver(ApplicationAmended(application: application, applicationVersion: 2, submittedOn: LocalDate("2026-03-02")!,
                                                 amendedOn: LocalDate("2026-03-05")!), from: .intake, client: client)
            open = try await items(portal, kecheng)
            XCTAssertEqual(open, [])
            let done = try await items(portal, kecheng, open: false)
            XCTAssertEqual(done.map(\.doneReason), ["已补正并重新提交（第2版）"])
            // And a replay of the return after the amendment does not reopen it
            let replayed = try await sender.redeliver(returned.envelope, client: client)
            XCTAssertEqual(replayed.outcome, "duplicate")
            let stillOpen = try await items(portal, kecheng)
            XCTAssertEqual(stillOpen, [])
        }
    }

    func testAnExpertSeesANewAssignmentUntilTheirSheetIsInAndARecusalTakesItAway() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let wang = account(.expert, "e-wang"), li = account(.expert, "e-li"), zhao = account(.expert, "e-zhao")
        try await portal.application.test(.router) { client in
            try await sender.deliver(ApplicationSubmitted(application: content("a-9", body: "330802", studio: "柯城焊接工作室"), submittedOn: LocalDate("2026-03-02")!),
                                     from: .intake, client: client)
            // Given review's panel of 王 and 李 for the application
            let panel = try await sender.deliver(ExpertPanelChanged(applicationID: "a-9", roundID: "round-2026-naming", expertIDs: ["e-li", "e-wang"]), from: .review, client: client)
            XCTAssertEqual(panel.outcome, "applied")
            // Then each of them, and nobody else, has it to score
            for expert in [wang, li] {
                let open = try await items(portal, expert)
                XCTAssertEqual(open.map(\.title), ["评审任务：柯城焊接工作室"])
                XCTAssertEqual(open.first?.link, "/expert/applications/a-9")
            }
            let none = try await items(portal, zhao)
            XCTAssertEqual(none, [])
            // When 王 submits, 王's item is done; a redelivery changes nothing
            let submitted = try await sender.deliver(ScoreSheetSubmitted(applicationID: "a-9", roundID: "round-2026-naming", expertID: "e-wang"), from: .review, client: client)
            let again = try await sender.redeliver(submitted.envelope, client: client)
            XCTAssertEqual(again.outcome, "duplicate")
            let wangOpen = try await items(portal, wang)
            XCTAssertEqual(wangOpen, [])
            do { let got = try await items(portal, wang, open: false).map(\.doneReason); XCTAssertEqual(got, ["评分表已提交"]) }
            // When 李 recuses and 赵 takes the place, 李's item is done (not theirs any more) and 赵 has one
            try await sender.deliver(ExpertPanelChanged(applicationID: "a-9", roundID: "round-2026-naming", expertIDs: ["e-wang", "e-zhao"]), from: .review, client: client)
            let liOpen = try await items(portal, li)
            XCTAssertEqual(liOpen, [])
            do { let got = try await items(portal, li, open: false).map(\.doneReason); XCTAssertEqual(got, ["已不在该申报的评审组（回避或调整）"]) }
            do { let got = try await items(portal, zhao).map(\.title); XCTAssertEqual(got, ["评审任务：柯城焊接工作室"]) }
            do { let got = try await items(portal, wang); XCTAssertEqual(got, [], "a panel naming 王 again does not reopen a sheet already in") }
        }
    }

    func testEventsFromTwoSendersInEitherOrderGiveTheSameList() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let kecheng = account(.screeningBody, "330802")
        try await portal.application.test(.router) { client in
            // Review's return reaches the portal before intake's submission, and intake's amendment before review's return
            let early = Date().addingTimeInterval(-60)
            try await sender.deliver(ApplicationStatusChanged(applicationID: "a-2", kind: .naming, status: .returnedForAmendment), from: .review, at: early, client: client)
            let hidden = try await items(portal, kecheng)
            XCTAssertEqual(hidden, [], "no county yet: shown to nobody")
            let application = content("a-2", body: "330802", studio: "李师傅焊接工作室")
            try await sender.deliver(ApplicationSubmitted(application: application, submittedOn: LocalDate("2026-03-02")!), from: .intake, at: early.addingTimeInterval(-60), client: client)
            let shown = try await items(portal, kecheng)
            XCTAssertEqual(shown.map(\.title), ["退回补正：李师傅焊接工作室"])

            let application3 = content("a-3", body: "330802", studio: "赵师傅电工工作室")
            try await sender.deliver(ApplicationSubmitted(application: application3, submittedOn: LocalDate("2026-03-02")!), from: .intake, at: early, client: client)
            try await sender.deliver(ApplicationAmended(application: application3, applicationVersion: 2, submittedOn: LocalDate("2026-03-02")!, amendedOn: LocalDate("2026-03-06")!),
                              from: .intake, at: Date(), client: client)
            try await sender.deliver(ApplicationStatusChanged(applicationID: "a-3", kind: .naming, status: .returnedForAmendment), from: .review,
                              at: Date().addingTimeInterval(-30), client: client)
            let open = try await items(portal, kecheng)
            XCTAssertEqual(open.map(\.title), ["退回补正：李师傅焊接工作室"], "the return older than the amendment that arrived first opens done")
        }
    }

    func testFinanceSeesTheGrantsOwedAndTheDepartmentAnOverdueAssessmentUntilTheEventsThatEndThem() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let finance = account(.finance), department = account(.department), county = account(.screeningBody, "330802")
        try await portal.application.test(.router) { client in
            let studio = StudioID("s-1"), other = StudioID("s-2")
            for (id, name) in [(studio, "周师傅模具工作室"), (other, "钱师傅电气工作室")] {
                try await sender.deliver(StudioNamed(studioID: id, applicationID: ApplicationID("n-\(id.rawValue)"), roundID: "round-2026-naming", year: 2026, studioName: name,
                                              unitName: "某公司", unitCreditCode: "91330802MA2DH8K1X0", screeningBodyCode: "330802", leaderName: "周一",
                                              namedOn: LocalDate("2026-06-01")!), from: .review, client: client)
            }
            try await sender.deliver(ProjectGrantAwarded(studioID: studio, applicationID: "p-1", roundID: "round-2027-project", year: 2027), from: .review, client: client)
            var open = try await items(portal, finance)
            XCTAssertEqual(Set(open.map(\.title)), ["拨付命名补助：周师傅模具工作室", "拨付命名补助：钱师傅电气工作室", "拨付课题经费：周师傅模具工作室"])
            let countyItems = try await items(portal, county)
            XCTAssertEqual(countyItems, [], "finance's work is not the county's")

            // The department: the other studio's cycle ended unassessed
            let cycle = StudioCycle(number: 1, start: LocalDate("2026-06-01")!)
            try await sender.deliver(StudioExpired(studioID: other, cycle: cycle, expiredOn: LocalDate("2029-09-01")!), from: .assessment, client: client)
            let overdue = try await items(portal, department)
            XCTAssertEqual(overdue.map(\.title), ["考核逾期：钱师傅电气工作室"])
            XCTAssertTrue(overdue[0].detail.contains("第十七条"))

            // A late assessment that passes ends it; the revocation of the first studio stops its unpaid grants
            try await sender.deliver(StudioRenewed(studioID: other, assessedOn: LocalDate("2029-09-10")!, cycle: StudioCycle(number: 2, start: LocalDate("2029-06-01")!),
                                            restoredStatus: .active), from: .assessment, client: client)
            let overdueAfter = try await items(portal, department)
            XCTAssertEqual(overdueAfter, [])
            try await sender.deliver(StudioRevoked(studioID: studio, reason: .plagiarismOrFraud, decidedOn: LocalDate("2027-11-01")!), from: .assessment, client: client)
            open = try await items(portal, finance)
            XCTAssertEqual(open.map(\.title), ["拨付命名补助：钱师傅电气工作室"])
            let done = try await items(portal, finance, open: false)
            XCTAssertEqual(done.count, 2)
            XCTAssertEqual(Set(done.compactMap(\.doneReason)), ["命名已撤销（第二十条），未拨付的经费停止拨付"])
        }
    }

    /// 考核逾期 from the first overdue day (assessment's `studio.assessment_overdue`, the grace period running), one item
    /// through the expiry that may follow, done by the assessment; every redelivery and replay changes nothing.
    func testTheDepartmentSeesAnAssessmentOverdueWithinGraceUntilItIsRecordedAndRedeliveryChangesNothing() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let department = account(.department), finance = account(.finance)
        try await portal.application.test(.router) { client in
            let late = StudioID("s-late"), failing = StudioID("s-fail")
            for (id, name) in [(late, "孙师傅焊接工作室"), (failing, "吴师傅电工工作室")] {
                try await sender.deliver(StudioRegistered(studioID: id, applicationID: nil, studioName: name, unitName: "某公司",
                                                          screeningBodyCode: "330802", level: .city, status: .active, namedOn: LocalDate("2026-06-01")!,
                                                          cycle: StudioCycle(start: LocalDate("2026-06-01")!)), from: .assessment, client: client)
            }
            let cycle = StudioCycle(number: 1, start: LocalDate("2026-06-01")!)
            // Given both cycles ended unassessed and the grace period runs
            var deliveries: [Envelope<StudioAssessmentOverdue>] = []
            for id in [late, failing] {
                let told = try await sender.deliver(StudioAssessmentOverdue(studioID: id, cycle: cycle, overdueOn: LocalDate("2029-06-02")!,
                                                                            graceEndsOn: LocalDate("2029-08-30")!), from: .assessment, client: client)
                XCTAssertEqual(told.outcome, "applied")
                deliveries.append(told.envelope)
            }
            // Then the department, and not finance, has each to do, with the grace period's end and a link to the form
            let open = try await items(portal, department)
            XCTAssertEqual(Set(open.map(\.title)), ["考核逾期：孙师傅焊接工作室", "考核逾期：吴师傅电工工作室"])
            XCTAssertTrue(open.allSatisfy { $0.detail.contains("2029-08-30前未考核则称号到期（第十七条）") }, "\(open.map(\.detail))")
            XCTAssertEqual(Set(open.compactMap(\.link)), ["/cycle/studios/s-late/assess", "/cycle/studios/s-fail/assess"])
            let financeItems = try await items(portal, finance)
            XCTAssertEqual(financeItems, [])
            // A redelivery changes nothing
            for envelope in deliveries {
                let again = try await sender.redeliver(envelope, client: client)
                XCTAssertEqual(again.outcome, "duplicate")
            }
            let afterRedelivery = try await items(portal, department)
            XCTAssertEqual(afterRedelivery, open)
            // When the grace period passes for one, its item stays one item and reads as expired
            try await sender.deliver(StudioExpired(studioID: late, cycle: cycle, expiredOn: LocalDate("2029-08-30")!), from: .assessment, client: client)
            let afterExpiry = try await items(portal, department)
            XCTAssertEqual(afterExpiry.count, 2)
            XCTAssertTrue(afterExpiry.first { $0.key == "overdue:s-late:1" }?.detail.contains("称号于2029-08-30到期") == true, "\(afterExpiry)")
            // When the assessments are recorded (a late pass, a fail), both are done
            try await sender.deliver(StudioRenewed(studioID: late, assessedOn: LocalDate("2029-09-10")!, cycle: StudioCycle(number: 2, start: LocalDate("2029-06-01")!),
                                                   restoredStatus: .active), from: .assessment, client: client)
            try await sender.deliver(StudioRevoked(studioID: failing, reason: .assessmentFailed, decidedOn: LocalDate("2029-06-20")!), from: .assessment, client: client)
            let afterAssessment = try await items(portal, department)
            XCTAssertEqual(afterAssessment, [])
            let done = try await items(portal, department, open: false)
            XCTAssertEqual(done.count, 2)
            // And replaying the overdue events after the assessments reopens nothing
            for envelope in deliveries {
                let replayed = try await sender.redeliver(envelope, client: client)
                XCTAssertEqual(replayed.outcome, "duplicate")
            }
            let afterReplay = try await items(portal, department, open: false)
            XCTAssertEqual(afterReplay, done)
            let stillNone = try await items(portal, department)
            XCTAssertEqual(stillNone, [])
        }
    }

    func testFinancesGrantToPayIsDoneByFundingsPaymentWhicheverArrivesFirst() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let finance = account(.finance)
        try await portal.application.test(.router) { client in
            let named = StudioNamed(studioID: "s-7", applicationID: "n-7", roundID: "r", year: 2026, studioName: "孙师傅模具工作室", unitName: "某公司",
                                    unitCreditCode: "91330802MA2DH8K1X0", screeningBodyCode: "330802", leaderName: "孙一", namedOn: LocalDate("2026-06-01")!)
            try await sender.deliver(named, from: .review, at: Date().addingTimeInterval(-60), client: client)
            let open = try await items(portal, finance)
            XCTAssertEqual(open.map(\.title), ["拨付命名补助：孙师傅模具工作室"])
            try await sender.deliver(GrantPaid(studioID: "s-7", grantID: "g-7", kind: "naming", year: 2026, amount: Money(yuan: 10_000),
                                               paidOn: LocalDate("2026-07-01")!, paymentReference: "ICBC-1"), from: .funding, client: client)
            let after = try await items(portal, finance)
            XCTAssertEqual(after, [])
            let done = try await items(portal, finance, open: false)
            XCTAssertEqual(done.map(\.doneReason), ["已拨付 10,000.00 元（2026-07-01，流水 ICBC-1）"])

            // The payment of a project grant reaching the portal before review's award: one item, done, with the award's words.
            try await sender.deliver(GrantPaid(studioID: "s-7", grantID: "g-8", kind: "projectGrant", year: 2027, amount: Money(yuan: 30_000),
                                               paidOn: LocalDate("2027-07-01")!, paymentReference: "ICBC-2"), from: .funding, client: client)
            try await sender.deliver(ProjectGrantAwarded(studioID: "s-7", applicationID: "p-8", roundID: "r2", year: 2027), from: .review,
                                     at: Date().addingTimeInterval(-30), client: client)
            let stillNone = try await items(portal, finance)
            XCTAssertEqual(stillNone, [])
            let both = try await items(portal, finance, open: false)
            XCTAssertEqual(Set(both.map(\.title)), ["拨付命名补助：孙师傅模具工作室", "拨付课题经费：孙师傅模具工作室"])
        }
    }

    /// A held grant the department cancels is no longer finance's to do: funding's `grant.cancelled` ends it, once.
    func testFinancesGrantToPayIsDoneWhenTheDepartmentCancelsItAndARedeliveryChangesNothing() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let finance = account(.finance)
        try await portal.application.test(.router) { client in
            try await sender.deliver(StudioRegistered(studioID: "s-8", applicationID: nil, studioName: "郑师傅钳工工作室", unitName: "某公司", screeningBodyCode: "330802",
                                                      level: .city, namedOn: LocalDate("2026-06-01")!, cycle: StudioCycle(start: LocalDate("2026-06-01")!)),
                                     from: .assessment, at: Date().addingTimeInterval(-90), client: client)
            try await sender.deliver(ProjectGrantAwarded(studioID: "s-8", applicationID: "p-8", roundID: "r2", year: 2027), from: .review,
                                     at: Date().addingTimeInterval(-60), client: client)
            let open = try await items(portal, finance)
            XCTAssertEqual(open.map(\.title), ["拨付课题经费：郑师傅钳工工作室"])
            // When funding tells the cancellation
            let cancelled = try await sender.deliver(GrantCancelled(studioID: "s-8", grantID: "g-8", kind: "projectGrant", year: 2027,
                                                                    reason: "本年度预算已用完", cancelledOn: LocalDate("2027-07-01")!), from: .funding, client: client)
            XCTAssertEqual(cancelled.outcome, "applied")
            // Then it is done with the reason, and a redelivery changes nothing
            let after = try await items(portal, finance)
            XCTAssertEqual(after, [])
            let done = try await items(portal, finance, open: false)
            XCTAssertEqual(done.map(\.doneReason), ["补助已取消：本年度预算已用完"])
            let again = try await sender.redeliver(cancelled.envelope, client: client)
            XCTAssertEqual(again.outcome, "duplicate")
            let doneAfter = try await items(portal, finance, open: false)
            XCTAssertEqual(doneAfter, done)
        }
    }

    func testAnUnsignedOrForeignSignedEventIsRefusedAndChangesNothing() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        try await portal.application.test(.router) { client in
            let event = StudioNamed(studioID: "s-9", applicationID: "n-9", roundID: "r", year: 2026, studioName: "某工作室", unitName: "某公司",
                                    unitCreditCode: "91330802MA2DH8K1X0", screeningBodyCode: "330802", leaderName: "某", namedOn: LocalDate("2026-06-01")!)
            let stranger = try await sender.deliver(event, from: .review, secret: WebhookSecret.generate(), client: client)
            XCTAssertEqual(stranger.status, .unauthorized)
            // Intake's secret cannot vouch for an event claiming to come from review
            let impostor = try await sender.deliver(event, from: .review, secret: sender.secrets[.intake]!, client: client)
            XCTAssertEqual(impostor.status, .unauthorized)
            let none = try await portal.database.writer.read { db in try Todos.all(in: db) }
            XCTAssertEqual(none, [])
            let unsigned = try await client.execute(uri: "/events", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
            XCTAssertEqual(unsigned.status, .unauthorized)
        }
    }

    func testTheBadgeOnEveryPageCountsTheAccountsOpenToDos() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        let hash = await Accounts.hash("finance-pass-1", cost: 4)
        try await portal.database.insert(Account(username: "fin", displayName: "财务部", role: .finance, subject: nil, passwordHash: hash,
                                                 mustChangePassword: false, createdAt: Date()), tokens: [:])
        try await portal.application.test(.router) { client in
            for (id, name) in [("s-1", "周师傅模具工作室"), ("s-2", "钱师傅电气工作室")] {
                try await sender.deliver(StudioNamed(studioID: StudioID(id), applicationID: ApplicationID("n-\(id)"), roundID: "r", year: 2026, studioName: name, unitName: "某公司",
                                              unitCreditCode: "91330802MA2DH8K1X0", screeningBodyCode: "330802", leaderName: "周一",
                                              namedOn: LocalDate("2026-06-01")!), from: .review, client: client)
            }
            let cookie = try await signIn(client, "fin", "finance-pass-1")
            for path in ["/todos", "/public/notices", "/security"] {
                let page = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie])
                let html = String(buffer: page.body)
                XCTAssertTrue(html.contains("待办<span class=\"count\">2</span>"), "\(path): \(page.status)")
            }
            let list = String(buffer: try await client.execute(uri: "/todos", method: .get, headers: [.cookie: cookie]).body)
            XCTAssertTrue(list.contains("拨付命名补助：周师傅模具工作室") && list.contains("拨付命名补助：钱师傅电气工作室"))
        }
    }

    func testThePortalHasMetricsAndAnOpenAPIDocumentForItsMachineEndpoints() async throws {
        let sender = EventSender()
        let portal = try await makePortal(sender)
        try await portal.application.test(.router) { client in
            try await sender.deliver(StudioExpired(studioID: "s-3", cycle: StudioCycle(number: 1, start: LocalDate("2026-06-01")!), expiredOn: LocalDate("2029-09-01")!),
                              from: .assessment, client: client)
            let health = try await client.execute(uri: "/health", method: .get)
            XCTAssertEqual(health.status, .ok)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            XCTAssertTrue(metrics.contains(#"portal_events_received_total{outcome="applied"} 1"#), metrics)
            XCTAssertTrue(metrics.contains(#"portal_todos_open{role="department"} 1"#), metrics)
            XCTAssertTrue(metrics.contains("http_requests_total"), metrics)
            let document = try await client.execute(uri: "/openapi.yaml", method: .get)
            XCTAssertEqual(document.status, .ok)
            // Served byte for byte as Services/Portal/openapi.yaml, which OpenAPIKit reads; every documented
            // operation answers (not 404) and every operation of the document is one of the machine endpoints.
            let file = try OpenAPIContract.sourceFile("Portal")
            XCTAssertEqual(Array(document.body.readableBytesView), Array(file.utf8))
            let parsed = try OpenAPIContract.parse(file)
            XCTAssertEqual(OpenAPIContract.bareObjects(in: parsed), [])
            let documented = OpenAPIContract.operations(in: parsed).map { operation -> String in
                let parts = operation.split(separator: " ")
                return "\(parts[0].uppercased()) \(parts[1])"
            }
            // The event types the document lists are the ones the portal takes
            let events = try XCTUnwrap(OpenAPIContract.operationObjects(in: parsed)["post /events"]?.requestBody?.b?
                .content[.json]?.b?.schema?.objectContext?.properties["type"])
            XCTAssertEqual(Set(events.allowedValues?.compactMap { $0.value as? String } ?? []), Set(PortalFeed.eventTypes))
            XCTAssertEqual(Set(documented), Set(PortalOpenAPI.operations))
            for operation in PortalOpenAPI.operations {
                let parts = operation.split(separator: " ")
                let answer = try await client.execute(uri: String(parts[1]), method: parts[0] == "GET" ? .get : .post)
                XCTAssertNotEqual(answer.status, .notFound, operation)
            }
        }
    }
}
