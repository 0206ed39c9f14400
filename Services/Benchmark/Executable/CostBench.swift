import Foundation
import GRDB
import Messaging
import PlatformClient

/// 0. Machine-independent figures (`--only counters`): for a fixed amount of work, the WAL pages SQLite appended
/// (checkpoints held off, `WALGrowthMeter`) and the system calls every thread of the service made (`strace -c -f`).
/// Neither depends on how busy the machine is; each pass is a fresh process on a fresh data folder.
struct CostBench {
    struct Figure {
        var label: String
        var work: Int
        var walFrames: Int?
        /// Transactions those frames were committed in (group commit shares one among concurrent callers).
        var commits: Int?
        var pageSize = 4096
        var syscalls: SyscallCounter.Summary?
        var note = ""
        var walBytesPerUnit: Double? { walFrames.map { Double($0 * (pageSize + 24)) / Double(max(work, 1)) } }
        var framesPerUnit: Double? { walFrames.map { Double($0) / Double(max(work, 1)) } }
        var syscallsPerUnit: Double? { syscalls.map { Double($0.total) / Double(max(work, 1)) } }
    }

    var figures: [Figure] = []
    static let submissions = 1000
    static let events = 2000

    mutating func run(options: BenchOptions) throws {
        for connections in [1, 32] { try intake(connections: connections, options: options) }
        try healthSyscalls(options: options)
        try delivery(options: options)
    }

    /// `submissions` durable submissions by `connections` clients: WAL pages (one process), then system calls (another).
    private mutating func intake(connections: Int, options: BenchOptions) throws {
        let label = "intake: per durable submission (\(Self.submissions) by \(connections) connection\(connections == 1 ? "" : "s"))"
        var figure = Figure(label: label, work: Self.submissions)
        let counter = SharedCounter(1)
        do {
            let root = try makeTemporaryFolder("counters")
            defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
            let fixture = try IntakeBench.Fixture.start(root: root)
            defer { fixture.intake.stop() }
            // Warm the caches (statements, the tree's upper pages) outside the count.
            _ = LoadGenerator.runCount(connections: connections, total: 100, expectStatus: [201]) { thread, _ in fixture.submission(counter.next(), thread: thread) }
            let meter = try WALGrowthMeter(databasePath: fixture.intake.databasePath)
            defer { meter.close() }
            try meter.begin()
            let run = LoadGenerator.runCount(connections: connections, total: Self.submissions, expectStatus: [201]) { thread, _ in fixture.submission(counter.next(), thread: thread) }
            (figure.walFrames, figure.commits) = try meter.end(label: "intake-\(connections)")
            figure.pageSize = meter.pageSize
            guard run.errors == 0 else { throw BenchError("counters: \(run.errors) submissions failed: \(run.firstError ?? "")") }
        }
        if SyscallCounter.available {
            let root = try makeTemporaryFolder("counters")
            defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
            let fixture = try IntakeBench.Fixture.start(root: root)
            defer { fixture.intake.stop() }
            _ = LoadGenerator.runCount(connections: connections, total: 100, expectStatus: [201]) { thread, _ in fixture.submission(counter.next(), thread: thread) }
            let strace = try SyscallCounter(pids: [fixture.intake.pid!], output: root + "/strace.txt")
            let run = LoadGenerator.runCount(connections: connections, total: Self.submissions, expectStatus: [201]) { thread, _ in fixture.submission(counter.next(), thread: thread) }
            figure.syscalls = try strace.stop()
            guard run.errors == 0 else { throw BenchError("counters: \(run.errors) submissions failed under strace: \(run.firstError ?? "")") }
        }
        report(figure)
        figures.append(figure)
    }

    /// The reference: system calls per `GET /health` of the same process (no database).
    private mutating func healthSyscalls(options: BenchOptions) throws {
        guard SyscallCounter.available else { return }
        let root = try makeTemporaryFolder("counters")
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let fixture = try IntakeBench.Fixture.start(root: root)
        defer { fixture.intake.stop() }
        let url = fixture.intake.baseURL + "/health"
        let request: @Sendable (Int, Int) -> OutboundRequest = { _, _ in OutboundRequest(method: "GET", url: url, headers: [], body: []) }
        _ = LoadGenerator.runCount(connections: 32, total: 1000, expectStatus: [200], request: request)
        let strace = try SyscallCounter(pids: [fixture.intake.pid!], output: root + "/strace.txt")
        let run = LoadGenerator.runCount(connections: 32, total: Self.submissions, expectStatus: [200], request: request)
        var figure = Figure(label: "intake: per `GET /health` (reference; \(Self.submissions) by 32 connections)", work: Self.submissions)
        figure.syscalls = try strace.stop()
        guard run.errors == 0 else { throw BenchError("counters: \(run.errors) health checks failed") }
        report(figure)
        figures.append(figure)
    }

    /// `events` test events (20 aggregates, 100 per producer transaction) delivered intake → review: the WAL pages
    /// and the system calls of each side and of both processes, per delivered event.
    private mutating func delivery(options: BenchOptions) throws {
        let aggregates = 20, perRequest = Self.events / aggregates
        var producerFigure = Figure(label: "delivery: producer (intake) per delivered event (\(Self.events), 100 per transaction, 20 lanes)", work: Self.events)
        var consumerFigure = Figure(label: "delivery: consumer (review) per delivered event", work: Self.events)
        var bothFigure = Figure(label: "delivery: both processes per delivered event", work: Self.events)
        for pass in ["wal", "strace"] {
            if pass == "strace" && !SyscallCounter.available { continue }
            let pair = try DeliveryPair(root: try makeTemporaryFolder("counters"))
            defer { pair.cleanUp(keep: options.keep) }
            try pair.consumer.start()
            try pair.producer.start()
            // Warm-up: a first batch delivered outside the count.
            try pair.commit(aggregate: "warm:0", count: 100)
            guard try pair.waitForReceived(100, prefix: "warm:", timeout: 60) else { throw BenchError("counters: warm-up not delivered") }
            usleep(300_000)
            var meters: [WALGrowthMeter] = []
            var straces: [SyscallCounter] = []
            if pass == "wal" {
                meters = [try WALGrowthMeter(databasePath: pair.producer.databasePath), try WALGrowthMeter(databasePath: pair.consumer.databasePath)]
                for meter in meters { try meter.begin() }
            } else {
                // One counter per process, so each side's calls are seen apart as well as together.
                straces = [try SyscallCounter(pids: [pair.producer.pid!], output: pair.root + "/strace-producer.txt"),
                           try SyscallCounter(pids: [pair.consumer.pid!], output: pair.root + "/strace-consumer.txt")]
            }
            for aggregate in 0..<aggregates { try pair.commit(aggregate: "cost:\(aggregate)", count: perRequest) }
            guard try pair.waitForReceived(Self.events, prefix: "cost:", timeout: 300) else { throw BenchError("counters: not all events delivered") }
            // Until the producer has recorded every 2xx (its last writes of the batch).
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, try pair.account(prefix: "cost:").deliveriesSucceeded < Self.events { usleep(20_000) }
            if pass == "wal" {
                (producerFigure.walFrames, producerFigure.commits) = try meters[0].end(label: "producer")
                (consumerFigure.walFrames, consumerFigure.commits) = try meters[1].end(label: "consumer")
                producerFigure.pageSize = meters[0].pageSize
                consumerFigure.pageSize = meters[1].pageSize
                bothFigure.walFrames = producerFigure.walFrames! + consumerFigure.walFrames!
                bothFigure.pageSize = meters[0].pageSize
                bothFigure.commits = producerFigure.commits! + consumerFigure.commits!
                for meter in meters { meter.close() }
            } else if straces.count == 2 {
                producerFigure.syscalls = try straces[0].stop()
                consumerFigure.syscalls = try straces[1].stop()
                bothFigure.syscalls = producerFigure.syscalls!.adding(consumerFigure.syscalls!)
            }
            let books = try pair.account(prefix: "cost:")
            guard books.produced == Self.events, books.distinctReceived == Self.events, books.received == Self.events else {
                throw BenchError("counters: produced \(books.produced), received \(books.received), distinct \(books.distinctReceived)")
            }
        }
        for figure in [producerFigure, consumerFigure, bothFigure] { report(figure); figures.append(figure) }
    }

    private func report(_ figure: Figure) {
        var parts: [String] = []
        if let frames = figure.framesPerUnit, let bytes = figure.walBytesPerUnit {
            parts.append(String(format: "WAL %.2f pages = %.0f bytes", frames, bytes) + (figure.commits.map { " in \($0) commits" } ?? ""))
        }
        if let calls = figure.syscallsPerUnit, let summary = figure.syscalls { parts.append(String(format: "%.1f system calls (%@)", calls, summary.top(6, per: figure.work))) }
        print("  \(figure.label): " + parts.joined(separator: "; "))
    }
}

