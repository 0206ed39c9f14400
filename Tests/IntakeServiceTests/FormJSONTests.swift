import Foundation
@testable import IntakeService
import StudioDomain
import XCTest

/// `FormJSON` writes the stored form, the response to a create and the submitted event straight into bytes; it must
/// give exactly the bytes `DomainJSON.encoder()` gives, or stored rows and responses would change. Checked here on
/// awkward text and numbers, on every kind of value an `Encoder` is handed, and on what it must leave to the encoder.
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

    func testTheResponseToACreateIsWrittenAsTheEncoderWritesIt() throws {
        // Given a new application as `create` stored it, and one with attachments and reasons
        let app = StoredApplication(id: ApplicationID("app-1"), kind: .projectGrant, roundId: RoundID("round-1"), screeningBody: "330802",
                                    status: "submitted", version: 1, form: FormFieldsTests.fullForm, submittedOn: LocalDate("2026-07-01"), withdrawnOn: nil,
                                    statusReasons: [], createdAt: 1_782_871_200_123, updatedAt: 1_782_871_200_123)
        let created = ApplicationView.created(app)
        var returned = created
        returned.statusReasons = [DomainIssue(code: "team_too_small", field: "team.members", article: "第五条第（四）项 / Art. 5(4)", messageZh: "团队不少于3人", messageEn: "3 people or more")]
        returned.attachments = [AttachmentView(sha256: "ab", fileName: "plan \"1\".pdf", mediaType: "application/pdf", size: 3, addedAt: Date(timeIntervalSince1970: 1.5))]
        returned.withdrawnOn = LocalDate("2026-08-01")
        // Then the bytes are the encoder's, with the form spliced in as it was stored, and without it
        let formJSON = try ApplicationStore.json(app.form)
        XCTAssertEqual(try ApplicationView.encode(created, formJSON: formJSON), try DomainJSON.encoder().encode(created))
        XCTAssertEqual(FormJSON.data(returned), try DomainJSON.encoder().encode(returned))
        XCTAssertEqual(FormJSON.data(returned, writing: ApplicationForm.self, as: formJSON), try DomainJSON.encoder().encode(returned))
    }

    func testEveryKindOfValueIsWrittenAsTheEncoderWritesIt() throws {
        let values = EveryKind(
            text: "a/b \"c\"", flag: false, whole: -42, int8: -8, int16: 16, int32: -32, int64: Int64.min, uint: UInt.max, uint8: 255, uint16: 65535,
            uint32: UInt32.max, uint64: UInt64.max, real: 0.1, single: 1.5, instant: Date(timeIntervalSince1970: 1_782_871_200.25), blob: Data([0, 1, 2, 250, 255]),
            address: URL(string: "https://example.org/a?b=c&d=%E8%A1%A2")!, decimal: Decimal(string: "12345.678")!, absent: nil,
            optionals: ["a", nil, "c"], nested: [[1, 2], [], [3]], byName: ["zeta": 1, "alpha": 2, "Beta": 3, "beta": 4, "a": 5, "aa": 6],
            byNumber: [10: "ten", 2: "two", 1: "one"], empty: Empty(), emptyList: [], money: Money(fen: -5), day: LocalDate("2024-02-29")!,
            studio: StudioID("studio-1"), kind: .demonstration, level: .seniorTechnician)
        XCTAssertEqual(FormJSON.encode(values), String(decoding: try DomainJSON.encoder().encode(values), as: UTF8.self))
        XCTAssertEqual(FormJSON.encode(["b": [values], "a": []]), String(decoding: try DomainJSON.encoder().encode(["b": [values], "a": []]), as: UTF8.self))
        for fragment in ["plain", "/", "\u{1}"] { XCTAssertEqual(FormJSON.encode(fragment), String(decoding: try DomainJSON.encoder().encode(fragment), as: UTF8.self)) }
        XCTAssertEqual(FormJSON.encode(7), "7")
        XCTAssertEqual(FormJSON.encode([Double]()), "[]")
    }

    func testWhatTheWriterCannotWriteAsTheEncoderIsLeftToIt() throws {
        // The encoder throws for these: the writer gives nil, and the caller's encoder reports them.
        XCTAssertThrowsError(try DomainJSON.encoder().encode(Empty()))
        XCTAssertNil(FormJSON.encode(Empty()))
        XCTAssertNil(FormJSON.encode(Refusing()))
        XCTAssertNil(FormJSON.encode([Float.nan]))
        // The encoder writes these in its own way (the last of a key given twice, keys it compares as Unicode text,
        // nested containers): left to it.
        XCTAssertNil(FormJSON.encode(Twice()))
        XCTAssertNil(FormJSON.encode(["衢州": 1]))
        XCTAssertNil(FormJSON.encode(["quote\"": 1]))
        XCTAssertNil(FormJSON.encode(Nesting.some(3)))
        XCTAssertEqual(String(decoding: try DomainJSON.encoder().encode(Nesting.some(3)), as: UTF8.self), #"{"some":{"_0":3}}"#)
    }

    private struct EveryKind: Encodable {
        var text: String, flag: Bool, whole: Int, int8: Int8, int16: Int16, int32: Int32, int64: Int64, uint: UInt, uint8: UInt8, uint16: UInt16
        var uint32: UInt32, uint64: UInt64, real: Double, single: Float, instant: Date, blob: Data, address: URL, decimal: Decimal
        var absent: String?
        var optionals: [String?], nested: [[Int]], byName: [String: Int], byNumber: [Int: String], empty: Empty, emptyList: [Empty]
        var money: Money, day: LocalDate, studio: StudioID, kind: ApplicationKind, level: SkillLevel
        var byHand = ByHand()
    }

    /// An explicit null, and a second request for the same container, as the encoder allows.
    private struct ByHand: Encodable {
        enum CodingKeys: String, CodingKey { case first, nothing, second }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(2, forKey: .second)
            try container.encodeNil(forKey: .nothing)
            var again = encoder.container(keyedBy: CodingKeys.self)
            try again.encode("1", forKey: .first)
        }
    }

    /// Encodes nothing (`{}` inside a container; refused at the top).
    private struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    private struct Refusing: Encodable {
        struct Refused: Error {}
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode("partly")
            throw Refused()
        }
    }

    private struct Twice: Encodable {
        enum CodingKeys: String, CodingKey { case same }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(1, forKey: .same)
            try container.encode(2, forKey: .same)
        }
    }

    /// A synthesized enum with an associated value encodes through a nested container.
    private enum Nesting: Encodable {
        case some(Int)
    }

    private func assertSameBytes(_ form: ApplicationForm, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = String(decoding: try DomainJSON.encoder().encode(form), as: UTF8.self)
        XCTAssertEqual(FormJSON.encode(form), expected, file: file, line: line)
        XCTAssertEqual(try ApplicationStore.json(form), expected, file: file, line: line)
    }
}
