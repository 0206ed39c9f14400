import XCTest
@testable import StudioDomain

final class SkillLevelTests: XCTestCase {
    func testLevelsAreOrderedFromLevelFiveToChiefTechnician() {
        // Given every level in declaration order
        let levels = SkillLevel.allCases

        // Then they are strictly increasing, 五级 lowest and 首席技师 highest
        XCTAssertEqual(levels, levels.sorted())
        XCTAssertEqual(levels.map(\.rank), Array(1...7))
        XCTAssertLessThan(SkillLevel.seniorTechnician, .principalTechnician)
        XCTAssertLessThan(SkillLevel.principalTechnician, .chiefTechnician)
        XCTAssertEqual(levels.min(), .elementary)
        XCTAssertEqual(levels.max(), .chiefTechnician)
    }

    func testParsesChineseVariants() {
        let cases: [(String, SkillLevel)] = [
            ("五级", .elementary), ("初级工", .elementary), ("五级/初级工", .elementary),
            ("四级", .intermediate), ("中级工", .intermediate),
            ("三级", .senior), ("高级工", .senior), ("三级/高级工", .senior), ("三级（高级工）", .senior),
            ("国家职业资格三级", .senior), (" 3级 ", .senior), ("高级", .senior),
            ("二级", .technician), ("技师", .technician), ("二级／技师", .technician),
            ("一级", .seniorTechnician), ("高级技师", .seniorTechnician), ("一级/高级技师", .seniorTechnician),
            ("特级技师", .principalTechnician), ("首席技师", .chiefTechnician),
            ("senior", .senior),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(SkillLevel.parse(text), expected, "parsing \(text)")
        }
    }

    func testRefusesUnknownOrContradictoryText() {
        XCTAssertNil(SkillLevel.parse(""))
        XCTAssertNil(SkillLevel.parse("工程师"))
        XCTAssertNil(SkillLevel.parse("三级/技师"))
        XCTAssertNil(SkillLevel.parse("六级"))
    }

    func testEveryChineseNameParsesBackToItsLevel() {
        for level in SkillLevel.allCases {
            XCTAssertEqual(SkillLevel.parse(level.nameZh), level)
        }
    }

    func testArticle5LeaderBoundary() {
        // Given the levels around the boundary of Art 5(4) (高级及以上)
        // Then 四级/中级工 is refused and 三级/高级工 and above are accepted
        XCTAssertFalse(SkillLevel.elementary.meetsArticle5Leader)
        XCTAssertFalse(SkillLevel.intermediate.meetsArticle5Leader)
        XCTAssertTrue(SkillLevel.senior.meetsArticle5Leader)
        XCTAssertTrue(SkillLevel.technician.meetsArticle5Leader)
        XCTAssertTrue(SkillLevel.chiefTechnician.meetsArticle5Leader)
    }
}
