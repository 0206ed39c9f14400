import Foundation
import Hummingbird
import HummingbirdTesting
import IntakeService
import StudioDomain
import XCTest
@testable import PortalService

/// The portal's own logic, without the services: the form's inputs ↔ intake's `ApplicationForm`, where a
/// service's problem is shown, the multipart reader, and the sign-in form's CSRF guard.
final class PortalFormTests: XCTestCase {
    /// What an expert reads beside the score sheet names each innovation project by its title as written, and one
    /// sent without a title (the event's project is the form's, whose fields are all optional) reads as untitled.
    func testTheExpertReadsEachProjectByItsTitle() throws {
        let content = ApplicationContent(
            applicationID: ApplicationID("A1"), kind: .naming, roundID: RoundID("R1"), year: 2026, screeningBodyCode: "330881",
            applicantUnit: ApplicantUnit(name: "江山精密机床有限公司", creditCode: "91330881MA2A1B2C3U", unitType: .enterprise),
            studio: StudioProfile(name: "江山数控技能创新工作室", creationStartDate: LocalDate("2025-09-19")!),
            leader: StudioLeader(name: "王建国", skillLevel: .senior), teamSize: 3, projectTitles: ["精密主轴攻关"], speciality: "装备制造/数控加工",
            details: ApplicationDetails(projects: [ProjectForm(title: "精密主轴攻关", commissioningUnit: "江山精密机床有限公司"), ProjectForm(content: "无标题")]))
        let projects = try XCTUnwrap(ExpertReading.sections(content).first { $0.title.hasPrefix("创新项目") })
        XCTAssertEqual(projects.lines.map(\.key), ["1. 精密主轴攻关", "2. （未填项目名称）"])
        XCTAssertFalse(projects.lines.contains { $0.key.contains("Optional") })
    }

    func testYuanAmountsBecomeExactFen() {
        XCTAssertEqual(try ApplicationFormFields.money("50000").fen, 5_000_000)
        XCTAssertEqual(try ApplicationFormFields.money("1200.5").fen, 120_050)
        XCTAssertEqual(try ApplicationFormFields.money("0.07").fen, 7)
        XCTAssertEqual(try ApplicationFormFields.money("12,000.00").fen, 1_200_000)
        for bad in ["", "abc", "1.234", "-5", "1e5", "１２", "1..2", ".5"] {
            XCTAssertThrowsError(try ApplicationFormFields.money(bad), bad)
        }
    }

    func testAFormRoundTripsThroughItsInputs() throws {
        // Given a complete form as intake stores it
        let form = ApplicationForm(
            applicantUnit: UnitForm(name: "衢州精工机械有限公司", creditCode: "91330802MA2A1B2C3X", unitType: "enterprise", hasTradeUnion: true, tradeUnionName: "公司工会"),
            studio: StudioForm(name: "数控工作室", creationStartDate: LocalDate("2025-01-15"), hasFixedSite: false, siteAddress: "柯城区", siteArea: 120.5,
                               funds: Money(fen: 5_000_050), officeFacilities: "电脑", equipment: "机床"),
            leader: LeaderForm(name: "王建国", idNumber: "330802198501011234", speciality: "数控", skillLevel: "seniorTechnician", certificateNumber: "S1", phone: "13905700000"),
            team: TeamForm(members: [MemberForm(name: "李明", role: "骨干", skillLevel: "technician"), MemberForm(name: "赵芳")]),
            workRules: "章程\n例会", projects: [ProjectForm(title: "变形控制", commissioningUnit: "本单位", content: "内容", startDate: LocalDate("2026-03-01"),
                                                             endDate: LocalDate("2026-12-31"), requirements: "要求", acceptanceStandard: "标准", funding: Money(yuan: 80_000))],
            results: ResultsForm(patents: ["ZL1", "ZL2"], awards: nil, papers: ["论文"]), industryField: "装备制造",
            screening: ScreeningForm(opinion: "同意", recommendationOrder: 2))
        // When it is shown in the inputs and posted back unchanged
        let posted = try ApplicationFormFields.form(from: ApplicationFormFields.values(of: form))
        // Then intake gets the same form
        XCTAssertEqual(posted, form)
    }

    func testAnInputInTheWrongFormatIsReportedBesideItsFieldBeforeAnythingIsSent() {
        var values = FormValues()
        values["studio.funds"] = "五万"
        values["studio.creationStartDate"] = "2026-02-30"
        XCTAssertThrowsError(try ApplicationFormFields.form(from: values)) { error in
            let issues = (error as? ApplicationFormFields.InputProblem)?.issues ?? []
            XCTAssertEqual(Set(issues.map(\.field)), ["studio.funds", "studio.creationStartDate"])
        }
    }

    func testAServiceProblemIsShownBesideTheFieldOrSectionItNames() {
        let issues = [
            DomainIssue(code: "team_too_small", field: "team.members", article: "第五条第（四）项 / Art. 5(4)", messageZh: "团队不少于3人", messageEn: "3 people"),
            DomainIssue(code: "leader_skill_below_senior", field: "leader.skillLevel", messageZh: "等级不足", messageEn: "level"),
            DomainIssue(code: "round_closed", field: "roundId", messageZh: "已截止", messageEn: "closed"),
        ]
        let view = ApplicationFormView(action: "/x", kind: .naming, studios: [], values: FormValues(), issues: issues)
        let team = view.sections.first { $0.key == "team" }!
        XCTAssertEqual(team.errors.map(\.code), ["team_too_small"])
        XCTAssertEqual(team.errors.first?.article, "第五条第（四）项", "the article in Chinese only")
        XCTAssertTrue(team.invalid)
        let leader = view.sections.first { $0.key == "leader" }!
        XCTAssertEqual(leader.fields.first { $0.name == "leader.skillLevel" }?.errors.map(\.code), ["leader_skill_below_senior"])
        XCTAssertTrue(leader.errors.isEmpty, "a field's problem is beside the field, not repeated above the section")
        XCTAssertEqual(view.generalErrors.map(\.code), ["round_closed"])
        XCTAssertEqual(view.errorCount, 3)
    }

    func testAMultipartFormWithAFileIsRead() throws {
        let boundary = "----qzboundary7"
        let pdf: [UInt8] = Array("%PDF-1.4\r\n--not-a-boundary\r\n%%EOF".utf8)
        var body: [UInt8] = []
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n申报表盖章页\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
        body += pdf + Array("\r\n--\(boundary)--\r\n".utf8)
        let form = try XCTUnwrap(FormValues.multipart(body, boundary: boundary))
        XCTAssertEqual(form["_csrf"], "abc123")
        XCTAssertEqual(form["title"], "申报表盖章页")
        let file = try XCTUnwrap(form.file(named: "file"))
        XCTAssertEqual(file.fileName, "scan.pdf")
        XCTAssertEqual(file.contentType, "application/pdf")
        XCTAssertEqual(file.bytes, pdf)
        XCTAssertNil(FormValues.multipart(Array("garbage".utf8), boundary: boundary))
        XCTAssertEqual(FormMiddleware.boundary("multipart/form-data; boundary=\"abc\""), "abc")
    }

    func testTheSignInFormWithoutItsSessionsTokenIsRefused() async throws {
        var configuration = PortalConfiguration(dataDir: ":memory:", services: .local(host: "127.0.0.1", ports: [.intake: 1, .review: 1, .funding: 1, .assessment: 1]))
        configuration.bcryptCost = 4
        let portal = try await buildPortal(configuration)
        try await portal.application.test(.router) { client in
            let page = try await client.execute(uri: "/login", method: .get)
            XCTAssertEqual(page.status, .ok)
            let html = String(buffer: page.body)
            XCTAssertTrue(html.contains("name=\"_csrf\""), "the form carries a token")
            let cookie = try XCTUnwrap(page.headers[.setCookie]).components(separatedBy: ";")[0]
            let refused = try await client.execute(uri: "/login", method: .post,
                                                   headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                   body: ByteBuffer(string: "username=a&password=b"))
            XCTAssertEqual(refused.status, .forbidden)
            XCTAssertTrue(String(buffer: refused.body).contains("表单已失效"))
        }
    }

    func testAServiceThatIsDownIsAClearPageNotA500() async throws {
        // Port 1 on loopback: nothing listens there.
        let configuration = PortalConfiguration(dataDir: ":memory:", services: .local(host: "127.0.0.1", ports: [.intake: 1, .review: 1, .funding: 1, .assessment: 1]))
        let portal = try await buildPortal(configuration)
        try await portal.application.test(.router) { client in
            let page = try await client.execute(uri: "/public/studios", method: .get)
            XCTAssertEqual(page.status, .serviceUnavailable)
            XCTAssertTrue(String(buffer: page.body).contains("考核管理服务暂不可用"))
        }
    }
}
