import Foundation
@testable import IntakeService
import StudioDomain
import XCTest

/// `FormJSON` writes the stored form without `Encodable`; it must give exactly the bytes `DomainJSON.encoder()` gives,
/// or stored rows and responses would change. Checked here on awkward text and numbers, not only on the usual forms.
final class FormJSONTests: XCTestCase {
    func testTheDirectWriterGivesTheEncodersBytesForAwkwardText() throws {
        let awkward = ["", " ", "plain", "quote \" backslash \\ slash / end", "\u{0}\u{1}\u{7}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1F}\u{7F}",
                       "衢州市王氏精工厂区1号楼", "emoji 🧑‍🔧 and \u{2028}\u{2029}", "</script>", "a\u{301}", "\\u0041", "tab\tnewline\n"]
        for text in awkward {
            let form = ApplicationForm(
                applicantUnit: UnitForm(name: text, creditCode: text, unitType: text, hasTradeUnion: false, tradeUnionName: text),
                studio: StudioForm(name: text, creationStartDate: LocalDate("2024-02-29"), hasFixedSite: true, siteAddress: text,
                                   siteArea: 85.5, funds: Money(fen: -1), officeFacilities: text, equipment: text),
                leader: LeaderForm(name: text, idNumber: text, speciality: text, skillLevel: text, certificateNumber: text, phone: text),
                team: TeamForm(members: [MemberForm(name: text, role: text, skillLevel: text), MemberForm()]),
                workRules: text,
                projects: [ProjectForm(title: text, commissioningUnit: text, content: text, startDate: LocalDate("2026-01-01"),
                                       endDate: LocalDate("2027-12-31"), requirements: text, acceptanceStandard: text, funding: Money(fen: 8_000_000)),
                           ProjectForm()],
                results: ResultsForm(patents: [text, text], awards: [], papers: [text]),
                industryField: text, screening: ScreeningForm(opinion: text, recommendationOrder: -3), studioId: StudioID(text))
            try assertSameBytes(form)
        }
    }

    func testTheDirectWriterGivesTheEncodersBytesForNumbersAndEmptyParts() throws {
        for area in [0.0, -0.0, 120, 0.1, 1e21, 1e-7, 123_456_789.123, 1.5e300, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            try assertSameBytes(ApplicationForm(studio: StudioForm(siteArea: area, funds: Money(fen: Int64.min))))
        }
        try assertSameBytes(ApplicationForm())
        try assertSameBytes(ApplicationForm(applicantUnit: UnitForm(), studio: StudioForm(), leader: LeaderForm(), team: TeamForm(members: []),
                                            projects: [], results: ResultsForm(), screening: ScreeningForm(recommendationOrder: Int.max)))
    }

    func testTheSubmittedEventIsWrittenAsTheEncoderWritesIt() throws {
        let texts = ["王建数控技能创新工作室", "quote \" backslash \\ slash / \u{1}\u{1F}\n", ""]
        for text in texts {
            for (details, studioID, order) in [(ApplicationDetails?.none, StudioID?.none, Int?.none),
                                               (ApplicationDetails(siteArea: 120.25, funds: Money(fen: 5_000_000), officeFacilities: text, equipment: text,
                                                                   workRules: text, projects: [InnovationProject(title: text, commissioningUnit: text, content: text,
                                                                                                                 startDate: LocalDate("2026-01-01"), endDate: LocalDate("2027-12-31"),
                                                                                                                 requirements: text, acceptanceStandard: text, funding: Money(fen: 1)),
                                                                                               InnovationProject(title: text)],
                                                                   leaderSpeciality: text, patents: [text], awards: [], papers: [text, text], screeningOpinion: text,
                                                                   attachments: [AttachmentReference(sha256: "ab", fileName: text, mediaType: "application/pdf", size: 3)]),
                                                StudioID("studio-1"), 2),
                                               (ApplicationDetails(), nil, 1)] {
                let content = ApplicationContent(
                    applicationID: ApplicationID("app-1"), kind: .naming, roundID: RoundID("round-1"), year: 2026, screeningBodyCode: "330802",
                    applicantUnit: ApplicantUnit(unitID: details == nil ? nil : UnitID(text), name: text, creditCode: text, unitType: .enterprise, hasTradeUnion: true),
                    studio: StudioProfile(name: text, creationStartDate: LocalDate("2025-01-31")!), leader: StudioLeader(name: text, skillLevel: .seniorTechnician),
                    teamSize: 3, teamMemberNames: details == nil ? nil : [text, "李明"], projectTitles: [text], studioID: studioID,
                    recommendationOrder: order, speciality: text, details: details)
                let event = ApplicationSubmitted(application: content, submittedOn: LocalDate("2026-07-01")!, applicationVersion: 1)
                XCTAssertEqual(FormJSON.encode(event), String(decoding: try DomainJSON.encoder().encode(event), as: UTF8.self))
            }
        }
        let infinite = ApplicationSubmitted(application: ApplicationContent(
            applicationID: ApplicationID("app-1"), kind: .naming, roundID: RoundID("round-1"), year: 2026, screeningBodyCode: "330802",
            applicantUnit: ApplicantUnit(name: "", creditCode: "", unitType: .other), studio: StudioProfile(name: "", creationStartDate: LocalDate("2025-01-31")!),
            leader: StudioLeader(name: "", skillLevel: .elementary), teamSize: 1, projectTitles: [], speciality: "",
            details: ApplicationDetails(siteArea: .infinity)), submittedOn: LocalDate("2026-07-01")!)
        XCTAssertNil(FormJSON.encode(infinite))
    }

    func testAFormTheWriterCannotWriteIsLeftToTheEncoder() {
        XCTAssertNil(FormJSON.encode(ApplicationForm(studio: StudioForm(siteArea: .nan))))
        XCTAssertNil(FormJSON.encode(ApplicationForm(studio: StudioForm(siteArea: .infinity))))
        XCTAssertThrowsError(try ApplicationStore.json(ApplicationForm(studio: StudioForm(siteArea: .nan))))
    }

    private func assertSameBytes(_ form: ApplicationForm, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = String(decoding: try DomainJSON.encoder().encode(form), as: UTF8.self)
        XCTAssertEqual(FormJSON.encode(form), expected, file: file, line: line)
        XCTAssertEqual(try ApplicationStore.json(form), expected, file: file, line: line)
    }
}
