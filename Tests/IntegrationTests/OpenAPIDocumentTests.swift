import Foundation
import PlatformClient
import XCTest

/// Each running service serves an OpenAPI 3.1 document that a validator accepts.
final class OpenAPIDocumentTests: XCTestCase {
    func testEveryServiceServesAValidOpenAPIDocument() throws {
        let root = NSTemporaryDirectory() + "studio-openapi-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["intake", "review", "funding", "assessment"] {
            let service = ServiceProcess(name: name, dataDir: root)
            try service.start()
            defer { service.stop() }
            let reply = try APIClient(baseURL: service.baseURL, token: nil).call("GET", "/openapi.yaml")
            XCTAssertEqual(reply.status, 200)
            let path = root + "/\(name).yaml"
            try Data(reply.body).write(to: URL(fileURLWithPath: path))

            let validator = Process()
            validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            validator.arguments = ["python3", "-c", """
                import sys, yaml
                from openapi_spec_validator import validate
                validate(yaml.safe_load(open(sys.argv[1])))
                """, path]
            let errors = Pipe()
            validator.standardError = errors
            try validator.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            validator.waitUntilExit()
            XCTAssertEqual(validator.terminationStatus, 0, "\(name)'s OpenAPI document is invalid:\n\(message.suffix(2000))")
        }
    }
}
