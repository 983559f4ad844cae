#!/usr/bin/env python
"""Buddy matching (issue 11): pools of 1,000, 10,000 and 50,000 people with realistic
preferences (roundtable/buddies/synthetic.py: time zones mostly North American with tails in
Europe, India and Australia; check-in days early in the week; stages, fields and field wishes;
a second language for a minority; one to three of 300 groups, a third of them vetted; target
and expertise terms at three visibility levels; recent buddies for a fifth).

For each pool, each in a child process of its own (so each peak memory is its own):
- `ours`: roundtable.buddies.matching.match as the matching run calls it: networkx's exact
  max_weight_matching up to EXACT_LIMIT people, the k-best method above (the whole pool scored
  in numpy blocks; each person's K_BEST best partners; an auction on that sparse graph's
  double cover for a nearly optimal fractional matching and its dual; rustworkx's exact
  matching for the people the auction leaves loose), with its proven upper bound (the
  auction's dual raised until it covers every allowed pair: a feasible solution of the
  matching LP's dual);
- `networkx` and `rustworkx`: each library's exact max_weight_matching on the FULL graph of
  allowed pairs (edges built from the same block scores), stopped after --limit seconds
  (60 by default): building the graph counts against the limit.
Prints per pool and method: seconds, peak memory (the child's max RSS, MB), total
compatibility, and its share of the exact optimum where an exact solver finished, else of the
proven bound. The bar (design.md, the issue): 10,000 people in under 10 s at 99% or more.

    flock /work/bench.lock .venv/bin/python bench/matching.py
    flock /work/bench.lock .venv/bin/python bench/matching.py --sizes 1000 10000 --limit 60
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from common import BASE_DIR, load  # bench/common.py

sys.path.insert(0, str(BASE_DIR))
MAX_EDGES = 25_000_000  # a full graph past this would not fit in this machine's memory


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(method: str, n: int, seed: int, limit: float) -> dict[str, object]:
    from roundtable.buddies import matching
    from roundtable.buddies.synthetic import realistic_pool

    pool = realistic_pool(n, seed)
    base_rss = _rss_mb()
    started = time.perf_counter()
    if method == "ours":
        result = matching.match(pool, seed=seed)
        return {"seconds": time.perf_counter() - started, "total": result.total, "bound": result.upper_bound,
                "method": result.method, "pairs": len(result.pairs), "trios": len(result.trios),
                "waiting": len(result.waiting), "rss": _rss_mb(), "base_rss": base_rss}  # fmt: skip
    order = matching.ordered(pool, seed)
    edges: list[tuple[int, int, int]] = []
    for lo, block in matching.score_rows(order):
        for b in range(block.shape[0]):
            i = lo + b
            row = block[b, i + 1 :]
            js = (row >= 0).nonzero()[0]
            edges.extend(zip([i] * len(js), (js + i + 1).tolist(), row[js].tolist(), strict=True))
        if time.perf_counter() - started > limit:
            return {"stopped": f"building the full graph took over {limit:.0f} s", "rss": _rss_mb()}
        if len(edges) > MAX_EDGES:
            return {"stopped": f"over {MAX_EDGES:,} allowed pairs: too large for memory here", "rss": _rss_mb()}
    built = time.perf_counter() - started
    if method == "networkx":
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_weighted_edges_from(edges)
        found = nx.max_weight_matching(graph)
        pairs = [(min(a, b), max(a, b)) for a, b in found]
    else:
        import rustworkx as rx

        graph = rx.PyGraph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(edges)
        found = rx.max_weight_matching(graph, weight_fn=lambda w: w)
        pairs = [(min(a, b), max(a, b)) for a, b in found]
    weight = {(a, b): w for a, b, w in edges}
    return {"seconds": time.perf_counter() - started, "build_seconds": built, "edges": len(edges),
            "total": sum(weight[p] for p in pairs), "rss": _rss_mb()}  # fmt: skip


def run_child(method: str, n: int, seed: int, limit: float) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", method, str(n), str(seed), str(limit)]
    # The exact solvers get the limit plus a little for startup; past it they are stopped.
    timeout = None if method == "ours" else limit + 15
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=timeout,
                             env={**os.environ, "PYTHONHASHSEED": "0"})  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"stopped": f"no answer within {limit:.0f} s"}
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds an exact solver may take")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, n, seed, limit = args.child
        print(json.dumps(child(method, int(n), int(seed), float(limit))))
        return
    print(f"Buddy matching, realistic pools (seed {args.seed}); {load()}")
    for n in args.sizes:
        ours = run_child("ours", n, args.seed, args.limit)
        exact = {m: run_child(m, n, args.seed, args.limit) for m in ("networkx", "rustworkx")}
        optimum = max((r["total"] for r in exact.values() if "total" in r), default=None)
        print(f"\n{n:,} people ({load()})")
        for name, r in (("ours", ours), *exact.items()):
            if "stopped" in r:
                print(f"  {name:<10} stopped: {r['stopped']}; peak {r.get('rss', 0):,.0f} MB")
                continue
            if optimum:
                share = f"{100 * r['total'] / optimum:.2f}% of the exact optimum"
            else:
                share = f"{100 * r['total'] / ours['bound']:.2f}% of the proven bound {ours['bound']:,.0f}"
            extra = ""
            if name == "ours":
                extra = (f" [{r['method']}; {r['pairs']:,} pairs, {r['trios']} trios, {r['waiting']} waiting; "
                         f"{100 * r['total'] / r['bound']:.2f}% of its own bound {r['bound']:,.0f}]")  # fmt: skip
            else:
                extra = f" [{r['edges']:,} allowed pairs, graph built in {r['build_seconds']:.1f} s]"
            print(f"  {name:<10} {r['seconds']:7.2f} s  peak {r['rss']:6,.0f} MB  total {r['total']:>10,}  "
                  f"{share}{extra}")  # fmt: skip
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
