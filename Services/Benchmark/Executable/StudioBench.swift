import ArgumentParser
import Foundation

/// Options shared by the sections.
struct BenchOptions {
    var repetitions = 3
    var backlogRepetitions = 3
    var duration = 5.0
    var warmup = 1.0
    var connections = [32, 128]
    var latencyRate = 200
    var latencyEvents = 1000
    var throughputEvents = 20_000
    var backlogEvents = 100_000
    var footprintEvents = 10_000
    var python = "python3"
    var orToolsScript = "deploy/bench/ortools_assignment.py"
    var keep = false
}

@main
struct StudioBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studiobench",
        abstract: "Benchmarks of the platform, each figure beside its reference measured in the same run; writes BENCHMARKS.md.")

    @Option(help: "Sections to run, comma-separated: counters, intake, delivery, backlog, assignment, footprint, portal, lists (default all)")
    var only: String = "counters,intake,delivery,backlog,assignment,footprint,portal,lists"
    @Option(help: "Repetitions of each measurement (the median is quoted)") var repetitions: Int = 3
    @Option(help: "Repetitions of the 100,000-event backlog (default: --repetitions)") var backlogRepetitions: Int?
    @Option(help: "Seconds of each measured load window") var duration: Double = 5
    @Option(help: "Seconds of warm-up before each load window") var warmup: Double = 1
    @Option(help: "Events in the backlog") var backlogEvents: Int = 100_000
    @Option(help: "Concurrent connections of the intake load, comma-separated") var connections: String = "32,128"
    @Option(help: "Folder of the release service binaries (default: beside studiobench)") var binDir: String?
    @Option(help: "The Markdown file to write") var output: String = "BENCHMARKS.md"
    @Option(help: "The command line to record in the file") var command: String?
    @Option(help: "Python with ortools") var python: String = "python3"
    @Option(help: "The OR-tools reference script") var ortoolsScript: String = "deploy/bench/ortools_assignment.py"
    @Flag(help: "Keep the temporary data folders") var keep = false

    func run() throws {
        if let binDir { Binaries.folder = binDir }
        var options = BenchOptions()
        options.repetitions = max(1, repetitions)
        options.backlogRepetitions = max(1, backlogRepetitions ?? repetitions)
        options.duration = duration
        options.warmup = warmup
        options.backlogEvents = backlogEvents
        options.connections = connections.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        options.python = python
        options.orToolsScript = ortoolsScript
        options.keep = keep
        let sections = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        var report = Report(options: options, command: command ?? CommandLine.arguments.joined(separator: " "))
        let started = Date()

        if sections.contains("counters") {
            print("== 0. machine-independent figures (WAL pages with checkpoints held off; strace -c -f system calls)")
            var bench = CostBench()
            try bench.run(options: options)
            report.counters = bench
        }
        if sections.contains("intake") {
            print("== 1. intake under load (\(options.repetitions) × \(options.duration) s per point)")
            var bench = IntakeBench()
            try bench.run(options: options)
            report.intake = bench
        }
        if sections.contains("delivery") {
            print("== 2. event delivery (intake → review)")
            var bench = DeliveryBench()
            try bench.runLatencyAndThroughput(options: options)
            report.delivery = bench
        }
        if sections.contains("backlog") {
            print("== 3. backlog drain (\(options.backlogEvents) events, consumer down)")
            var bench = report.delivery ?? DeliveryBench()
            try bench.runBacklog(options: options)
            report.delivery = bench
        }
        if sections.contains("assignment") {
            print("== 4. assignment (2,000 × 500 × 3) against OR-tools")
            var bench = AssignmentBench()
            try bench.run(options: options)
            report.assignment = bench
        }
        if sections.contains("footprint") {
            print("== 5. footprint (start-up, memory idle and under load)")
            var bench = FootprintBench()
            try bench.run(options: options)
            report.footprint = bench
        }
        if sections.contains("portal") {
            print("== 6. portal pages (a county's dashboard over 500 applications, the register of 2,000 studios)")
            var bench = PortalBench()
            try bench.run(options: options)
            report.portal = bench
        }
        if sections.contains("lists") {
            print("== 7. lists that grow (GET /applications over 5,000 applications, beside the same over 50)")
            var bench = ListBench()
            try bench.run(options: options)
            report.lists = bench
        }
        report.seconds = Date().timeIntervalSince(started)
        let table = report.table()
        print("")
        print(table)
        try report.write(to: output, table: table)
        print("written to \(output)")
    }
}
