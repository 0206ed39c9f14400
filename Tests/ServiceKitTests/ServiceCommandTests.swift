import ArgumentParser
import ServiceKit
import StudioDomain
import XCTest

/// One configuration path: a flag, else its documented variable, else the default; a bad value is an error
/// naming the flag, the variable and the rule, never a silent default.
final class ServiceCommandTests: XCTestCase {
    func testAFlagWinsOverItsVariableWhichWinsOverTheDefault() throws {
        let environment = SettingsEnvironment(["FUNDING_PAYMENT_DAYS": "20"])
        XCTAssertEqual(try environment.integer(10, option: "payment-days", variable: "FUNDING_PAYMENT_DAYS", range: 0...365, default: 30), 10)
        XCTAssertEqual(try environment.integer(nil, option: "payment-days", variable: "FUNDING_PAYMENT_DAYS", range: 0...365, default: 30), 20)
        XCTAssertEqual(try SettingsEnvironment([:]).integer(nil, option: "payment-days", variable: "FUNDING_PAYMENT_DAYS", range: 0...365, default: 30), 30)
        XCTAssertEqual(try SettingsEnvironment(["FUNDING_PAYMENT_DAYS": ""]).integer(nil, option: "payment-days", variable: "FUNDING_PAYMENT_DAYS", range: 0...365, default: 30), 30,
                       "an empty KEY= in an .env file counts as unset")
    }

    func testAnUnreadableOrOutOfRangeValueNamesTheFlagTheVariableAndTheRule() {
        XCTAssertThrowsError(try SettingsEnvironment(["INTAKE_PORT": "eighty"]).integer(nil, option: "port", variable: "INTAKE_PORT", range: 1...65535, default: 8081)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("INTAKE_PORT") && text.contains("--port") && text.contains("whole number"), text)
        }
        XCTAssertThrowsError(try SettingsEnvironment([:]).integer(70000, option: "port", variable: "INTAKE_PORT", range: 1...65535, default: 8081)) { error in
            XCTAssertTrue("\(error)".contains("1…65535"), "\(error)")
        }
    }

    enum Policy: String, CaseIterable { case refuse, flag }

    func testAChoiceListsWhatItMayBe() throws {
        XCTAssertEqual(try SettingsEnvironment(["X": "flag"]).choice(nil, option: "x", variable: "X", default: Policy.refuse), .flag)
        XCTAssertThrowsError(try SettingsEnvironment(["X": "ignore"]).choice(nil, option: "x", variable: "X", default: Policy.refuse)) { error in
            XCTAssertTrue("\(error)".contains("refuse, flag"), "\(error)")
        }
    }

    func testAMissingReferenceDataFileStopsTheStartNamingIt() throws {
        XCTAssertThrowsError(try ReferenceDataOptions.parse(["--reference-data", "/nonexistent/bodies.json"]).load(environment: SettingsEnvironment([:]))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/bodies.json"), "\(error)")
        }
        XCTAssertThrowsError(try ReferenceDataOptions.parse([]).load(environment: SettingsEnvironment(["STUDIO_REFERENCE_DATA": "/nonexistent/x.json"])))
        XCTAssertEqual(try ReferenceDataOptions.parse([]).load(environment: SettingsEnvironment([:])).screeningBodies.count,
                       ReferenceData.defaults.screeningBodies.count)
    }
}
