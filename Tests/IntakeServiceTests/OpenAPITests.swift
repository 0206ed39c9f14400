import Foundation
@testable import IntakeService
import ServiceKit
import TestSupport
import XCTest

/// The OpenAPI document describes every route intake serves, and every error body.
final class OpenAPITests: XCTestCase {
    func testTheOpenAPIDocumentDescribesEveryRoute() throws {
        let service = try TestService(IntakeModule())
        let document = OpenAPIDocument.render(module: IntakeModule(), handledEventTypes: [])
        let described = OpenAPIPaths.operations(in: document)
        var intakeRoutes = 0
        for route in service.built.routes {
            let parts = route.split(separator: " ", maxSplits: 1)
            let path = OpenAPIPaths.normalise(String(parts[1]))
            XCTAssertTrue(described.contains("\(parts[0].lowercased()) \(path)"), "\(route) is not in the OpenAPI document")
            if path.hasPrefix("/rounds") || path.hasPrefix("/applications") || path.hasPrefix("/studios") || path.hasPrefix("/import-template") { intakeRoutes += 1 }
        }
        XCTAssertEqual(intakeRoutes, 21)
        XCTAssertTrue(document.hasPrefix("openapi: 3.1.0"))
        // Every schema a response or body refers to is defined
        let referenced = Set(document.matches(of: /#\/components\/schemas\/([A-Za-z]+)/).map { String($0.1) })
        for name in referenced {
            XCTAssertTrue(document.contains("\n    \(name):\n"), "schema \(name) is referenced but not defined")
        }
        XCTAssertTrue(document.contains("ImportProblem"))
    }
}
