import Foundation

/// The side-by-side table and BENCHMARKS.md: each figure, its reference from the same run, the ratio and the target.
struct Report {
    var options: BenchOptions
    var command: String
    var counters: CostBench?
    var intake: IntakeBench?
    var delivery: DeliveryBench?
    var assignment: AssignmentBench?
    var footprint: FootprintBench?
    var portal: PortalBench?
    var lists: ListBench?
    var seconds: Double = 0

    /// Everything below this line in an existing BENCHMARKS.md is kept across runs (profiling notes).
    static let keepMarker = "<!-- studiobench: everything below this line is kept across runs -->"

    private func f(_ value: Double, _ digits: Int = 1) -> String { value.isNaN ? "–" : String(format: "%.\(digits)f", value) }
    private func mark(_ ok: Bool) -> String { ok ? "yes" : "**no**" }

    func table() -> String {
        var lines = ["| # | figure | measured (median of runs) | reference, same run | ratio | target | met |",
                     "|---|---|---|---|---|---|---|"]
        if let counters {
            for figure in counters.figures {
                var measured: [String] = []
                if let frames = figure.framesPerUnit, let bytes = figure.walBytesPerUnit { measured.append("WAL \(f(frames, 2)) pages (\(f(bytes, 0)) bytes)" + (figure.commits.map { ", \($0) commits" } ?? "")) }
                if let calls = figure.syscallsPerUnit, let summary = figure.syscalls { measured.append("\(f(calls, 1)) system calls (\(summary.top(4, per: figure.work)))") }
                lines.append("| 0 | \(figure.label) | \(measured.joined(separator: "; ")) | – | – | – | – |")
            }
        }
        if let intake {
            for row in intake.rows {
                let submit = median(row.submit.map(\.perSecond)), trivial = median(row.trivial.map(\.perSecond))
                let ratio = submit / trivial
                let p50 = median(row.submit.map(\.p50)), p99 = median(row.submit.map(\.p99))
                let trivialP99 = median(row.trivial.map(\.p99))
                lines.append("| 1 | intake: durable submissions/s, \(row.connections) connections | \(f(submit, 0)) /s | `GET /health` \(f(trivial, 0)) /s | \(f(ratio, 3)) | ≥ 0.15 | \(mark(ratio >= 0.15)) |")
                let latencyTarget = row.connections == 32 ? "p99 < 20 ms" : "–"
                let latencyMet = row.connections == 32 ? mark(p99 < 20) : "–"
                lines.append("| 1 | intake: submission latency p50 / p99, \(row.connections) conns | \(f(p50, 2)) / \(f(p99, 2)) ms | `/health` p99 \(f(trivialP99, 2)) ms | \(f(p99 / trivialP99, 1)) | \(latencyTarget) | \(latencyMet) |")
                let errors = row.submit.reduce(0) { $0 + $1.errors }
                if errors > 0 { lines.append("| 1 | intake: failed submissions, \(row.connections) conns | \(errors) | 0 | – | 0 | **no** |") }
            }
            if !intake.wrk.isEmpty {
                let submit = median(intake.wrk.map(\.submit.perSecond)), trivial = median(intake.wrk.map(\.health.perSecond))
                let p50 = median(intake.wrk.map(\.submit.p50)), p99 = median(intake.wrk.map(\.submit.p99)), trivialP99 = median(intake.wrk.map(\.health.p99))
                let ratio = submit / trivial
                lines.append("| 1 | intake (wrk -t2): durable submissions/s, 32 connections | \(f(submit, 0)) /s | wrk `GET /health` \(f(trivial, 0)) /s | \(f(ratio, 3)) | ≥ 0.15 | \(mark(ratio >= 0.15)) |")
                lines.append("| 1 | intake (wrk -t2): submission latency p50 / p99, 32 conns | \(f(p50, 2)) / \(f(p99, 2)) ms | `/health` p99 \(f(trivialP99, 2)) ms | \(f(p99 / trivialP99, 1)) | p99 ≤ 20 ms | \(mark(p99 <= 20)) |")
                let failed = intake.wrk.reduce(0) { $0 + $1.submit.non2xx + $1.submit.socketErrors }
                if failed > 0 { lines.append("| 1 | intake (wrk): non-2xx answers and socket errors | \(failed) | 0 | – | 0 | **no** |") }
            }
            if let idle = intake.memoryIdle, let after = intake.memoryAfterLoad {
                lines.append("| 5 | intake RSS idle / after submission load (peak) | \(f(idle.rssMB)) / \(f(after.rssMB)) MB (peak \(f(after.hwmMB)) MB) | – | – | ≤ 60 MB under load | \(mark(after.hwmMB <= 60)) |")
            }
            let committed = intake.rows.flatMap(\.submit).reduce(0) { $0 + $1.completed }
            lines.append("| 1 | intake: submitted applications / `application.submitted` events on disk | \(intake.submissionsStored) / \(intake.eventsStored) | ≥ 201s counted in windows (\(committed)) + wrk's 2xx (\(intake.wrkCreated)) + probe | – | every 2xx stored | \(mark(intake.submissionsStored == intake.eventsStored && intake.submissionsStored >= committed + intake.wrkCreated + 1)) |")
        }
        if let delivery, !delivery.latency.isEmpty {
            let p50 = median(delivery.latency.map(\.p50)), p99 = median(delivery.latency.map(\.p99))
            let rt50 = median(delivery.latency.map(\.roundTripP50)), rt99 = median(delivery.latency.map(\.roundTripP99))
            let eps = median(delivery.throughput.map(\.eventsPerSecond))
            let lost = delivery.latency.reduce(0) { $0 + $1.lost } + delivery.throughput.reduce(0) { $0 + $1.lost }
            let twice = delivery.latency.reduce(0) { $0 + $1.duplicates } + delivery.throughput.reduce(0) { $0 + $1.duplicates }
            lines.append("| 2 | delivery latency p50, commit → consumer inbox (\(options.latencyRate) events/s steady) | \(f(p50)) ms | producer holds the 2xx: \(f(rt50)) ms | – | ≤ 2 ms | \(mark(p50 <= 2)) |")
            lines.append("| 2 | delivery latency p99 | \(f(p99)) ms | producer holds the 2xx: \(f(rt99)) ms | – | ≤ 20 ms | \(mark(p99 <= 20)) |")
            lines.append("| 2 | delivery throughput, one pair (burst of \(options.throughputEvents), 200 lanes) | \(f(eps, 0)) events/s | – | – | ≥ 5,000 | \(mark(eps >= 5000)) |")
            if !delivery.ceilings.isEmpty {
                let lower = delivery.lowerCeiling
                lines.append("| 2 | delivery ceilings, same run: transport (null receiver) / storage (inbox alone) | \(f(median(delivery.ceilings.map(\.transport)), 0)) / \(f(median(delivery.ceilings.map(\.storage)), 0)) events/s | – | – | – | – |")
                lines.append("| 2 | delivery throughput, one pair, as a fraction of the lower ceiling | \(f(eps, 0)) events/s | lower ceiling \(f(lower, 0)) events/s | \(f(eps / lower, 2)) | ≥ 0.5 | \(mark(eps / lower >= 0.5)) |")
            }
            lines.append("| 2 | lost / applied twice (latency + burst runs) | \(lost) / \(twice) | 0 / 0 | – | 0 / 0 | \(mark(lost == 0 && twice == 0)) |")
        }
        if let delivery, !delivery.backlog.isEmpty {
            let drain = median(delivery.backlog.map(\.drainSeconds)), rate = median(delivery.backlog.map(\.eventsPerSecond))
            let lost = delivery.backlog.reduce(0) { $0 + ($1.events - $1.distinct) }
            let twice = delivery.backlog.reduce(0) { $0 + ($1.received - $1.distinct) + $1.foreign }
            let produce = median(delivery.backlog.map(\.produceSeconds))
            lines.append("| 3 | backlog drain, \(options.backlogEvents) events, consumer back → all in its inbox | \(f(drain)) s (\(f(rate, 0)) events/s) | queued in \(f(produce)) s | – | ≤ 30 s | \(mark(drain <= 30)) |")
            if !delivery.backlogCeilings.isEmpty {
                let lower = delivery.backlogLowerCeiling
                lines.append("| 3 | backlog ceilings, right before and after each drain: transport / storage | \(f(median(delivery.backlogCeilings.map(\.transport)), 0)) / \(f(median(delivery.backlogCeilings.map(\.storage)), 0)) events/s | – | – | – | – |")
                lines.append("| 3 | backlog drain as a fraction of the lower of those ceilings | \(f(rate, 0)) events/s (\(f(drain)) s) | lower ceiling \(f(lower, 0)) events/s | \(f(rate / lower, 2)) | ≥ 0.5 | \(mark(rate / lower >= 0.5)) |")
            }
            lines.append("| 3 | backlog lost / applied twice | \(lost) / \(twice) | 0 / 0 | – | 0 / 0 | \(mark(lost == 0 && twice == 0)) |")
            lines.append("| 5 | review (consumer) RSS peak while draining / intake (producer) peak while queueing | \(f(median(delivery.backlog.map(\.consumerPeakMB)))) / \(f(median(delivery.backlog.map(\.producerPeakMB)))) MB | – | – | ≤ 60 MB | \(mark(max(median(delivery.backlog.map(\.consumerPeakMB)), median(delivery.backlog.map(\.producerPeakMB))) <= 60)) |")
        }
        if let assignment {
            let swift = median(assignment.swiftSeconds), solve = median(assignment.orToolsSolveSeconds), total = median(assignment.orToolsTotalSeconds)
            let same = assignment.swiftObjective != nil && assignment.swiftObjective == assignment.orToolsObjective
            lines.append("| 4 | assignment \(assignment.applications) × \(assignment.experts) × \(assignment.reviews) (\(assignment.arcs) allowed pairs), build + solve | \(f(swift * 1000, 0)) ms | OR-tools \(assignment.orToolsVersion) SimpleMinCostFlow: solve \(f(solve * 1000, 0)) ms, build + solve \(f(total * 1000, 0)) ms | \(f(swift / total, 2)) × OR-tools build+solve | ≤ 1 s | \(mark(swift <= 1)) |")
            lines.append("| 4 | assignment objective (total speciality cost) | \(assignment.swiftObjective.map(String.init) ?? "–") | OR-tools \(assignment.orToolsObjective.map(String.init) ?? (assignment.orToolsError ?? "–")) | – | equal | \(mark(same)) |")
        }
        if let footprint {
            for name in FootprintBench.services {
                let startup = median(footprint.startup[name] ?? []), idle = median(footprint.idleMB[name] ?? []), peak = median(footprint.loadPeakMB[name] ?? [])
                lines.append("| 5 | \(name): start-up to /ready (fresh data) · RSS idle · RSS peak under load | \(f(startup, 0)) ms · \(f(idle)) MB · \(f(peak)) MB | – | – | ≤ 60 MB under load | \(mark(peak <= 60)) |")
            }
        }
        if let lists, let small = lists.sizes.first, let large = lists.sizes.last {
            let smallP50 = median(small.firstPage.map(\.p50)), smallP99 = median(small.firstPage.map(\.p99))
            let largeP50 = median(large.firstPage.map(\.p50)), largeP99 = median(large.firstPage.map(\.p99))
            lines.append("| 7 | lists: first page of 50 (`GET /applications`) over \(large.applications) applications, p50 / p99 | \(f(largeP50, 2)) / \(f(largeP99, 2)) ms | the same over \(small.applications): \(f(smallP50, 2)) / \(f(smallP99, 2)) ms | \(f(largeP50 / smallP50, 2)) | p50 ratio ≤ 1.5 | \(mark(largeP50 / smallP50 <= 1.5)) |")
            for (label, results) in [("a county's studios named like “1” (\(large.filteredTotal) match)", large.filtered), ("the page after 2,500 (by cursor)", large.deep)] {
                let p50 = median(results.map(\.p50)), p99 = median(results.map(\.p99))
                lines.append("| 7 | lists: \(label), over \(large.applications), p50 / p99 | \(f(p50, 2)) / \(f(p99, 2)) ms | first page over \(small.applications): \(f(smallP50, 2)) ms | \(f(p50 / smallP50, 2)) | – | – |")
            }
            let runs: [LoadResult] = lists.sizes.flatMap { size -> [LoadResult] in size.firstPage + size.filtered + size.deep }
            let errors = runs.reduce(0) { $0 + $1.errors }
            if errors > 0 { lines.append("| 7 | lists: failed requests | \(errors) | 0 | – | 0 | **no** |") }
        }
        if let portal {
            let h50 = median(portal.health.map(\.p50)), h99 = median(portal.health.map(\.p99))
            for (label, results, bytes) in [("a county's dashboard over \(portal.applications) applications (`/county`)", portal.dashboard, portal.dashboardBytes),
                                            ("the public register of \(portal.studios) studios (`/public/studios`)", portal.register, portal.registerBytes)] {
                let p50 = median(results.map(\.p50)), p99 = median(results.map(\.p99))
                lines.append("| 6 | portal: \(label), \(bytes / 1024) KiB of HTML, p50 / p99 | \(f(p50, 2)) / \(f(p99, 2)) ms | `/health` \(f(h50, 2)) / \(f(h99, 2)) ms | \(f(p99 / h99, 1)) | p99 ≤ 50 ms | \(mark(p99 <= 50)) |")
            }
            let errors = (portal.health + portal.dashboard + portal.register).reduce(0) { $0 + $1.errors }
            if errors > 0 { lines.append("| 6 | portal: failed page loads | \(errors) | 0 | – | 0 | **no** |") }
        }
        return lines.joined(separator: "\n")
    }

    static func machine() -> [String] {
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let cpu = read("/proc/cpuinfo").split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
        let memKiB = read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal") }?.split(whereSeparator: { $0 == " " }).dropFirst().first.flatMap { Int($0) } ?? 0
        let os = read("/etc/os-release").split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }?.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? "?"
        let kernel = read("/proc/sys/kernel/osrelease").trimmingCharacters(in: .whitespacesAndNewlines)
        let load = read("/proc/loadavg").split(separator: " ").prefix(3).joined(separator: " ")
        return ["- CPUs (nproc): \(ProcessInfo.processInfo.activeProcessorCount) × \(cpu)",
                "- memory: \(String(format: "%.1f", Double(memKiB) / 1024 / 1024)) GiB",
                "- OS: \(os), Linux \(kernel)",
                "- Swift: \(swiftVersion())",
                "- load average when the run ended: \(load)"]
    }

    static func swiftVersion() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return "?" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "?"
    }

    func write(to path: String, table: String) throws {
        let date = ISO8601DateFormatter().string(from: Date())
        var kept = ""
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), let range = existing.range(of: Self.keepMarker) {
            kept = String(existing[range.upperBound...])
        }
        let text = """
            # Benchmarks

            Written by `studiobench` (\(date), \(String(format: "%.0f", seconds)) s). Command:

            ```sh
            \(command)
            ```

            Machine:

            \(Self.machine().joined(separator: "\n"))

            This machine is shared: other engineers build and test on the same 2 cores while this runs, so every
            figure is the median of \(options.repetitions) repetitions and each is set beside its reference measured in
            the same run, minutes apart, under the same noise. The load generator (libcurl, one thread and one
            keep-alive connection per simulated client) runs on the same cores as the server. Release build.

            \(table)

            How each figure is taken:

            0. **Counters** (machine-independent): 1,000 durable submissions by 1 and by 32 connections, and 2,000
               test events delivered intake → review; WAL pages appended while a reader pinned on the truncated WAL
               holds every checkpoint off (and the commits they came in), and system calls of every thread of the
               service (`strace -c -f -p`), each on a fresh process after a warm-up.
            1. **Intake**: `POST /applications` with `"submit": true` by screening-body tokens, each with its own
               `Idempotency-Key` and studio name (so no duplicate rule refuses it); a 201 means the application, its
               version and its `application.submitted` event are committed (SQLite WAL, `synchronous = FULL`: fsync
               before the 2xx). Reference: `GET /health` of the same process (no token, no database). Closed loop,
               \(options.warmup) s warm-up then \(options.duration) s measured per point; afterwards the SQLite file is
               opened and every counted 201 must be a submitted application with its event. At 32 connections the
               same point is also measured with wrk (`-t2`, a Lua script making each submission unique), both its
               `/health` and its submissions, so the ratio of both load generators is printed.
            2. **Delivery**: intake → review wired with a subscription and a shared secret. Latency: \(options.latencyEvents)
               events at \(options.latencyRate)/s, one producer transaction each, on 50 aggregates;
               `webhook_test_received.received_at` (consumer, stamped in its inbox transaction) −
               `outbox_message.occurred_at` (producer, stamped in its outbox transaction), milliseconds from the two
               SQLite files (1 ms resolution). The reference column is `delivery.completed_at` − `occurred_at`: until
               the producer has recorded the consumer's 2xx. Throughput: \(options.throughputEvents) events on 200 aggregates
               committed 100 per transaction by four clients while the dispatcher delivers; events / (last inbox stamp −
               first outbox stamp). Ceilings, after each burst: the same burst from the producer to a receiver that
               answers 204 without a database (events / (last `completed_at` − first `occurred_at`)), and the
               consumer's `Inbox.receive` alone on a fresh file configured as the services' are, by 32 callers
               with group commit; the burst is printed as a fraction of the lower one, and the drain as a fraction of
               the lower of the same two measured again right before it and right after it (their median).
            3. **Backlog**: the consumer is killed (SIGKILL), \(options.backlogEvents) events are committed on 100 aggregates
               (1,000 per transaction), then the consumer is started; the time is from its spawn until its inbox has
               applied all of them (polled every 20 ms from the inbox's per-aggregate last sequence, a hundred rows; every
               row is counted afterwards). In-flight deliveries: the services' default (32). The dispatcher runs a fast retry schedule (0, 100 ms, 200 ms, 500 ms, then 1 s),
               so the figure measures the drain, not the production schedule's 5-minute back-off. Lost = produced −
               distinct received; twice = received − distinct, plus any received id unknown to the producer's outbox.
            4. **Assignment**: a seeded instance (2 % of pairs conflicted, capacity 13 per expert, costs by review's
               own speciality rule: 0 same field, 1 same industry, 3 otherwise) solved by review's `AssignmentSolver`
               (network build + primal–dual min-cost flow on a static CSR graph) and by OR-tools' `SimpleMinCostFlow` on the same network
               (`deploy/bench/ortools_assignment.py`, vectorised arc loading), both in this run.
            5. **Footprint**: start-up = spawn → first 200 from `/ready` on a fresh data folder (migrations included);
               RSS = VmRSS from `/proc/<pid>/status`, idle 1 s after ready; under load = the peak (sampled every 50 ms,
               and VmHWM) while the four services, wired in a ring, each send and receive \(footprint?.eventsPerService ?? options.footprintEvents)
               test events and take 32 connections on `/health`.
            7. **Lists**: two intakes of the same build, one seeded with 50 and one with \(lists?.sizes.last?.applications ?? 5000) submitted
               applications (six counties), each answering the department's `GET /applications` (the first page of
               50, with `total`), one request at a time from one client, \(options.warmup) s warm-up then
               \(options.duration) s per figure; the deep page is fetched by the cursor after 2,500 applications.

            \(Self.keepMarker)
            """ + (kept.isEmpty ? "\n" : kept)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
