import Foundation
import OpenAPIKit
import PlatformClient
import Synchronization
import XCTest
import Yams

/// Schemathesis (PyPI) against each real service's own /openapi.yaml with `--checks all`: no 5xx, every
/// response conforms to the document (status, content type, headers, schema), invalid input is refused,
/// schema-valid input is accepted (the document says what the code enforces), undeclared methods get 405,
/// and an operation that needs a token refuses a request without one. Each operation is called with a role
/// that may call it (its `x-roles`, the department where it may); the operations API (`/ops`, which can
/// revoke tokens and move the demo clock) runs after the business passes.
/// Bounded for CI (a fixed seed, a few examples per operation, no stateful phase); the long mode is
/// `STUDIO_SCHEMATHESIS_EXAMPLES=100` (random seed, stateful phase too; `STUDIO_SCHEMATHESIS_SEED` pins one),
/// or `deploy/fuzz.sh`.
final class SchemathesisTests: XCTestCase {
    /// Operations whose schema-valid requests the service may refuse for a reason a JSON Schema cannot state:
    /// the state of the data, today's date, one field against another, or the content of a file. They run
    /// in passes of their own with `--checks all --exclude-checks positive_data_acceptance`: every other
    /// check still holds them, and the reason is written here.
    static let acceptanceNotDecidableBySchema: [(operation: String, reason: String)] = [
        ("POST /rounds", "Idempotency-Key: the same key with another body is refused (422, the IETF draft's answer)"),
        ("POST /rounds/{id}/cancel", "Idempotency-Key reused with another body"),
        ("POST /rounds/{id}/deadline", "the new deadline must differ from the round's and not be before today"),
        ("POST /rounds/{id}/quota", "the new quotas must differ from the round's and not be below what was recommended"),
        ("POST /rounds/{id}/import", "the body is a sheet whose rows are checked (CSV or .xlsx content)"),
        ("POST /applications", "roundId names a round that exists and is open"),
        ("PUT /applications/{id}", "the application's round and status decide what may change"),
        ("POST /applications/{id}/attachments", "the body must be a file of an allowed kind (recognised by its content)"),
        ("PATCH /rounds/{round}", "the rubric's weights add up to 100; trimmedMean needs 5 experts or more"),
        ("PUT /rounds/{round}/experts/{expert}", "minLoad at most maxLoad"),
        ("PUT /calendars/{year}", "every date lies in the year of the path and is listed once"),
        ("POST /rounds/{round}/decision", "leaving entries out needs a reason"),
        ("POST /experts/import", "the body is a sheet whose header and rows are checked"),
        ("POST /site-visits/{visit}/photos", "the body must be a JPEG or PNG (recognised by its content)"),
        ("POST /payment-confirmations", "the body is the bank's sheet, whose rows are checked"),
        ("POST /provincial-studios/import", "the body is a CSV whose header and rows are checked"),
        ("POST /revocation-cases", "foundOn is not after today"),
        ("POST /ops/replay", "to is after from"),
    ]

    /// schemathesis.toml for every pass: list cursors are left out of generation (a cursor is opaque: only a
    /// previous page's nextCursor is valid, which a schema cannot describe; an empty one asks for the first page).
    static let configuration = "[parameters]\n\"query.cursor\" = \"\"\n"

    struct Pass {
        var service: String
        var role: String
        /// schemathesis filter options for this pass
        var filter: [String]
        var operations: Int
        /// The operations of `acceptanceNotDecidableBySchema`: every check but positive_data_acceptance.
        var exempt = false
    }

    struct Outcome {
        var pass: Pass
        var status: Int32
        var output: String
        var seconds: Double
        var cases: Int { Int(output.firstMatch(of: /(\d+) generated/)?.1 ?? "0") ?? 0 }
        var failures: Int { Int(output.firstMatch(of: /(\d+) (?:unique )?failures?[, ]/)?.1 ?? "0") ?? 0 }
        /// Schema-valid requests the service refused (ST202)
        var rejectedValid: Int { Int(output.firstMatch(of: /Schema-valid request rejected: (\d+)/)?.1 ?? "0") ?? 0 }
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

        // Each operation with a role that may call it: its x-roles (the department when it is one of them),
        // public ones with the department's token; POST /events needs a webhook signature, not a token (the
        // signature tests cover it). The operations API last: it revokes tokens and moves the demo clock.
        var business: [Pass] = [], operations: [Pass] = []
        var documented: Set<String> = []
        for service in FuzzPlatform.services {
            let reply = try APIClient(baseURL: platform.url(service), token: nil).call("GET", "/openapi.yaml")
            let document = try YAMLDecoder().decode(OpenAPI.Document.self, from: Data(reply.body))
            var byRole: [String: [String]] = [:]
            for route in document.routes where route.path.rawValue != "/events" {
                for endpoint in route.pathItem.endpoints {
                    let roles = (endpoint.operation.vendorExtensions["x-roles"]?.value as? [Any])?.compactMap { $0 as? String } ?? []
                    let role = roles.isEmpty || roles.contains("department") ? "department" : roles[0]
                    let name = "\(endpoint.method.rawValue.uppercased()) \(route.path.rawValue)"
                    byRole[route.path.rawValue.hasPrefix("/ops") ? "ops " + role : role, default: []].append(name)
                    documented.insert(name)
                }
            }
            let exempt = Set(Self.acceptanceNotDecidableBySchema.map(\.operation))
            for (key, names) in byRole.sorted(by: { $0.key < $1.key }) {
                let isOps = key.hasPrefix("ops ")
                for group in [names.filter { !exempt.contains($0) }, names.filter { exempt.contains($0) }] where !group.isEmpty {
                    let pass = Pass(service: service, role: isOps ? String(key.dropFirst(4)) : key,
                                    filter: group.sorted().flatMap { ["--include-name", $0] }, operations: group.count,
                                    exempt: exempt.contains(group[0]))
                    if isOps { operations.append(pass) } else { business.append(pass) }
                }
            }
        }
        XCTAssertGreaterThan(business.count, 8, "passes for more roles than the department's")
        for (operation, _) in Self.acceptanceNotDecidableBySchema {
            XCTAssertTrue(documented.contains(operation), "\(operation) is exempt from positive_data_acceptance but no document has it")
        }
        let passes = business + operations
        let results = Mutex<[Int: Outcome]>([:])
        let root = platform.root
        try Self.configuration.write(toFile: root + "/schemathesis.toml", atomically: true, encoding: .utf8)
        let tokens = platform.tokens
        let urls = Dictionary(uniqueKeysWithValues: FuzzPlatform.services.map { ($0, platform.url($0)) })
        let run: @Sendable (Int) -> Void = { index in
            let pass = passes[index]
            var arguments = ["schemathesis", "--config-file", root + "/schemathesis.toml", "run", urls[pass.service]! + "/openapi.yaml",
                             "-H", "Authorization: Bearer \(tokens[pass.role]!)",
                             "--checks", "all", "--max-examples", examples, "--phases", phases,
                             "--workers", "1", "--no-color", "--generation-database", "none", "--request-timeout", "10",
                             "--suppress-health-check", "all", "--report", "junit",
                             "--report-junit-path", root + "/schemathesis-\(index)-\(pass.service)-\(pass.role).xml"] + pass.filter
                + (pass.exempt ? ["--exclude-checks", "positive_data_acceptance"] : [])
            if let seed { arguments += ["--seed", seed] }
            let begin = Date()
            let result: (status: Int32, output: String) = (try? Self.run(arguments, in: root)) ?? (127, "could not start schemathesis")
            let outcome = Outcome(pass: pass, status: result.status, output: result.output, seconds: Date().timeIntervalSince(begin))
            results.withLock { $0[index] = outcome }
        }
        // Two at a time: two cores, and the services need some of them too
        let businessPasses = business.count
        DispatchQueue.concurrentPerform(iterations: businessPasses) { run($0) }
        DispatchQueue.concurrentPerform(iterations: passes.count - businessPasses) { run(businessPasses + $0) }
        let outcomes = results.withLock { all in passes.indices.map { all[$0] } }

        var totalCases = 0, totalFailures = 0, totalRejectedValid = 0
        XCTAssertEqual(outcomes.compactMap { $0 }.count, passes.count)
        for outcome in outcomes.compactMap({ $0 }) {
            totalCases += outcome.cases
            totalFailures += outcome.failures
            totalRejectedValid += outcome.rejectedValid
            print("schemathesis \(outcome.pass.service) as \(outcome.pass.role) (\(outcome.pass.operations) operations\(outcome.pass.exempt ? ", acceptance not decidable by schema" : "")): \(outcome.cases) test cases, "
                  + "\(outcome.failures) failures (\(outcome.rejectedValid) schema-valid requests rejected), "
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
        print("schemathesis --checks all: \(totalCases) test cases over \(passes.count) passes, \(totalFailures) failures, "
              + "\(totalRejectedValid) schema-valid requests rejected, \(examples) examples per operation, "
              + "phases \(phases), seed \(seed ?? "random"), \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        passed = totalFailures == 0 && outcomes.allSatisfy { $0?.status == 0 }
    }

    /// Runs a command through /usr/bin/env in `folder`; its exit status and its output and errors together.
    static func run(_ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        try Process.runToEnd("/usr/bin/env", arguments, environment: ["NO_COLOR": "1", "COLUMNS": "120"], in: folder)
    }
}
