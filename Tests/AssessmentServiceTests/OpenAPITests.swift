import AssessmentService
import Foundation
import Messaging
import ServiceKit
import StudioDomain
import TestSupport
import XCTest

/// The OpenAPI document describes every route of the assessment service.
final class OpenAPITests: XCTestCase {
    static let handledTypes = [StudioNamed.eventType, DemonstrationSelected.eventType, InspectionMisuseFound.eventType]

    func testTheOpenAPIDocumentDescribesEveryRoute() throws {
        let fixture = try AssessmentFixture()
        let built = fixture.service.built
        let document = OpenAPIDocument.render(module: AssessmentModule(), handledEventTypes: Self.handledTypes)
        if let path = ProcessInfo.processInfo.environment["ASSESSMENT_OPENAPI_DUMP"] {
            try document.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let described = OpenAPIPaths.operations(in: document)
        for route in built.routes {
            let parts = route.split(separator: " ", maxSplits: 1)
            let method = parts[0].lowercased()
            let path = OpenAPIPaths.normalise(String(parts[1]))
            XCTAssertTrue(described.contains("\(method) \(path)"), "\(route) is not in the OpenAPI document")
        }
        XCTAssertTrue(described.contains("post /studios/{id}/assessments"))
        XCTAssertTrue(document.contains("CycleAssessmentInput:"))
    }

    func testOnlyThePublicPagesAreOpenToAnonymousCallers() {
        let paths = AssessmentModule().openAPIPaths
        var current = ""
        var open: [String] = []
        for line in paths.split(separator: "\n") {
            if line.hasPrefix("  /") { current = String(line.dropFirst(2).dropLast()) }
            if line.trimmingCharacters(in: .whitespaces) == "security: []" { open.append(current) }
        }
        XCTAssertEqual(open, ["/public/studios", "/public/studios/{id}", "/public/notices", "/public/notices/{id}"])
    }
}

