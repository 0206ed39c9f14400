/// The expert assignment as a pure problem: every application needs `reviewsPerApplication` distinct experts,
/// each expert reviews at most `capacity[e]` applications, a pair is allowed only without conflict, and the
/// total mismatch cost (speciality) is minimal. No database, no dates: benchmarkable on its own.
public struct AssignmentProblem: Sendable {
    public var applicationCount: Int
    public var expertCount: Int
    public var reviewsPerApplication: Int
    /// Maximum load of each expert in this round (0 when unavailable).
    public var capacity: [Int]
    /// Minimum load of each expert (a fair share the department asks for); all zero by default.
    public var minimumLoad: [Int]
    /// Row-major `application * expertCount + expert`: the cost of the pair, or -1 when it is not allowed.
    public var cost: [Int32]

    public init(applicationCount: Int, expertCount: Int, reviewsPerApplication: Int, capacity: [Int], cost: [Int32], minimumLoad: [Int]? = nil) {
        precondition(capacity.count == expertCount && cost.count == applicationCount * expertCount)
        self.minimumLoad = minimumLoad ?? Array(repeating: 0, count: expertCount)
        self.applicationCount = applicationCount
        self.expertCount = expertCount
        self.reviewsPerApplication = reviewsPerApplication
        self.capacity = capacity
        self.cost = cost
    }

    public func pairCost(_ application: Int, _ expert: Int) -> Int32 { cost[application * expertCount + expert] }

    /// The most any assignment can cost: for each application its `reviewsPerApplication` dearest allowed pairs. The
    /// minimum-load penalty is derived from it, so no cost the callers choose can make savings outweigh a minimum place.
    public var largestTotalCost: Int {
        var total = 0
        for a in 0..<applicationCount {
            let allowed = (0..<expertCount).compactMap { e -> Int? in
                let c = pairCost(a, e)
                return c >= 0 && capacity[e] > 0 ? Int(c) : nil
            }
            total += allowed.sorted(by: >).prefix(reviewsPerApplication).reduce(0, +)
        }
        return total
    }
}

public enum AssignmentOutcome: Sendable, Equatable {
    /// `experts[a]` lists the experts of application `a`, ascending.
    case assigned(experts: [[Int]], totalCost: Int)
    case infeasible(AssignmentShortfall)
    /// Every application can be served, but not every expert reaches their minimum load.
    case minimumLoadUnmet([UnmetMinimum])
}

/// An expert whose minimum load no assignment reaches, with the facts that bound it.
public struct UnmetMinimum: Sendable, Equatable {
    public var expert: Int
    public var minimum: Int
    /// The most this expert gets in the best assignment.
    public var load: Int
    /// Applications the expert may review (no conflict).
    public var allowedApplications: Int
    public init(expert: Int, minimum: Int, load: Int, allowedApplications: Int) {
        self.expert = expert; self.minimum = minimum; self.load = load; self.allowedApplications = allowedApplications
    }
}

/// Why no assignment exists, as a Hall-type certificate read off the minimum cut: the applications in
/// `applications` need `needed` reviews, but all the experts allowed to review them can give at most
/// `available` (each expert `min(capacity, number of these applications it may review)`).
public struct AssignmentShortfall: Sendable, Equatable {
    public var applications: [Int]
    public var needed: Int
    public var available: Int
    /// (expert, how many of these applications it can take) for every allowed expert.
    public var contributions: [ExpertContribution]
    /// Applications that, taken alone, have fewer allowed experts with capacity than reviews needed.
    public var starved: [StarvedApplication]

    public struct ExpertContribution: Sendable, Equatable {
        public var expert: Int
        public var places: Int
        public init(expert: Int, places: Int) { self.expert = expert; self.places = places }
    }

    public struct StarvedApplication: Sendable, Equatable {
        public var application: Int
        public var allowedExperts: Int
        public init(application: Int, allowedExperts: Int) { self.application = application; self.allowedExperts = allowedExperts }
    }
}

public enum AssignmentSolver {
    public static func solve(_ problem: AssignmentProblem) -> AssignmentOutcome {
        solveCounting(problem).outcome
    }

    /// The outcome and the number of Dijkstra phases it took (for benchmarks).
    public static func solveCounting(_ problem: AssignmentProblem) -> (outcome: AssignmentOutcome, phases: Int) {
        let applications = problem.applicationCount, experts = problem.expertCount, k = problem.reviewsPerApplication
        let source = 0, sink = 1
        func applicationNode(_ a: Int) -> Int { 2 + a }
        func expertNode(_ e: Int) -> Int { 2 + applications + e }
        var network = MinCostFlow(nodes: 2 + applications + experts)
        for a in 0..<applications { network.addArc(from: source, to: applicationNode(a), capacity: k, cost: 0) }
        var pairArcs: [(application: Int, expert: Int, arc: Int)] = []
        pairArcs.reserveCapacity(applications * min(experts, 64))
        for a in 0..<applications {
            for e in 0..<experts where problem.capacity[e] > 0 {
                let c = problem.pairCost(a, e)
                guard c >= 0 else { continue }
                pairArcs.append((a, e, network.addArc(from: applicationNode(a), to: expertNode(e), capacity: 1, cost: Int(c))))
            }
        }
        // Minimum loads: the first `minimumLoad` units of each expert into the sink are free, every other unit (of
        // every expert) carries the same penalty, larger than any total speciality cost. The total flow is fixed, so the
        // solver first fills as many minimum places as it can; when all are filled the penalty is the same constant for
        // every assignment and the speciality cost alone decides.
        let hasMinimums = problem.minimumLoad.contains { $0 > 0 }
        let penalty = hasMinimums ? problem.largestTotalCost + 1 : 0
        for e in 0..<experts where problem.capacity[e] > 0 {
            let floor = min(max(problem.minimumLoad[e], 0), problem.capacity[e])
            if floor > 0 { network.addArc(from: expertNode(e), to: sink, capacity: floor, cost: 0) }
            if problem.capacity[e] > floor {
                network.addArc(from: expertNode(e), to: sink, capacity: problem.capacity[e] - floor, cost: penalty)
            }
        }
        let needed = applications * k
        let (flow, _) = network.solve(source: source, sink: sink, limit: needed)
        if flow == needed {
            var chosen = Array(repeating: [Int](), count: applications)
            var load = Array(repeating: 0, count: experts)
            var total = 0
            for pair in pairArcs where network.flow(onArc: pair.arc) > 0 {
                chosen[pair.application].append(pair.expert)
                load[pair.expert] += 1
                total += Int(problem.pairCost(pair.application, pair.expert))
            }
            let unmet = (0..<experts).filter { load[$0] < problem.minimumLoad[$0] }.map { e in
                UnmetMinimum(expert: e, minimum: problem.minimumLoad[e], load: load[e],
                             allowedApplications: (0..<applications).filter { problem.pairCost($0, e) >= 0 }.count)
            }
            guard unmet.isEmpty else { return (.minimumLoadUnmet(unmet), network.phases) }
            return (.assigned(experts: chosen.map { $0.sorted() }, totalCost: total), network.phases)
        }
        return (.infeasible(shortfall(problem, reachable: network.residualReachable(from: source), applicationNode: applicationNode)), network.phases)
    }

    private static func shortfall(_ problem: AssignmentProblem, reachable: [Bool], applicationNode: (Int) -> Int) -> AssignmentShortfall {
        let k = problem.reviewsPerApplication
        let set = (0..<problem.applicationCount).filter { reachable[applicationNode($0)] }
        var places: [Int: Int] = [:]
        for a in set {
            for e in 0..<problem.expertCount where problem.capacity[e] > 0 && problem.pairCost(a, e) >= 0 {
                places[e, default: 0] += 1
            }
        }
        let contributions = places.keys.sorted().map {
            AssignmentShortfall.ExpertContribution(expert: $0, places: min(places[$0]!, problem.capacity[$0]))
        }
        let starved = (0..<problem.applicationCount).compactMap { a -> AssignmentShortfall.StarvedApplication? in
            let allowed = (0..<problem.expertCount).filter { problem.capacity[$0] > 0 && problem.pairCost(a, $0) >= 0 }.count
            return allowed < k ? .init(application: a, allowedExperts: allowed) : nil
        }
        return AssignmentShortfall(applications: set, needed: set.count * k,
                                   available: contributions.reduce(0) { $0 + $1.places },
                                   contributions: contributions, starved: starved)
    }
}
