import Foundation
@testable import IntakeService
import OpenAPIKit
import StudioDomain
import TestSupport
import XCTest

/// A field of the application form is written in the domain type, with its printed label beside its key, and what is
/// written per field (the printed form, the import columns) switches over the struct's `CodingKeys`, so the compiler
/// names a missed one. What the compiler does not see is held here: every stored property is one of the keys (an
/// optional `var` left out of `CodingKeys` would quietly never be stored), the printed form describes exactly the
/// form's fields, the OpenAPI document names exactly them, and `FormJSON` writes what `JSONEncoder` writes.
final class FormFieldsTests: XCTestCase {
    func testTheSamplesFillEveryField() {
        // A field added to a type and not to the sample fails here, so the checks below see every field.
        XCTAssertEqual(Self.emptyPlaces(in: Self.fullForm, "form"), [])
        XCTAssertEqual(Self.emptyPlaces(in: Self.fullContent, "content"), [])
    }

    func testEveryStoredPropertyIsACodingKeyInTheOrderItIsDeclared() {
        XCTAssertEqual(Self.keyMismatches(in: Self.fullForm, "form"), [])
        XCTAssertEqual(Self.keyMismatches(in: Self.fullContent, "content"), [])
    }

    func testThePrintedFormDescribesExactlyTheFormsFields() throws {
        // A part or table names its struct by hand (`.part(UnitForm.self)`): the compiler does not hold it to the field's type.
        let json = try JSONSerialization.jsonObject(with: DomainJSON.encoder().encode(Self.fullForm))
        XCTAssertEqual(Self.printedPaths(ApplicationForm.self, ""), Self.leafPaths(json, ""))
    }

    func testTheOpenAPIDocumentNamesExactlyTheFormsFields() throws {
        let document = try OpenAPIContract.parse(OpenAPIContract.sourceFile("Intake"))
        let schema = try XCTUnwrap(document.components.schemas["ApplicationForm"])
        let json = try JSONSerialization.jsonObject(with: DomainJSON.encoder().encode(Self.fullForm))
        XCTAssertEqual(Self.schemaMismatches(json, schema, "ApplicationForm", in: document), [])
    }

    func testTheDirectWriterGivesTheEncodersBytesForEveryField() throws {
        XCTAssertEqual(FormJSON.encode(Self.fullForm), String(decoding: try DomainJSON.encoder().encode(Self.fullForm), as: UTF8.self))
        let event = ApplicationSubmitted(application: Self.fullContent, submittedOn: LocalDate("2026-07-01")!, applicationVersion: 2)
        XCTAssertEqual(FormJSON.encode(event), String(decoding: try DomainJSON.encoder().encode(event), as: UTF8.self))
    }

    // MARK: Samples with every field given

    static let fullForm = ApplicationForm(
        applicantUnit: UnitForm(name: "衢州精工机械有限公司", creditCode: "91330802MA2A1B2C3X", unitType: "enterprise", hasTradeUnion: true, tradeUnionName: "公司工会"),
        studio: StudioForm(name: "数控工作室", creationStartDate: LocalDate("2025-01-15"), hasFixedSite: true, siteAddress: "柯城区", siteArea: 120.5,
                           funds: Money(fen: 5_000_050), officeFacilities: "电脑", equipment: "机床"),
        leader: LeaderForm(name: "王建国", idNumber: "330802198501011234", speciality: "数控", skillLevel: "seniorTechnician", certificateNumber: "S1", phone: "13905700000"),
        team: TeamForm(members: [MemberForm(name: "李明", role: "骨干", skillLevel: "technician")]),
        workRules: "章程", projects: [FormFieldsTests.fullProject], results: ResultsForm(patents: ["ZL1"], awards: ["奖"], papers: ["论文"]),
        industryField: "装备制造", screening: ScreeningForm(opinion: "同意", recommendationOrder: 2), studioId: StudioID("studio-1"))

    static let fullProject = ProjectForm(title: "变形控制", commissioningUnit: "本单位", content: "内容", startDate: LocalDate("2026-03-01"),
                                         endDate: LocalDate("2026-12-31"), requirements: "要求", acceptanceStandard: "标准", funding: Money(yuan: 80_000))

    static let fullContent = ApplicationContent(
        applicationID: ApplicationID("app-1"), kind: .projectGrant, roundID: RoundID("round-1"), year: 2026, screeningBodyCode: "330802",
        applicantUnit: ApplicantUnit(unitID: UnitID("unit-1"), name: "衢州精工", creditCode: "91330802MA2A1B2C3X", unitType: .enterprise, hasTradeUnion: true),
        studio: StudioProfile(name: "数控工作室", creationStartDate: LocalDate("2025-01-15")!), leader: StudioLeader(name: "王建国", skillLevel: .seniorTechnician),
        teamSize: 3, teamMemberNames: ["李明"], projectTitles: ["变形控制"], studioID: StudioID("studio-1"), recommendationOrder: 1, speciality: "数控",
        details: ApplicationDetails(siteArea: 120, funds: Money(fen: 1), officeFacilities: "电脑", equipment: "机床", workRules: "章程", projects: [fullProject],
                                    leaderSpeciality: "数控", patents: ["ZL1"], awards: ["奖"], papers: ["论文"], screeningOpinion: "同意",
                                    attachments: [AttachmentReference(sha256: "ab", fileName: "plan.pdf", mediaType: "application/pdf", size: 3)]))

    // MARK: Walks

    /// Where a value holds nil or an empty list.
    static func emptyPlaces(in value: Any, _ place: String) -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return [place] }
            return emptyPlaces(in: wrapped, place)
        case .collection:
            guard !mirror.children.isEmpty else { return [place + " (empty)"] }
            return mirror.children.enumerated().flatMap { emptyPlaces(in: $0.element.value, place + "[\($0.offset)]") }
        case .struct:
            return mirror.children.flatMap { emptyPlaces(in: $0.value, place + "." + ($0.label ?? "?")) }
        default:
            return []
        }
    }

    /// Where a struct's stored properties and its `CodingKeys` differ (by name or order), in every part of the value.
    static func keyMismatches(in value: Any, _ place: String) -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional, .collection:
            return mirror.children.flatMap { keyMismatches(in: $0.value, place) }
        case .struct:
            var found: [String] = []
            if let fields = value as? any CodableFields {
                let properties = mirror.children.compactMap(\.label)
                let keys = codingKeys(of: fields)
                if properties != keys { found.append("\(place) (\(type(of: value))): properties \(properties), keys \(keys)") }
            }
            return found + mirror.children.flatMap { keyMismatches(in: $0.value, place + "." + ($0.label ?? "?")) }
        default:
            return []
        }
    }

    private static func codingKeys<T: CodableFields>(of _: T) -> [String] { T.CodingKeys.allCases.map(\.rawValue) }

    /// The path of every entry of the printed form (`team.members[].name`).
    static func printedPaths(_ type: any PrintedFields.Type, _ prefix: String) -> Set<String> {
        type.printedFields.reduce(into: []) { paths, field in
            let path = prefix + field.key
            switch field.field {
            case .entry: paths.insert(path)
            case .part(let part): paths.formUnion(printedPaths(part, path + "."))
            case .table(let part, _): paths.formUnion(printedPaths(part, path + "[]."))
            }
        }
    }

    /// The path of every value in decoded JSON that is not an object or a list of objects.
    static func leafPaths(_ json: Any, _ prefix: String) -> Set<String> {
        if let object = json as? [String: Any] {
            return object.reduce(into: []) { paths, member in paths.formUnion(leafPaths(member.value, prefix.isEmpty ? member.key : prefix + "." + member.key)) }
        }
        if let list = json as? [[String: Any]], !list.isEmpty {
            return list.reduce(into: []) { paths, element in paths.formUnion(leafPaths(element, prefix + "[]")) }
        }
        return [prefix]
    }

    /// Where encoded JSON and a schema name different fields, objects followed through `$ref` and arrays.
    static func schemaMismatches(_ json: Any, _ schema: JSONSchema, _ place: String, in document: OpenAPI.Document) -> [String] {
        switch schema.value {
        case .reference(let reference, _):
            guard let name = reference.name, let target = document.components.schemas[OpenAPI.ComponentKey(stringLiteral: name)] else {
                return ["\(place): unresolved reference"]
            }
            return schemaMismatches(json, target, place, in: document)
        case .object(_, let object):
            guard let members = json as? [String: Any] else { return ["\(place): not an object in the JSON"] }
            let documented = Set(object.properties.keys), given = Set(members.keys)
            var found: [String] = []
            if documented != given {
                found.append("\(place): documented only \(documented.subtracting(given).sorted()), encoded only \(given.subtracting(documented).sorted())")
            }
            for (name, property) in object.properties {
                if let member = members[name] { found += schemaMismatches(member, property, place + "." + name, in: document) }
            }
            return found
        case .array(_, let array):
            guard let items = array.items, let list = json as? [Any] else { return [] }
            return list.flatMap { schemaMismatches($0, items, place + "[]", in: document) }
        default:
            return []
        }
    }
}
