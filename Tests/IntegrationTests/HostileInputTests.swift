import Foundation
import Messaging
import XCTest

/// Hostile input against the four real binaries over real HTTP (libcurl): malformed JSON, wrong types,
/// invalid UTF-8, oversized bodies (with Content-Length and chunked), 100,000-element arrays, SQL-looking
/// strings and path tricks in attachment names. Each gets a clear 4xx problem naming the field, nothing is
/// stored (row counts unchanged, no file written), and every service still answers /health afterwards.
final class HostileInputTests: XCTestCase {
    struct Target {
        var service: String
        var method: String
        var path: String
        var role: String
        /// Tables whose row count must not move.
        var tables: [String]
        /// A body with a field of the wrong type, and the field the problem must name.
        var wrongType: (body: String, field: String)
        /// A body with a 100,000-element array, and the field the problem must name.
        var hugeArray: (body: String, field: String)
    }

    static func array(_ element: String, _ count: Int = 100_000) -> String {
        "[" + Array(repeating: element, count: count).joined(separator: ",") + "]"
    }

    let client = BlockingCurlClient(timeouts: .init(connect: .seconds(2), total: .seconds(30)))

    func send(_ platform: FuzzPlatform, _ service: String, _ method: String, _ path: String, role: String?,
              body: [UInt8] = [], contentType: String = "application/json", chunked: Bool = false) throws -> (status: Int, json: [String: Any], text: String) {
        var headers: [(String, String)] = [("Content-Type", contentType)]
        if let role { headers.append(("Authorization", "Bearer \(platform.tokens[role]!)")) }
        if chunked { headers.append(("Transfer-Encoding", "chunked")) }
        let response = client.send(OutboundRequest(method: method, url: platform.url(service) + path, headers: headers, body: body, responseLimit: 1 << 20))
        guard let status = response.statusCode else { throw HarnessError("\(method) \(path): \(response.failure?.message ?? "no answer")") }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (status, json, String(decoding: response.body, as: UTF8.self))
    }

    /// A problem document with a first issue naming `field` (when given) and both messages.
    func assertProblem(_ reply: (status: Int, json: [String: Any], text: String), _ statuses: Set<Int>, field: String?, _ what: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(statuses.contains(reply.status), "\(what): \(reply.status) \(reply.text.prefix(300))", file: file, line: line)
        let issue = (reply.json["errors"] as? [[String: Any]])?.first ?? [:]
        XCTAssertNotNil(issue["code"] as? String, "\(what): no code in \(reply.text.prefix(300))", file: file, line: line)
        XCTAssertFalse((issue["message_zh"] as? String ?? "").isEmpty, "\(what): no Chinese message", file: file, line: line)
        XCTAssertFalse((issue["message_en"] as? String ?? "").isEmpty, "\(what): no English message", file: file, line: line)
        if let field { XCTAssertEqual(issue["field"] as? String, field, "\(what): \(reply.text.prefix(300))", file: file, line: line) }
    }

    func assertHealthy(_ platform: FuzzPlatform, file: StaticString = #filePath, line: UInt = #line) throws {
        for service in FuzzPlatform.services {
            XCTAssertEqual(try send(platform, service, "GET", "/health", role: nil).status, 200, "\(service) stopped serving", file: file, line: line)
        }
    }

    func testHostileInputGetsAClear4xxStoresNothingAndEveryServiceKeepsServing() throws {
        let started = Date()
        let platform = try FuzzPlatform(prefix: "studio-hostile-")
        var passed = false
        defer { platform.cleanUp(keep: !passed) }
        try platform.start()

        // A round and a draft of the screening body, to aim attachments at
        let round = try send(platform, "intake", "POST", "/rounds", role: "department",
                             body: Array(#"{"kind":"naming","year":2026,"opensOn":"2026-01-01","deadline":"2099-12-31"}"#.utf8))
        XCTAssertEqual(round.status, 201, round.text)
        let roundID = try XCTUnwrap(round.json["id"] as? String)
        let draft = try send(platform, "intake", "POST", "/applications", role: "screening_body",
                             body: Array(#"{"roundId":"\#(roundID)","submit":false,"form":{"studio":{"name":"工作室"}}}"#.utf8))
        XCTAssertEqual(draft.status, 201, draft.text)
        let draftID = try XCTUnwrap(draft.json["id"] as? String)

        let targets = [
            Target(service: "intake", method: "POST", path: "/applications", role: "screening_body",
                   tables: ["intake_application", "intake_application_version", "intake_status_history"],
                   wrongType: (#"{"roundId":"\#(roundID)","submit":"yes","form":{}}"#, "submit"),
                   hugeArray: (#"{"roundId":"\#(roundID)","submit":false,"form":{"results":{"patents":\#(Self.array(#""p""#))}}}"#, "results.patents")),
            Target(service: "intake", method: "PUT", path: "/applications/\(draftID)", role: "screening_body",
                   tables: ["intake_application", "intake_application_version"],
                   wrongType: (#"{"team":{"members":[{"name":7}]}}"#, "team.members[0].name"),
                   hugeArray: (#"{"team":{"members":\#(Self.array(#"{"name":"m"}"#, 60_000))}}"#, "team.members")),
            Target(service: "review", method: "POST", path: "/experts", role: "department", tables: ["expert"],
                   wrongType: (#"{"id":"E9","name":"专家","unitName":"u","specialities":["x"],"maxLoad":"ten","relationships":[],"active":true}"#, "maxLoad"),
                   hugeArray: (#"{"id":"E9","name":"专家","unitName":"u","specialities":\#(Self.array(#""x""#)),"maxLoad":3,"relationships":[],"active":true}"#, "specialities")),
            Target(service: "funding", method: "PUT", path: "/budgets/2026", role: "department", tables: ["budget", "budget_change"],
                   wrongType: (#"{"amount":"一百万"}"#, "amount"),
                   hugeArray: (#"{"amount":\#(Self.array("1"))}"#, "amount")),
            Target(service: "assessment", method: "POST", path: "/revocation-cases", role: "department", tables: ["revocation_case", "public_notice"],
                   wrongType: (#"{"studioId":42,"description":"x","foundOn":"2026-11-01"}"#, "studioId"),
                   hugeArray: (#"{"studioId":\#(Self.array(#""s""#)),"description":"x","foundOn":"2026-11-01"}"#, "studioId")),
        ]
        let oversized = Array(#"{"padding":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 2 << 20) + Array(#""}"#.utf8)
        var requests = 2
        for target in targets {
            let before = try target.tables.map { try platform.count(target.service, $0) }
            let what = "\(target.method) \(target.service)\(target.path)"
            let cases: [(name: String, body: [UInt8], chunked: Bool, statuses: Set<Int>, field: String?)] = [
                ("malformed JSON", Array(#"{"roundId": "x", "form": {"#.utf8), false, [400], "body"),
                ("not JSON at all", Array("<xml>ceci n'est pas du JSON</xml>".utf8), false, [400], "body"),
                ("invalid UTF-8", Array(#"{"name":""#.utf8) + [0xFF, 0xFE, 0xC3, 0x28] + Array(#""}"#.utf8), false, [400], "body"),
                ("an array for an object", Array("[1,2,3]".utf8), false, [400, 422], "body"),
                ("wrong type", Array(target.wrongType.body.utf8), false, [422], target.wrongType.field),
                ("100,000-element array", Array(target.hugeArray.body.utf8), false, [413, 422], target.hugeArray.field),
                ("2 MiB body", oversized, false, [413], "body"),
                ("2 MiB chunked body", oversized, true, [413], "body"),
            ]
            for hostile in cases {
                let reply = try send(platform, target.service, target.method, target.path, role: target.role, body: hostile.body, chunked: hostile.chunked)
                requests += 1
                assertProblem(reply, hostile.statuses, field: hostile.field, "\(what) with \(hostile.name)")
            }
            XCTAssertEqual(try target.tables.map { try platform.count(target.service, $0) }, before, "\(what) stored something")
            try assertHealthy(platform)
        }

        // SQL-looking strings are data: stored verbatim or refused, never executed
        let injection = "x'); DROP TABLE intake_application; --"
        let applicationsBefore = try platform.count("intake", "intake_application")
        let stored = try send(platform, "intake", "POST", "/applications", role: "screening_body",
                              body: Array(#"{"roundId":"\#(roundID)","submit":false,"form":{"studio":{"name":"\#(injection)"},"workRules":"1' OR '1'='1"}}"#.utf8))
        XCTAssertEqual(stored.status, 201, stored.text)
        let storedID = try XCTUnwrap(stored.json["id"] as? String)
        let readBack = try send(platform, "intake", "GET", "/applications/\(storedID)", role: "screening_body")
        let form = readBack.json["form"] as? [String: Any]
        XCTAssertEqual((form?["studio"] as? [String: Any])?["name"] as? String, injection)
        XCTAssertEqual(form?["workRules"] as? String, "1' OR '1'='1")
        XCTAssertTrue(try platform.tableExists("intake", "intake_application"))
        XCTAssertEqual(try platform.count("intake", "intake_application"), applicationsBefore + 1, "exactly the one draft")
        // …in query strings and path parameters too: no more rows than the caller's own, no row for a made-up id
        let listed = try send(platform, "intake", "GET", "/applications?status=draft'%20OR%20'1'='1", role: "screening_body")
        XCTAssertEqual(listed.status, 200, listed.text)
        XCTAssertEqual((listed.json["items"] as? [Any])?.count, 0)
        for (service, path, role) in [("intake", "/applications/x'%20OR%20'1'='1", "screening_body"), ("review", "/experts/1'%20OR%201=1--", "department"),
                                      ("funding", "/grants/'%3B%20DROP%20TABLE%20funding_grant%3B--", "finance"),
                                      ("assessment", "/studios/'%20UNION%20SELECT%20*%20FROM%20studio--", "department")] {
            let reply = try send(platform, service, "GET", path, role: role)
            assertProblem(reply, [400, 404], field: nil, "\(service) \(path)")
        }
        for (service, table) in [("intake", "intake_application"), ("review", "expert"), ("funding", "funding_grant"), ("assessment", "studio")] {
            XCTAssertTrue(try platform.tableExists(service, table), "\(service).\(table) is gone")
        }
        requests += 9

        // Path tricks in attachment names: refused before the body is looked at, nothing stored, no file written
        let filesBefore = platform.files()
        let attachmentsBefore = try platform.count("intake", "intake_attachment"), blobsBefore = try platform.count("intake", "intake_blob")
        let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)
        for name in ["../../../../tmp/evil.pdf", "..%2F..%2Fevil.pdf", "%2Fetc%2Fpasswd", "C%3A%5Cevil.pdf", "..%5C..%5Cevil.pdf",
                     "evil%00.pdf", "sub%2Fdir.pdf", ".hidden.pdf", "a%0Ab.pdf", String(repeating: "a", count: 300) + ".pdf", ""] {
            let reply = try send(platform, "intake", "POST", "/applications/\(draftID)/attachments?name=\(name)", role: "screening_body",
                                 body: pdf, contentType: "application/pdf")
            requests += 1
            assertProblem(reply, [422], field: "name", "attachment name \(name.prefix(40))")
        }
        XCTAssertEqual(try platform.count("intake", "intake_attachment"), attachmentsBefore)
        XCTAssertEqual(try platform.count("intake", "intake_blob"), blobsBefore)
        XCTAssertEqual(platform.files().filter { !$0.hasSuffix(".log") && !$0.contains(".sqlite") }, filesBefore.filter { !$0.hasSuffix(".log") && !$0.contains(".sqlite") },
                       "a file appeared in the data folder")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/evil.pdf"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: (platform.root as NSString).deletingLastPathComponent + "/evil.pdf"))
        // A good name is still accepted, so the refusals above were about the names
        let good = try send(platform, "intake", "POST", "/applications/\(draftID)/attachments?name=%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf", role: "screening_body",
                            body: pdf, contentType: "application/pdf")
        XCTAssertEqual(good.status, 201, good.text)
        XCTAssertEqual(try platform.count("intake", "intake_attachment"), attachmentsBefore + 1)

        try assertHealthy(platform)
        for service in FuzzPlatform.services {
            XCTAssertEqual(try send(platform, service, "GET", "/ready", role: nil).status, 200)
        }
        print("hostile input: \(requests) hostile requests, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        passed = true
    }
}
