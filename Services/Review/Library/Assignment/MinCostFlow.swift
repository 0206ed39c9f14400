/// A minimum-cost flow network on integer capacities and non-negative integer costs, solved by the
/// primal–dual method: Dijkstra on reduced costs (Johnson potentials) finds the shortest-path distance,
/// then a Dinic blocking flow pushes as much as possible along every arc of zero reduced cost before the
/// next Dijkstra. With small integer costs (speciality match 0…3) the number of phases stays small, so
/// 2,000 applications × 500 experts × 3 reviews (1M arcs, 6,000 units) needs a handful of Dijkstras,
/// not 6,000 of them as one-path-per-Dijkstra successive shortest paths would.
///
/// Layout: arcs are collected as a list, then `solve` lays them out once as a static CSR graph (every
/// node's arcs, residual twins included, contiguous; 16 bytes an arc), as OR-tools does: an expert's
/// 2,000 residual arcs are one sequential read instead of 2,000 cache misses through a linked list.
///
/// Pure and deterministic: a node's arcs are scanned in insertion order, so the same network gives the same flow.
public struct MinCostFlow: Sendable {
    // The arc list, as added (arc `i` and its twin `i ^ 1`); the capacities are the residual ones after `solve`.
    private var tail: [Int32] = []
    private var head: [Int32] = []
    private var capacity: [Int32] = []
    private var cost: [Int32] = []
    public let nodeCount: Int
    /// Dijkstra phases the last `solve` ran: the number of distinct shortest-path lengths it met.
    public private(set) var phases = 0

    public init(nodes: Int) {
        precondition(nodes < Int(Int32.max), "too many nodes")
        nodeCount = nodes
    }

    /// Adds an arc and its residual twin; returns the arc's index (its twin is `index ^ 1`).
    @discardableResult
    public mutating func addArc(from: Int, to target: Int, capacity cap: Int, cost arcCost: Int) -> Int {
        precondition(arcCost >= 0, "costs must be non-negative")
        precondition(cap >= 0 && cap <= Int(Int32.max) && arcCost <= Int(Int32.max) / 4, "capacity or cost out of range")
        precondition(from >= 0 && from < nodeCount && target >= 0 && target < nodeCount, "node out of range")
        let index = head.count
        tail.append(Int32(from)); head.append(Int32(target)); capacity.append(Int32(cap)); cost.append(Int32(arcCost))
        tail.append(Int32(target)); head.append(Int32(from)); capacity.append(0); cost.append(Int32(-arcCost))
        return index
    }

    /// The flow on an arc returned by `addArc`.
    public func flow(onArc index: Int) -> Int { Int(capacity[index ^ 1]) }

    /// Sends up to `limit` units from `source` to `sink` at minimum cost; returns (flow, cost).
    public mutating func solve(source: Int, sink: Int, limit: Int = .max) -> (flow: Int, cost: Int) {
        let graph = CSR(tail: tail, head: head, capacity: capacity, cost: cost, nodeCount: nodeCount)
        defer { graph.deallocate() }
        var phaseCount = 0
        let result = Self.run(graph, source: source, sink: sink, limit: limit, phases: &phaseCount)
        graph.writeBack(into: &capacity)
        phases += phaseCount
        return result
    }

    /// One arc of the static graph: 16 bytes, so a node's arcs share cache lines.
    private struct Arc {
        var to: Int32
        var capacity: Int32
        var cost: Int32
        /// The twin's position in `arcs`.
        var twin: Int32
    }

    /// Compressed sparse rows: node `v`'s arcs are `arcs[first[v] ..< first[v + 1]]`, in insertion order.
    private struct CSR {
        let first: UnsafeMutableBufferPointer<Int>
        let arcs: UnsafeMutableBufferPointer<Arc>
        /// Position in `arcs` of list arc `i`.
        let position: UnsafeMutableBufferPointer<Int32>

        init(tail: [Int32], head: [Int32], capacity: [Int32], cost: [Int32], nodeCount: Int) {
            let count = head.count
            first = .allocate(capacity: nodeCount + 1)
            first.initialize(repeating: 0)
            for t in tail { first[Int(t) + 1] += 1 }
            for v in 0..<nodeCount { first[v + 1] += first[v] }
            arcs = .allocate(capacity: count)
            position = .allocate(capacity: count)
            let fill = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
            defer { fill.deallocate() }
            _ = fill.initialize(from: first[0..<nodeCount])
            for i in 0..<count {
                let t = Int(tail[i])
                position[i] = Int32(fill[t]); fill[t] += 1
            }
            for i in 0..<count {
                arcs[Int(position[i])] = Arc(to: head[i], capacity: capacity[i], cost: cost[i], twin: position[i ^ 1])
            }
        }

        func writeBack(into capacity: inout [Int32]) {
            for i in 0..<capacity.count { capacity[i] = arcs[Int(position[i])].capacity }
        }

        func deallocate() { first.deallocate(); arcs.deallocate(); position.deallocate() }
    }

    private static func run(_ g: CSR, source: Int, sink: Int, limit: Int, phases: inout Int) -> (flow: Int, cost: Int) {
        let nodeCount = g.first.count - 1
        let arcs = g.arcs, first = g.first
        let infinity = Int.max / 4
        let potential = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let distance = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let level = UnsafeMutableBufferPointer<Int32>.allocate(capacity: nodeCount)
        let currentArc = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let queue = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        let pathArcs = UnsafeMutableBufferPointer<Int>.allocate(capacity: nodeCount)
        defer { potential.deallocate(); distance.deallocate(); level.deallocate(); currentArc.deallocate(); queue.deallocate(); pathArcs.deallocate() }
        potential.initialize(repeating: 0)
        var totalFlow = 0, totalCost = 0
        var heap = BinaryHeap()

        while totalFlow < limit {
            // Dijkstra on reduced costs, stopped when the sink is settled: every node still open is at least as far,
            // and its potential moves by the sink's distance, which keeps all reduced costs non-negative.
            distance.initialize(repeating: infinity)
            distance[source] = 0
            heap.removeAll()
            heap.push(0, source)
            while let (d, u) = heap.pop() {
                if d > distance[u] { continue }
                if u == sink { break }
                let pu = potential[u]
                for position in first[u]..<first[u + 1] {
                    let arc = arcs[position]
                    if arc.capacity > 0 {
                        let v = Int(arc.to)
                        let candidate = d + Int(arc.cost) + pu - potential[v]
                        if candidate < distance[v] { distance[v] = candidate; heap.push(candidate, v) }
                    }
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
                bfs: while cursor < queued {
                    let u = queue[cursor]; cursor += 1
                    let pu = potential[u], next = level[u] + 1
                    for position in first[u]..<first[u + 1] {
                        let arc = arcs[position]
                        let v = Int(arc.to)
                        if arc.capacity > 0, level[v] < 0, Int(arc.cost) + pu - potential[v] == 0 {
                            level[v] = next
                            if v == sink { break bfs }
                            queue[queued] = v; queued += 1
                        }
                    }
                }
                guard level[sink] >= 0 else { break }
                for v in 0..<nodeCount { currentArc[v] = first[v] }
                while totalFlow < limit {
                    let pushed = augment(g, source, sink, limit - totalFlow, level, currentArc, potential, pathArcs)
                    if pushed == 0 { break }
                    totalFlow += pushed
                    totalCost += pushed * (potential[sink] - potential[source])
                }
            }
        }
        return (totalFlow, totalCost)
    }

    /// One augmenting path in the level graph (iterative DFS with current-arc pointers); returns its flow.
    private static func augment(_ g: CSR, _ source: Int, _ sink: Int, _ limit: Int, _ level: UnsafeMutableBufferPointer<Int32>,
                                _ currentArc: UnsafeMutableBufferPointer<Int>, _ potential: UnsafeMutableBufferPointer<Int>,
                                _ pathArcs: UnsafeMutableBufferPointer<Int>) -> Int {
        let arcs = g.arcs, first = g.first
        var depth = 0
        var u = source
        while true {
            if u == sink {
                var pushed = limit
                for i in 0..<depth { pushed = min(pushed, Int(arcs[pathArcs[i]].capacity)) }
                for i in 0..<depth {
                    let position = pathArcs[i]
                    arcs[position].capacity -= Int32(pushed)
                    arcs[Int(arcs[position].twin)].capacity += Int32(pushed)
                }
                return pushed
            }
            var advanced = false
            let end = first[u + 1], next = level[u] + 1, pu = potential[u]
            while currentArc[u] < end {
                let position = currentArc[u]
                let arc = arcs[position]
                let v = Int(arc.to)
                if arc.capacity > 0, level[v] == next, Int(arc.cost) + pu - potential[v] == 0 {
                    pathArcs[depth] = position; depth += 1
                    u = v
                    advanced = true
                    break
                }
                currentArc[u] = position + 1
            }
            if !advanced {
                // Dead end: retreat and never try this node again in this phase.
                level[u] = -1
                guard depth > 0 else { return 0 }
                depth -= 1
                u = Int(arcs[Int(arcs[pathArcs[depth]].twin)].to)
                currentArc[u] += 1
            }
        }
    }

    /// Nodes reachable from `source` in the residual network (the source side of a minimum cut).
    public func residualReachable(from source: Int) -> [Bool] {
        var outgoing = Array(repeating: [Int](), count: nodeCount)
        for i in 0..<head.count where capacity[i] > 0 { outgoing[Int(tail[i])].append(Int(head[i])) }
        var seen = Array(repeating: false, count: nodeCount)
        seen[source] = true
        var stack = [source]
        while let u = stack.popLast() {
            for v in outgoing[u] where !seen[v] { seen[v] = true; stack.append(v) }
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
