import AssessmentService
import Foundation
import Messaging
import OpenAPIKit
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// Services/Assessment/openapi.yaml, parsed with OpenAPIKit: every route of the assessment service is
/// documented, nothing documented is not routed, and GET /openapi.yaml serves the file byte for byte.
final class OpenAPITests: XCTestCase {
    func testTheOpenAPIFileDescribesEveryRouteAndIsServedAsItIs() async throws {
        let (problems, document) = try await OpenAPIContract.problems(ofService: "Assessment") { AssessmentModule() }
        XCTAssertEqual(problems, [])
        XCTAssertTrue(OpenAPIContract.operations(in: document).contains("post /studios/{id}/assessments"))
        XCTAssertNotNil(document.components.schemas["CycleAssessmentInput"])
    }

    func testOnlyThePublicPagesAreOpenToAnonymousCallers() throws {
        let document = try OpenAPIContract.parse(try OpenAPIContract.sourceFile("Assessment"))
        let kitOperations = OpenAPIContract.operations(in: try OpenAPIContract.kitDocument())
        let open = OpenAPIContract.operationObjects(in: document)
            .filter { !kitOperations.contains($0.key) && $0.value.security == [] }
            .map { String($0.key.split(separator: " ")[1]) }
        XCTAssertEqual(Set(open), ["/public/studios", "/public/studios/{id}", "/public/notices", "/public/notices/{id}"])
    }
}
