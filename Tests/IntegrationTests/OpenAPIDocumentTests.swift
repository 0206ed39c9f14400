import Foundation
import OpenAPIKit
import PlatformClient
import XCTest
import Yams

/// Each running service binary serves its checked-in OpenAPI 3.1 document (Services/<Name>/openapi.yaml)
/// byte for byte, OpenAPIKit reads it with every reference resolved, and a second validator
/// (openapi-spec-validator, PyPI) accepts it.
final class OpenAPIDocumentTests: XCTestCase {
    func testEveryServiceServesItsOpenAPIFileAsItIs() throws {
        let root = NSTemporaryDirectory() + "studio-openapi-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let services = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Services")
        for name in ["intake", "review", "funding", "assessment"] {
            let file = try Data(contentsOf: services.appendingPathComponent("\(name.prefix(1).uppercased() + name.dropFirst())/openapi.yaml"))
            let service = ServiceProcess(name: name, dataDir: root)
            try service.start()
            defer { service.stop() }
            let reply = try APIClient(baseURL: service.baseURL, token: nil).call("GET", "/openapi.yaml")
            XCTAssertEqual(reply.status, 200)
            XCTAssertEqual(Data(reply.body), file, "\(name) does not serve its openapi.yaml as it is")
            let document = try YAMLDecoder().decode(OpenAPI.Document.self, from: Data(reply.body))
            try document.validate(strict: false)
            _ = try document.locallyDereferenced()
            XCTAssertGreaterThan(document.paths.count, 20, name)

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
