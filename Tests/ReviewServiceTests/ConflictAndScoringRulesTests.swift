@testable import ReviewService
import StudioDomain
import XCTest

/// Conflicts of interest, speciality costs, and the rubric (pure rules).
final class ConflictAndScoringRulesTests: XCTestCase {
    let application = ApplicationFacts(id: "A1", unitName: "衢州元立金属制品有限公司", unitCreditCode: "91330800MA2A0000X1",
                                       screeningBodyCode: "330802", leaderName: "王建国")

    func expert(unit: String = "浙江工业大学", code: String? = nil, body: String? = "330803", relationships: [DeclaredRelationship] = []) -> ExpertFacts {
        ExpertFacts(id: "E1", unitName: unit, unitCreditCode: code, screeningBodyCode: body, relationships: relationships)
    }

    func testAnExpertFromAnotherUnitWithNoTiesHasNoConflict() {
        XCTAssertEqual(ConflictRules.conflicts(expert: expert(), application: application, excludeSameScreeningBody: true), [])
    }

    func testTheOwnUnitIsAConflictByCreditCodeOrByName() {
        let byCode = ConflictRules.conflicts(expert: expert(unit: "元立集团", code: "91330800ma2a0000x1"), application: application, excludeSameScreeningBody: false)
        XCTAssertEqual(byCode.map(\.rule), ["same_unit"])
        XCTAssertTrue(byCode[0].factZh.contains("衢州元立金属制品有限公司"))
        let byName = ConflictRules.conflicts(expert: expert(unit: " 衢州元立金属制品有限公司 "), application: application, excludeSameScreeningBody: false)
        XCTAssertEqual(byName.map(\.rule), ["same_unit"])
    }

    func testDeclaredRelationshipsWithTheUnitOrTheLeaderAreConflictsAndSayWhich() {
        let supplier = DeclaredRelationship(kind: .supplier, unitCreditCode: "91330800MA2A0000X1")
        let master = DeclaredRelationship(kind: .masterApprentice, personName: "王建国")
        let former = DeclaredRelationship(kind: .formerEmployer, unitName: "别的公司")
        let found = ConflictRules.conflicts(expert: expert(relationships: [supplier, master, former]), application: application, excludeSameScreeningBody: false)
        XCTAssertEqual(found.map(\.rule), ["declared_relationship", "declared_relationship"])
        XCTAssertTrue(found[0].factEn.contains("supplier"))
        XCTAssertTrue(found[1].factZh.contains("师徒关系"))
        XCTAssertTrue(found[1].factEn.contains("王建国"))
    }

    func testTheSameScreeningBodyCountsOnlyWhenTheRoundSaysSo() {
        let sameArea = expert(body: "330802")
        XCTAssertEqual(ConflictRules.conflicts(expert: sameArea, application: application, excludeSameScreeningBody: false), [])
        XCTAssertEqual(ConflictRules.conflicts(expert: sameArea, application: application, excludeSameScreeningBody: true).map(\.rule), ["same_screening_body"])
    }

    func testAManualConflictIsExplainedWithWhoAddedIt() {
        let found = ConflictRules.conflicts(expert: expert(), application: application, excludeSameScreeningBody: false, manual: [("共同承担课题", "department:tok_1")])
        XCTAssertEqual(found.map(\.rule), ["manual"])
        XCTAssertTrue(found[0].factZh.contains("共同承担课题"))
    }

    func testSpecialityCostPrefersTheExactFieldThenTheIndustry() {
        XCTAssertEqual(ConflictRules.specialityCost(expertSpecialities: ["装备制造/数控加工"], applicationSpeciality: "装备制造/数控加工"), 0)
        XCTAssertEqual(ConflictRules.specialityCost(expertSpecialities: ["化工", "装备制造/焊接"], applicationSpeciality: "装备制造/数控加工"), 1)
        XCTAssertEqual(ConflictRules.specialityCost(expertSpecialities: ["电力/继电保护"], applicationSpeciality: "装备制造/数控加工"), 3)
    }

    func testTheDefaultRubricCoversArticle5AndArticle2AndWeighs100() {
        let rubric = Rubric.standard
        XCTAssertEqual(rubric.criteria.map(\.key), ["facilities", "workRules", "projects", "team", "results"])
        XCTAssertEqual(rubric.criteria.reduce(0) { $0 + $1.weight }, 100)
        XCTAssertEqual(rubric.criteria[2].article, Article(5, item: 3).reference)
        XCTAssertEqual(rubric.issues(), [])
        // 8/10×15 + 7/10×15 + 9/10×30 + 6/10×20 + 10/10×20 = 12 + 10.5 + 27 + 12 + 20 = 81.5
        XCTAssertEqual(rubric.total(["facilities": 8, "workRules": 7, "projects": 9, "team": 6, "results": 10]), Rational(163, 2))
    }

    func testRubricAndScoreValidationNameTheField() {
        var rubric = Rubric.standard
        rubric.criteria[0].weight = 20
        XCTAssertEqual(rubric.issues().map(\.code), ["rubric.weights_total"])
        let issues = Rubric.standard.issues(scores: ["projects": 11, "beauty": 3], complete: true)
        XCTAssertEqual(Set(issues.map(\.field)), ["scores.beauty", "scores.projects", "scores.facilities", "scores.workRules", "scores.team", "scores.results"])
        XCTAssertEqual(issues.first { $0.field == "scores.projects" }?.article, Article(5, item: 3).reference)
    }
}
