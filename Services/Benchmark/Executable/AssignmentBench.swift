import Foundation
import ReviewService

/// SplitMix64: a seeded generator, so the instance is the same in every run and in both solvers.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// 4. Assignment: 2,000 applications × 500 experts × 3 reviews, 2 % of the pairs conflicted, capacity 13
/// per expert (6,500 places for 6,000 reviews), demand skewed towards a few fields, costs from the service's own speciality rule; review's
/// solver against OR-tools' SimpleMinCostFlow on the same network, in the same run.
struct AssignmentBench {
    var applications = 2000
    var experts = 500
    var reviews = 3
    var capacityPerExpert = 13
    var arcs = 0
    var swiftSeconds: [Double] = []
    var swiftObjective: Int?
    var swiftPhases = 0
    var orToolsSolveSeconds: [Double] = []
    var orToolsTotalSeconds: [Double] = []
    var orToolsObjective: Int?
    var orToolsVersion = "?"
    var orToolsError: String?

    func instance() -> AssignmentProblem {
        var rng = SplitMix(state: 20_161_017)
        let fields = (0..<40).map { "industry\($0 / 8)/field\($0)" }
        let expertFields = (0..<experts).map { _ in [fields.randomElement(using: &rng)!, fields.randomElement(using: &rng)!] }
        let fieldCost = fields.map { field in expertFields.map { ConflictRules.specialityCost(expertSpecialities: $0, applicationSpeciality: field) } }
        var cost = [Int32](repeating: 0, count: applications * experts)
        for a in 0..<applications {
            // Skewed demand (most applications in a few fields), so exact matches run out and the optimum is not 0.
            let u = Double(rng.next() % 1_000_000) / 1_000_000
            let row = fieldCost[min(fields.count - 1, Int(Double(fields.count) * u * u * u))]
            for e in 0..<experts { cost[a * experts + e] = rng.next() % 50 == 0 ? -1 : row[e] }
        }
        return AssignmentProblem(applicationCount: applications, expertCount: experts, reviewsPerApplication: reviews,
                                 capacity: Array(repeating: capacityPerExpert, count: experts), cost: cost)
    }

    mutating func run(options: BenchOptions) throws {
        let problem = instance()
        arcs = problem.cost.filter { $0 >= 0 }.count
        for _ in 0..<options.repetitions {
            let start = ContinuousClock.now
            let (outcome, phases) = AssignmentSolver.solveCounting(problem)
            swiftSeconds.append((ContinuousClock.now - start).seconds)
            guard case .assigned(let chosen, let total) = outcome else { throw BenchError("the instance should be feasible: \(outcome)") }
            guard chosen.allSatisfy({ Set($0).count == reviews }) else { throw BenchError("an application without \(reviews) distinct experts") }
            swiftObjective = total
            swiftPhases = phases
        }

        // The same network for OR-tools: the cost matrix as little-endian int32 (-1 = conflict), and the sizes.
        let root = try makeTemporaryFolder("assignment")
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: root) } }
        let matrixPath = (root as NSString).appendingPathComponent("cost.i32")
        try problem.cost.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: matrixPath))
        let header: [String: Any] = ["applications": applications, "experts": experts, "reviews": reviews,
                                     "capacity": problem.capacity, "cost_file": matrixPath, "repetitions": options.repetitions]
        let headerPath = (root as NSString).appendingPathComponent("instance.json")
        try JSONSerialization.data(withJSONObject: header).write(to: URL(fileURLWithPath: headerPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [options.python, options.orToolsScript, headerPath]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            orToolsError = "could not run \(options.python) \(options.orToolsScript): \(error)"
            return
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let result = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            orToolsError = "the OR-tools script exited \(process.terminationStatus): \(String(decoding: output, as: UTF8.self).prefix(400)) (pip install ortools)"
            return
        }
        orToolsObjective = result["objective"] as? Int
        orToolsSolveSeconds = result["solve_seconds"] as? [Double] ?? []
        orToolsTotalSeconds = result["total_seconds"] as? [Double] ?? []
        orToolsVersion = result["version"] as? String ?? "?"
        if let status = result["status"] as? String, status != "OPTIMAL" { orToolsError = "OR-tools status \(status)" }
    }
}
