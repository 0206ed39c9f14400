#!/usr/bin/env python3
"""The reference for studiobench's assignment figure: Google OR-tools' SimpleMinCostFlow on the same network
review's solver builds (source -> application, capacity k; application -> expert, capacity 1, the pair's
cost, absent when conflicted; expert -> sink, the expert's capacity). Reads the instance studiobench wrote
(a JSON header and the cost matrix as little-endian int32, -1 = conflict) and prints one JSON line:
the optimal objective, the solve times and the build+solve times of each repetition."""
import json
import sys
import time

import numpy as np
import ortools
from ortools.graph.python import min_cost_flow


def build(header, cost):
    apps, experts, k = header["applications"], header["experts"], header["reviews"]
    capacity = np.asarray(header["capacity"], dtype=np.int64)
    source, sink = 0, 1
    app_node = 2 + np.arange(apps, dtype=np.int64)
    expert_node = 2 + apps + np.arange(experts, dtype=np.int64)
    pair_a, pair_e = np.nonzero(cost >= 0)
    tails = np.concatenate([np.full(apps, source), app_node[pair_a], expert_node[capacity > 0]])
    heads = np.concatenate([app_node, expert_node[pair_e], np.full(int((capacity > 0).sum()), sink)])
    caps = np.concatenate([np.full(apps, k), np.ones(len(pair_a), dtype=np.int64), capacity[capacity > 0]])
    costs = np.concatenate([np.zeros(apps, dtype=np.int64), cost[pair_a, pair_e].astype(np.int64),
                            np.zeros(int((capacity > 0).sum()), dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(2 + apps + experts, dtype=np.int64)
    supplies[source] = apps * k
    supplies[sink] = -apps * k
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    return flow


def main():
    header = json.load(open(sys.argv[1]))
    cost = np.fromfile(header["cost_file"], dtype="<i4").reshape(header["applications"], header["experts"])
    solve_seconds, total_seconds, objective, status = [], [], None, None
    for _ in range(int(header.get("repetitions", 3))):
        started = time.perf_counter()
        flow = build(header, cost)
        built = time.perf_counter()
        result = flow.solve()
        done = time.perf_counter()
        status = {flow.OPTIMAL: "OPTIMAL", flow.INFEASIBLE: "INFEASIBLE"}.get(result, str(result))
        objective = int(flow.optimal_cost())
        solve_seconds.append(done - built)
        total_seconds.append(done - started)
    print(json.dumps({"objective": objective, "status": status, "solve_seconds": solve_seconds,
                      "total_seconds": total_seconds, "version": ortools.__version__}))


if __name__ == "__main__":
    main()
