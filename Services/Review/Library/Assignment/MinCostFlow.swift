/// A minimum-cost flow network on integer capacities and non-negative integer costs, solved by the
/// primal–dual method: Dijkstra on reduced costs (Johnson potentials) finds the shortest-path distance,
/// then a Dinic blocking flow pushes as much as possible along every arc of zero reduced cost before the
/// next Dijkstra. With small integer costs (speciality match 0…3) the number of phases stays small, so
/// 2,000 applications × 500 experts × 3 reviews (1M arcs, 6,000 units) needs a handful of Dijkstras,
/// not 6,000 of them as one-path-per-Dijkstra successive shortest paths would.
///
/// Pure and deterministic: arcs are scanned in insertion order, so the same network gives the same flow.
public struct MinCostFlow: Sendable {
    private(set) var head: [Int]
    private var next: [Int] = []
    private var to: [Int] = []
    private var capacity: [Int] = []
    private var cost: [Int] = []
    public let nodeCount: Int
    /// Dijkstra phases the last `solve` ran: the number of distinct shortest-path lengths it met.
    public private(set) var phases = 0

    public init(nodes: Int) {
        nodeCount = nodes
        head = Array(repeating: -1, count: nodes)
    }

    /// Adds an arc and its residual twin; returns the arc's index (its twin is `index ^ 1`).
    @discardableResult
    public mutating func addArc(from: Int, to target: Int, capacity cap: Int, cost arcCost: Int) -> Int {
        precondition(arcCost >= 0, "costs must be non-negative")
        let index = to.count
        to.append(target); capacity.append(cap); cost.append(arcCost); next.append(head[from]); head[from] = index
        to.append(from); capacity.append(0); cost.append(-arcCost); next.append(head[target]); head[target] = index + 1
        return index
    }

    /// The flow on an arc returned by `addArc`.
    public func flow(onArc index: Int) -> Int { capacity[index ^ 1] }

    /// Sends up to `limit` units from `source` to `sink` at minimum cost; returns (flow, cost).
    public mutating func solve(source: Int, sink: Int, limit: Int = .max) -> (flow: Int, cost: Int) {
        // The hot loops run on raw buffers: with the arrays reached through `self`, every access paid an
        // exclusivity check, a bounds check and a uniqueness check (most of the solver's time in a profile).
        // Same algorithm, same scan order, same result.
        var capacity: [Int] = []
        swap(&capacity, &self.capacity)
        defer { swap(&capacity, &self.capacity) }
        var phaseCount = 0
        let result = capacity.withUnsafeMutableBufferPointer { capacity in
            head.withUnsafeBufferPointer { head in
                next.withUnsafeBufferPointer { next in
                    to.withUnsafeBufferPointer { to in
                        cost.withUnsafeBufferPointer { cost in
                            Self.run(Arcs(head: head, next: next, to: to, cost: cost, capacity: capacity), nodeCount: nodeCount,
                                     source: source, sink: sink, limit: limit, phases: &phaseCount)
                        }
                    }
                }
            }
        }
        phases += phaseCount
        return result
    }

    private struct Arcs {
        let head: UnsafeBufferPointer<Int>
        let next: UnsafeBufferPointer<Int>
        let to: UnsafeBufferPointer<Int>
        let cost: UnsafeBufferPointer<Int>
        let capacity: UnsafeMutableBufferPointer<Int>
    }

    private static func run(_ g: Arcs, nodeCount: Int, source: Int, sink: Int, limit: Int, phases: inout Int) -> (flow: Int, cost: Int) {
        let infinity = Int.max / 4
        let potential = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let distance = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let level = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let currentArc = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let queue = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        defer { potential.deallocate(); distance.deallocate(); level.deallocate(); currentArc.deallocate(); queue.deallocate() }
        potential.initialize(repeating: 0)
        var totalFlow = 0, totalCost = 0
        var heap = BinaryHeap()
        var pathArcs: [Int] = []

        while totalFlow < limit {
            // Dijkstra on reduced costs.
            distance.initialize(repeating: infinity)
            distance[source] = 0
            heap.removeAll()
            heap.push(0, source)
            while let (d, u) = heap.pop() {
                if d > distance[u] { continue }
                let pu = potential[u]
                var arc = g.head[u]
                while arc >= 0 {
                    if g.capacity[arc] > 0 {
                        let v = g.to[arc]
                        let candidate = d + g.cost[arc] + pu - potential[v]
                        if candidate < distance[v] { distance[v] = candidate; heap.push(candidate, v) }
                    }
                    arc = g.next[arc]
                }
            }
            guard distance[sink] < infinity else { break }
            phases += 1
            let cap = distance[sink]
            for v in 0..<nodeCount { potential[v] += min(distance[v], cap) }

            // Blocking flows on the admissible (zero reduced cost) subgraph.
            while totalFlow < limit {
                level.initialize(repeating: -1)
                level[source] = 0
                queue[0] = source
                var queued = 1, cursor = 0
                while cursor < queued {
                    let u = queue[cursor]; cursor += 1
                    let pu = potential[u], lu = level[u]
                    var arc = g.head[u]
                    while arc >= 0 {
                        let v = g.to[arc]
                        if g.capacity[arc] > 0, level[v] < 0, g.cost[arc] + pu - potential[v] == 0 {
                            level[v] = lu + 1
                            queue[queued] = v; queued += 1
                        }
                        arc = g.next[arc]
                    }
                }
                guard level[sink] >= 0 else { break }
                for v in 0..<nodeCount { currentArc[v] = g.head[v] }
                while totalFlow < limit {
                    let pushed = augment(g, source, sink, limit - totalFlow, level, currentArc, potential, &pathArcs)
                    if pushed == 0 { break }
                    totalFlow += pushed
                    totalCost += pushed * (potential[sink] - potential[source])
                }
            }
        }
        return (totalFlow, totalCost)
    }

    /// One augmenting path in the level graph (iterative DFS with current-arc pointers); returns its flow.
    private static func augment(_ g: Arcs, _ source: Int, _ sink: Int, _ limit: Int, _ level: UnsafeMutableBufferPointer<Int>,
                                _ currentArc: UnsafeMutableBufferPointer<Int>, _ potential: UnsafeMutableBufferPointer<Int>,
                                _ pathArcs: inout [Int]) -> Int {
        pathArcs.removeAll(keepingCapacity: true)
        var u = source
        while true {
            if u == sink {
                var pushed = limit
                for arc in pathArcs { pushed = min(pushed, g.capacity[arc]) }
                for arc in pathArcs { g.capacity[arc] -= pushed; g.capacity[arc ^ 1] += pushed }
                return pushed
            }
            var advanced = false
            while currentArc[u] >= 0 {
                let arc = currentArc[u]
                let v = g.to[arc]
                if g.capacity[arc] > 0, level[v] == level[u] + 1, g.cost[arc] + potential[u] - potential[v] == 0 {
                    pathArcs.append(arc)
                    u = v
                    advanced = true
                    break
                }
                currentArc[u] = g.next[arc]
            }
            if !advanced {
                // Dead end: retreat and never try this node again in this phase.
                level[u] = -1
                guard let last = pathArcs.popLast() else { return 0 }
                u = g.to[last ^ 1]
                currentArc[u] = g.next[currentArc[u]]
            }
        }
    }

    /// Nodes reachable from `source` in the residual network (the source side of a minimum cut).
    public func residualReachable(from source: Int) -> [Bool] {
        var seen = Array(repeating: false, count: nodeCount)
        seen[source] = true
        var stack = [source]
        while let u = stack.popLast() {
            var arc = head[u]
            while arc >= 0 {
                if capacity[arc] > 0, !seen[to[arc]] { seen[to[arc]] = true; stack.append(to[arc]) }
                arc = next[arc]
            }
        }
        return seen
    }
}

/// A binary min-heap of (key, node), ties broken by node so the order is deterministic.
struct BinaryHeap {
    private var keys: [Int] = []
    private var nodes: [Int] = []

    mutating func removeAll() { keys.removeAll(keepingCapacity: true); nodes.removeAll(keepingCapacity: true) }

    private func less(_ i: Int, _ j: Int) -> Bool { keys[i] < keys[j] || (keys[i] == keys[j] && nodes[i] < nodes[j]) }

    private mutating func swapAt(_ i: Int, _ j: Int) { keys.swapAt(i, j); nodes.swapAt(i, j) }

    mutating func push(_ key: Int, _ node: Int) {
        keys.append(key); nodes.append(node)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int, Int)? {
        guard !keys.isEmpty else { return nil }
        let top = (keys[0], nodes[0])
        swapAt(0, keys.count - 1)
        keys.removeLast(); nodes.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < keys.count, less(left, smallest) { smallest = left }
            if right < keys.count, less(right, smallest) { smallest = right }
            if smallest == parent { break }
            swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
