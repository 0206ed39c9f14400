import Foundation
import PlatformClient
import GRDB
import Messaging
import Synchronization

/// 5. Footprint: for each service, start-up to /ready (fresh data folder: the migrations run), resident
/// memory idle, and the peak under load: the four wired in a ring (intake → review → funding → assessment
/// → intake) for `webhook.test`, each producing and consuming a burst of events while 32 connections hit
/// its /health. (Intake's figure under submission load is in the intake section.)
struct FootprintBench {
    static let services = ["intake", "review", "funding", "assessment"]
    var startup: [String: [Double]] = [:]
    var idleMB: [String: [Double]] = [:]
    var loadPeakMB: [String: [Double]] = [:]
    var afterLoadMB: [String: [Double]] = [:]
    var eventsPerService = 0

    mutating func run(options: BenchOptions) throws {
        for _ in 0..<options.repetitions {
            let root = try makeTemporaryFolder("footprint")
            defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
            let arguments = ["--retry-schedule", DeliveryPair.retrySchedule]
            let processes = Self.services.map { ServiceProcess(name: $0, dataDir: root, extraArguments: arguments) }
            defer { processes.forEach { $0.kill() } }
            var operatorTokens: [String] = []
            for (index, producer) in processes.enumerated() {
                let consumer = processes[(index + 1) % processes.count]
                try producer.subscribe(consumer)
                operatorTokens.append(try producer.operatorToken(label: "bench"))
            }
            for process in processes {
                try process.start()
                startup[process.name, default: []].append(process.startupMillis)
            }
            usleep(1_000_000)
            for process in processes { idleMB[process.name, default: []].append(process.memory?.rssMB ?? .nan) }

            let samplers = processes.map { MemorySampler(pid: $0.pid!) }
            let events = options.footprintEvents
            eventsPerService = events
            let group = DispatchGroup()
            for (index, process) in processes.enumerated() {
                group.enter()
                let url = process.baseURL, token = operatorTokens[index]
                let thread = Thread {
                    let api = APIClient(baseURL: url, token: token)
                    for chunk in 0..<max(1, events / 500) {
                        _ = try? api.call("POST", "/ops/test-events", json: ["aggregate": "foot:\(chunk)", "count": 500, "note": "bench"])
                    }
                    group.leave()
                }
                thread.start()
            }
            let duration = options.duration
            for process in processes {
                let url = process.baseURL
                group.enter()
                let thread = Thread {
                    _ = LoadGenerator.run(connections: 32, warmup: 0, duration: duration, expectStatus: [200]) { _, _ in
                        OutboundRequest(method: "GET", url: url + "/health", headers: [], body: [])
                    }
                    group.leave()
                }
                thread.start()
            }
            group.wait()
            // Until every ring delivery has landed (or 120 s).
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let pending = processes.map { process -> Int in
                    guard let database = try? DatabaseQueue(path: process.databasePath, configuration: DeliveryPair.readOnly) else { return 1 }
                    defer { try? database.close() }
                    return (try? database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE status IN ('ready', 'queued')") }) ?? 1
                }.reduce(0, +)
                if pending == 0 { break }
                usleep(200_000)
            }
            for (process, sampler) in zip(processes, samplers) {
                loadPeakMB[process.name, default: []].append(max(sampler.stop(), process.memory?.hwmMB ?? 0))
                afterLoadMB[process.name, default: []].append(process.memory?.rssMB ?? .nan)
            }
        }
    }
}
