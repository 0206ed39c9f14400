import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IntakeService
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// An intake service in memory with a clock set to 10:00 in Quzhou on `day`, and tokens for two county
/// federations (柯城 330802, 衢江 330803) and the department.
struct IntakeFixture {
    let service: TestService
    let kecheng: String
    let qujiang: String
    let department: String

    init(on day: String, maxBodyBytes: Int = 1 << 20) throws {
        let start = LocalDate(day)!.startInstant().addingTimeInterval(10 * 3600)
        service = try TestService(IntakeModule(), clock: TestClock(start), maxBodyBytes: maxBodyBytes)
        kecheng = try service.token(.screeningBody, subject: "330802")
        qujiang = try service.token(.screeningBody, subject: "330803")
        department = try service.token(.department)
    }

    var today: LocalDate { LocalDate(service.clock.now()) }

    /// Moves the clock to 10:00 on `day` (forward only).
    func move(to day: String) {
        service.moveClock(to: LocalDate(day)!.startInstant().addingTimeInterval(10 * 3600))
    }

    /// A naming round for `year` opened by the department; the id of the round.
    func openRound(_ client: some TestClientProtocol, kind: ApplicationKind = .naming, year: Int = 2026, opensOn: String = "2026-08-01",
                   deadline: String = "2026-10-31", quotaPerBody: Int? = nil) async throws -> RoundID {
        return try await client.execute(uri: "/rounds", method: .post, headers: TestRequest.headers(department),
                                        body: TestRequest.json(OpenRoundBody(kind: kind, year: year, opensOn: opensOn, deadline: deadline, quotaPerBody: quotaPerBody))) { response in
            XCTAssertEqual(response.status, .created, String(buffer: response.body))
            return try response.decode(IntakeRound.self).id
        }
    }

    struct OpenRoundBody: Encodable { var kind: ApplicationKind; var year: Int; var opensOn: String; var deadline: String; var quotaPerBody: Int? }

    struct Create: Encodable {
        var roundId: RoundID
        var submit: Bool
        var form: ApplicationForm
    }

    /// POST /applications; hands the response to `check`.
    func create<T>(_ client: some TestClientProtocol, token: String, round: RoundID, form: ApplicationForm, submit: Bool = true,
                   idempotencyKey: String? = nil, _ check: @escaping (TestResponse) async throws -> T) async throws -> T {
        try await client.execute(uri: "/applications", method: .post, headers: TestRequest.headers(token, idempotencyKey: idempotencyKey),
                                 body: TestRequest.json(Create(roundId: round, submit: submit, form: form)), testCallback: check)
    }

    /// Creates and submits; fails the test unless it is accepted.
    func submitted(_ client: some TestClientProtocol, token: String, round: RoundID, form: ApplicationForm,
                   file: StaticString = #filePath, line: UInt = #line) async throws -> ApplicationView {
        try await create(client, token: token, round: round, form: form) { response in
            XCTAssertEqual(response.status, .created, String(buffer: response.body), file: file, line: line)
            return try response.decode(ApplicationView.self)
        }
    }

    /// POST /applications/{id}/attachments of `bytes` as `name` (percent-encoded) with the `contentType` claimed;
    /// fails the test unless it is stored.
    func uploaded(_ client: some TestClientProtocol, token: String, application: ApplicationID, name: String, contentType: String,
                  _ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) async throws -> AttachmentView {
        try await client.execute(uri: "/applications/\(application)/attachments?name=\(name)", method: .post,
                                 headers: TestRequest.headers(token, contentType: contentType), body: ByteBuffer(bytes: bytes)) { response in
            XCTAssertEqual(response.status, .created, String(buffer: response.body), file: file, line: line)
            return try response.decode(AttachmentView.self)
        }
    }

    func applicationCount() throws -> Int {
        try service.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intake_application") ?? 0 }
    }

    // MARK: Forms

    static let creditCode = UnifiedSocialCreditCode.completing("91330802MA2A1B2C3")!
    static let otherCreditCode = UnifiedSocialCreditCode.completing("91330803MA2D4E5F6")!
    static let idNumber = ResidentIDNumber.completing("33080219850101123")!

    /// A complete, eligible naming form: creation work since 2026-01-15, a 高级技师 leader and two members.
    static func validForm(studio: String = "王建国数控技能创新工作室", creditCode: String = creditCode) -> ApplicationForm {
        ApplicationForm(
            applicantUnit: UnitForm(name: "衢州精工机械有限公司", creditCode: creditCode, unitType: "企业", hasTradeUnion: true, tradeUnionName: "衢州精工机械有限公司工会"),
            studio: StudioForm(name: studio, creationStartDate: LocalDate("2026-01-15"), hasFixedSite: true, siteAddress: "衢州市柯城区航埠镇工业园3号",
                               siteArea: 120, funds: Money(yuan: 50_000), officeFacilities: "会议室、电脑6台", equipment: "五轴数控加工中心1台"),
            leader: LeaderForm(name: "王建国", idNumber: idNumber, speciality: "数控加工", skillLevel: "一级/高级技师", certificateNumber: "S000033080012345", phone: "13905700000"),
            team: TeamForm(members: [MemberForm(name: "李明", role: "技术骨干", skillLevel: "二级/技师"), MemberForm(name: "赵芳", role: "工艺员")]),
            workRules: "工作室章程、月度例会制度、项目管理制度，与公司生产计划衔接。",
            projects: [ProjectForm(title: "薄壁件加工变形控制", commissioningUnit: "衢州精工机械有限公司", content: "降低薄壁件变形率",
                                   startDate: LocalDate("2026-03-01"), endDate: LocalDate("2026-12-31"), requirements: "变形量小于0.02毫米",
                                   acceptanceStandard: "连续三批合格率99%", funding: Money(yuan: 80_000))],
            results: ResultsForm(patents: ["ZL202410000001.X 一种薄壁件夹具"], awards: ["2025年衢州市职工技术创新成果二等奖"], papers: []),
            industryField: "装备制造/数控加工",
            screening: ScreeningForm(opinion: "材料齐全，条件符合，同意推荐。", recommendationOrder: nil))
    }
}
