import Foundation
@testable import IntakeService
import ServiceKit
import TestSupport
import XCTest

/// Services/Intake/openapi.yaml, parsed with OpenAPIKit: every route intake serves is documented, nothing
/// documented is not routed, and GET /openapi.yaml serves the file byte for byte.
final class OpenAPITests: XCTestCase {
    func testTheOpenAPIFileDescribesEveryRouteAndIsServedAsItIs() async throws {
        let file = try OpenAPIContract.sourceFile("Intake")
        for demoClock in [true, false] {
            let service = try TestService(IntakeModule(), demoClock: demoClock)
            let mismatches = try await OpenAPIContract.mismatches(built: service.built, file: file)
            XCTAssertEqual(mismatches, [], "demo clock \(demoClock)")
        }
        let document = try OpenAPIContract.parse(file)
        XCTAssertEqual(try OpenAPIContract.kitMismatches(in: document), [])
        XCTAssertEqual(OpenAPIContract.bareObjects(in: document), [], "every object schema names its fields")
        XCTAssertEqual(OpenAPIContract.misnamedFields(in: document), [], "camelCase, ids as expertId")
        let own = OpenAPIContract.operations(in: document).filter {
            let path = $0.split(separator: " ")[1]
            return path.hasPrefix("/rounds") || path.hasPrefix("/applications") || path.hasPrefix("/studios") || path.hasPrefix("/import-template")
        }
        XCTAssertEqual(own.count, 21)
        XCTAssertNotNil(document.components.schemas["ImportProblem"])
    }
}
