import Foundation
import PlatformClient
import Synchronization
import XCTest

/// Schemathesis (PyPI) against each real service's own /openapi.yaml, with valid tokens: no 5xx, every
/// response conforms to the document (status, content type, headers, schema), invalid input is refused,
/// undeclared methods get 405, and an operation that needs a token refuses a request without one.
/// Bounded for CI (a fixed seed, a few examples per operation, no stateful phase); the long mode is
/// `STUDIO_SCHEMATHESIS_EXAMPLES=100` (random seed, stateful phase too; `STUDIO_SCHEMATHESIS_SEED` pins one),
/// or `deploy/fuzz.sh`.
final class SchemathesisTests: XCTestCase {
    static let checks = [
        "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
        "response_schema_conformance", "negative_data_rejection", "unsupported_method", "missing_required_header", "ignored_auth",
    ]

    struct Pass {
        var service: String
        var role: String
        /// schemathesis filter options for this pass
        var filter: [String]
    }

    struct Outcome {
        var pass: Pass
        var status: Int32
        var output: String
        var seconds: Double
        var cases: Int { Int(output.firstMatch(of: /(\d+) generated/)?.1 ?? "0") ?? 0 }
        var failures: Int { Int(output.firstMatch(of: /(\d+) failures?[, ]/)?.1 ?? "0") ?? 0 }
        var summary: String {
            let start = output.range(of: "SUMMARY")?.lowerBound ?? output.index(output.endIndex, offsetBy: -min(output.count, 3000))
            return String(output[start...])
        }
    }

    func testEveryServiceConformsToItsOwnOpenAPIDocument() throws {
        let environment = ProcessInfo.processInfo.environment
        let long = environment["STUDIO_SCHEMATHESIS_EXAMPLES"] != nil
        let examples = environment["STUDIO_SCHEMATHESIS_EXAMPLES"] ?? "5"
        let phases = long ? "examples,coverage,fuzzing,stateful" : "examples,coverage,fuzzing"
        let seed = environment["STUDIO_SCHEMATHESIS_SEED"] ?? (long ? nil : "20261124")
        let version = try Self.run(["schemathesis", "--version"], in: NSTemporaryDirectory())
        XCTAssertEqual(version.status, 0, "schemathesis is not installed (deploy/test.sh installs it): \(version.output)")
        guard version.status == 0 else { return }

        let started = Date()
        let platform = try FuzzPlatform(prefix: "studio-schemathesis-")
        var passed = false
        defer { platform.cleanUp(keep: !passed) }
        try platform.start()

        // Business operations with the department's token (it reaches the most), the kit's /ops with the
        // operator's. POST /events needs a webhook signature, not a token: the signature tests cover it.
        let passes = FuzzPlatform.services.flatMap { service in
            [Pass(service: service, role: "department", filter: ["--exclude-path-regex", "^/(ops|events)"]),
             Pass(service: service, role: "operator", filter: ["--include-path-regex", "^/ops"])]
        }
        let results = Mutex<[Int: Outcome]>([:])
        let root = platform.root
        let tokens = platform.tokens
        let urls = Dictionary(uniqueKeysWithValues: FuzzPlatform.services.map { ($0, platform.url($0)) })
        // Two at a time: two cores, and the services need some of them too
        DispatchQueue.concurrentPerform(iterations: passes.count) { index in
            let pass = passes[index]
            var arguments = ["schemathesis", "run", urls[pass.service]! + "/openapi.yaml",
                             "-H", "Authorization: Bearer \(tokens[pass.role]!)",
                             "--checks", Self.checks.joined(separator: ","), "--max-examples", examples, "--phases", phases,
                             "--workers", "1", "--no-color", "--generation-database", "none", "--request-timeout", "10",
                             "--suppress-health-check", "all", "--report", "junit",
                             "--report-junit-path", root + "/schemathesis-\(pass.service)-\(pass.role).xml"] + pass.filter
            if let seed { arguments += ["--seed", seed] }
            let begin = Date()
            let result: (status: Int32, output: String) = (try? Self.run(arguments, in: root)) ?? (127, "could not start schemathesis")
            let outcome = Outcome(pass: pass, status: result.status, output: result.output, seconds: Date().timeIntervalSince(begin))
            results.withLock { $0[index] = outcome }
        }
        let outcomes = results.withLock { all in passes.indices.map { all[$0] } }

        var totalCases = 0, totalFailures = 0
        XCTAssertEqual(outcomes.compactMap { $0 }.count, passes.count)
        for outcome in outcomes.compactMap({ $0 }) {
            totalCases += outcome.cases
            totalFailures += outcome.failures
            print("schemathesis \(outcome.pass.service) as \(outcome.pass.role): \(outcome.cases) test cases, \(outcome.failures) failures, "
                  + "exit \(outcome.status), \(String(format: "%.1f", outcome.seconds)) s")
            XCTAssertGreaterThan(outcome.cases, 0, "\(outcome.pass.service) as \(outcome.pass.role) ran nothing:\n\(outcome.output.suffix(3000))")
            XCTAssertEqual(outcome.status, 0, "schemathesis found problems in \(outcome.pass.service) as \(outcome.pass.role):\n\(outcome.output.suffix(20000))")
            if outcome.status != 0 { print(outcome.summary) }
        }
        // And every service is still up
        for service in FuzzPlatform.services {
            let reply = try APIClient(baseURL: platform.url(service), token: nil).call("GET", "/health")
            XCTAssertEqual(reply.status, 200, "\(service) stopped serving")
        }
        print("schemathesis: \(totalCases) test cases over \(passes.count) passes, \(totalFailures) failures, \(examples) examples per operation, "
              + "phases \(phases), seed \(seed ?? "random"), \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        passed = totalFailures == 0 && outcomes.allSatisfy { $0?.status == 0 }
    }

    /// Runs a command through /usr/bin/env in `folder`; its exit status and its output and errors together.
    static func run(_ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "120"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
