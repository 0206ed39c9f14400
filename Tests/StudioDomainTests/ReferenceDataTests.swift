import Foundation
import XCTest
@testable import StudioDomain

final class ReferenceDataTests: XCTestCase {
    func testDefaultsHoldTheSixCountyFederationsAndTheClusterUnion() throws {
        // Given the built-in reference data
        let data = ReferenceData.defaults

        // Then the six county-level federations are there under their division codes
        let counties = data.screeningBodies(of: .countyFederation)
        XCTAssertEqual(counties.map(\.code), ["330802", "330803", "330822", "330824", "330825", "330881"])
        XCTAssertEqual(data.screeningBody(code: "330802")?.nameZh, "柯城区总工会")
        XCTAssertEqual(data.screeningBody(code: "330881")?.nameZh, "江山市总工会")
        XCTAssertEqual(data.screeningBody(code: "QZ-GIC")?.kind, .industryClusterUnion)
        XCTAssertFalse(data.screeningBodies(of: .citySystemCommittee).isEmpty)
        XCTAssertFalse(data.screeningBodies(of: .cityIndustryUnion).isEmpty)
        XCTAssertNil(data.screeningBody(code: "999999"))
        XCTAssertEqual(Set(data.screeningBodies.map(\.code)).count, data.screeningBodies.count)
    }

    func testLoadingAFileAddsAndOverridesBodies() throws {
        // Given a file adding a new system committee and retiring an example default
        let json = #"""
        {"screening_bodies": [
          {"code": "QZ-SYS-FIN", "name_zh": "市金融系统工会工作委员会", "kind": "citySystemCommittee"},
          {"code": "QZ-IND-CONS", "name_zh": "衢州市建设工会", "name_en": "Quzhou Construction Trade Union",
           "kind": "cityIndustryUnion", "active": false}
        ]}
        """#
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reference-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        // When it is loaded
        let data = try ReferenceData.load(from: url)

        // Then the new body is found by code, the defaults remain, and the retired one is no longer active
        let added = try XCTUnwrap(data.screeningBody(code: "QZ-SYS-FIN"))
        XCTAssertEqual(added.nameZh, "市金融系统工会工作委员会")
        XCTAssertNil(added.nameEn)
        XCTAssertTrue(added.active)
        XCTAssertEqual(data.screeningBody(code: "330824")?.nameZh, "开化县总工会")
        XCTAssertEqual(data.screeningBody(code: "QZ-IND-CONS")?.active, false)
        XCTAssertFalse(data.activeScreeningBodies.contains { $0.code == "QZ-IND-CONS" })
        XCTAssertEqual(data.screeningBodies.count, ReferenceData.defaults.screeningBodies.count + 1)
        XCTAssertEqual(data.screeningBodies.last?.code, "QZ-SYS-FIN")
    }

    func testAMissingFileYieldsTheDefaultsAndABadFileThrows() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/reference.json")
        XCTAssertEqual(try ReferenceData.load(from: missing), .defaults)
        XCTAssertThrowsError(try ReferenceData.decode(Data(#"{"screening_bodies": [{"code": "X"}]}"#.utf8)))
        XCTAssertThrowsError(try ReferenceData.decode(Data(#"{"screening_bodies": [{"code": "X", "name_zh": "某", "kind": "village"}]}"#.utf8)))
    }

    func testWithoutMergingOnlyTheFileCounts() throws {
        let json = #"{"screening_bodies": [{"code": "330802", "name_zh": "柯城区总工会", "kind": "countyFederation"}]}"#
        let data = try ReferenceData.decode(Data(json.utf8), mergingWithDefaults: false)
        XCTAssertEqual(data.screeningBodies.map(\.code), ["330802"])
    }

    func testScreeningBodyJSONUsesSnakeCaseNames() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(ScreeningBody(code: "QZ-GIC", nameZh: "集聚区", kind: .industryClusterUnion))
        XCTAssertEqual(String(decoding: json, as: UTF8.self),
                       #"{"active":true,"code":"QZ-GIC","kind":"industryClusterUnion","name_zh":"集聚区"}"#)
    }
}
