import Foundation
import Messaging
import PlatformClient
import StudioDomain

/// 7. Lists that grow: `GET /applications` (the department's first page of 50, a filtered page, a page deep in the
/// list by its cursor) over 5,000 submitted applications, beside the same first page over 50 applications in
/// another intake of the same build in the same run. Keyset paging over (created_at, id): the first page should
/// not cost more with 5,000 than with 50 (the count of matches, `total`, is the part that grows).
struct ListBench {
    struct Size {
        var applications: Int
        var firstPage: [LoadResult] = []
        var filtered: [LoadResult] = []
        var deep: [LoadResult] = []
        var firstPageItems = 0
        var filteredTotal = 0
    }

    var sizes: [Size] = [Size(applications: 50), Size(applications: 5000)]
    var seedSeconds: Double = 0

    /// Both intakes run side by side: seeded first, then measured in turns (50, 5,000, 50, …) so both see the
    /// same load of this shared machine.
    mutating func run(options: BenchOptions) throws {
        var prepared: [Prepared] = []
        defer { for item in prepared { item.intake.stop(); if !options.keep { try? FileManager.default.removeItem(atPath: item.root) } } }
        for size in sizes { prepared.append(try prepare(size.applications)) }
        usleep(2_000_000)  // let the seeding's checkpoint settle
        var measured = sizes
        for _ in 0..<options.repetitions {
            for index in measured.indices {
                try measure(&measured[index], prepared[index], options: options)
            }
        }
        sizes = measured
    }

    struct Prepared {
        var root: String
        var intake: ServiceProcess
        var url: String
        var department: String
        var paths: [String]
    }

    private mutating func prepare(_ count: Int) throws -> Prepared {
        let root = try makeTemporaryFolder("lists-\(count)")
        // The intake benchmark's fixture: a round, the tokens, the form, and application 0 submitted.
        let fixture = try IntakeBench.Fixture.start(root: root)
        let (intake, department, template) = (fixture.intake, fixture.department, fixture.template)
        let api = APIClient(baseURL: intake.baseURL, token: department)

        // Seed: the other count − 1 submitted applications, spread over the six counties, one client per county at once.
        let started = Date()
        let url = intake.baseURL, tokens = fixture.tokens
        let failures = SharedCounter(0)
        DispatchQueue.concurrentPerform(iterations: tokens.count) { thread in
            let client = APIClient(baseURL: url, token: tokens[thread])
            for n in stride(from: thread + 1, through: count - 1, by: tokens.count) {
                do {
                    try client.expect(201, "POST", "/applications", json: Array(template.replacingOccurrences(of: "{N}", with: String(n)).utf8),
                                      headers: [("Content-Type", "application/json"), ("Idempotency-Key", "list-bench-\(n)")])
                } catch {
                    _ = failures.next()
                }
            }
        }
        guard failures.next() == 0 else { throw BenchError("seeding \(count) applications had failures") }
        if count > 50 { seedSeconds = Date().timeIntervalSince(started) }

        let first = try api.expect(200, "GET", "/applications")
        // A page deep in the list: the cursor after the first half.
        var cursor = first.object["nextCursor"] as? String
        for _ in 0..<(count / 2 / 50) {
            guard let current = cursor else { break }
            cursor = try api.expect(200, "GET", "/applications?cursor=\(current)").object["nextCursor"] as? String
        }
        let deepPath = "/applications" + (cursor.map { "?cursor=\($0)" } ?? "")
        // People search by name: studios whose name holds "1" and one county.
        let filteredPath = "/applications?screeningBody=330803&name=1&limit=50"
        return Prepared(root: root, intake: intake, url: url, department: department, paths: ["/applications", filteredPath, deepPath])
    }

    private func measure(_ size: inout Size, _ prepared: Prepared, options: BenchOptions) throws {
        let api = APIClient(baseURL: prepared.url, token: prepared.department)
        size.firstPageItems = try api.expect(200, "GET", "/applications").items.count
        size.filteredTotal = try api.expect(200, "GET", prepared.paths[1]).object["total"] as? Int ?? -1
        let auth = [("Authorization", "Bearer \(prepared.department)")]
        let url = prepared.url
        for (path, keyPath) in zip(prepared.paths, [\Size.firstPage, \Size.filtered, \Size.deep]) {
            let result = LoadGenerator.run(connections: 1, warmup: options.warmup, duration: options.duration, expectStatus: [200]) { _, _ in
                OutboundRequest(method: "GET", url: url + path, headers: auth, body: [])
            }
            size[keyPath: keyPath].append(result)
            if let error = result.firstError { print("  note: \(path) had \(result.errors) failures, first: \(error.prefix(300))") }
            print(String(format: "  %5d applications, %@: p50 %6.2f ms p99 %6.2f ms", size.applications, String(path.prefix(60)), result.p50, result.p99))
        }
    }
}
