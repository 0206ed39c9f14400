import Foundation
@testable import IntakeService
import ServiceKit
import TestSupport
import XCTest

/// Services/Intake/openapi.yaml, parsed with OpenAPIKit: every route intake serves is documented, nothing
/// documented is not routed, and GET /openapi.yaml serves the file byte for byte.
final class OpenAPITests: XCTestCase {
    func testTheOpenAPIFileDescribesEveryRouteAndIsServedAsItIs() async throws {
        let (problems, document) = try await OpenAPIContract.problems(ofService: "Intake") { IntakeModule() }
        XCTAssertEqual(problems, [])
        let own = OpenAPIContract.operations(in: document).filter {
            let path = $0.split(separator: " ")[1]
            return path.hasPrefix("/rounds") || path.hasPrefix("/applications") || path.hasPrefix("/studios") || path.hasPrefix("/import-template")
        }
        XCTAssertEqual(own.count, 21)
        XCTAssertNotNil(document.components.schemas["ImportProblem"])
    }
}
