"""`make bench`: how long evaluating the whole package space of the negotiation model takes (goal: under 100 ms).

Measured in this process (no widget involved): the median and 95th percentile of ``kit.simulation.evaluate_packages``
over the kit's data, after one warm-up run. ``python -m benchmarks.simulation`` prints the row alone.
"""
from __future__ import annotations

import statistics
import time

GOAL_MS = 100


def measure(runs: int = 30) -> dict:
    """Return n, the number of packages, median_ms and p95_ms of evaluating the whole package space."""
    from kit import simulation as sim

    model = sim.build_model()
    space = sim.evaluate_packages(model)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sim.evaluate_packages(model)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"n": runs, "packages": len(space), "consensus": int(space["consensus"].sum()),
            "median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


def report_rows(result: dict | None = None) -> list[str]:
    """Return the RESULTS.md table row(s) for the simulation benchmark."""
    r = measure() if result is None else result
    return [f"| simulation (08): evaluate all {r['packages']:,} packages ({r['consensus']:,} reach consensus) "
            f"(n={r['n']}) | median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms | | | < {GOAL_MS} ms | "
            f"{'yes' if r['median_ms'] < GOAL_MS else 'no'} |"]


if __name__ == "__main__":
    print("\n".join(report_rows()))
