"""Every benchmark in one run: the ceiling first, then intake, pipeline, latency, trickle,
matching, reporting, web.

Prints one table (each figure with its target and whether it was met; throughput also as a
ratio of the ceiling measured in the same run) and writes it as JSON to bench/results/.

Run: `python -m bench` (full sizes, about an hour on 2 cores), `python -m bench --quick` (small
sizes, to check the harness), `python -m bench --only matching reporting` (some of them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import uvloop

from bench import ceiling, intake, latency, matching, pipeline, reporting, trickle, web
from bench.common import Report

FULL: dict[str, dict[str, Any]] = {
    "ceiling": {"events": 20_000},
    "intake": {"sequential": 1_000, "steady": 2_000, "rate": 200.0, "batch": 20_000},
    "pipeline": {"intakes": 100_000, "chunk": 2_000, "replicas": [1, 2]},
    "latency": {"intakes": 2_000, "rate": 200.0, "openings": 1_000},
    "trickle": {"rates": [20.0, 100.0, 200.0], "seconds": 20.0, "single": 100},
    "matching": {"participants": 100_000, "openings": 10_000, "samples": 200, "brute": 10},
    "reporting": {"participants": 1_000_000, "filters": None},
    "web": {"participants": 100_000, "repeat": 200},
}
QUICK: dict[str, dict[str, Any]] = {
    "ceiling": {"events": 5_000},
    "intake": {"sequential": 200, "steady": 300, "rate": 50.0, "batch": 2_000},
    "pipeline": {"intakes": 2_000, "chunk": 1_000, "replicas": [1]},
    "latency": {"intakes": 300, "rate": 50.0, "openings": 200},
    "trickle": {"rates": [20.0, 100.0, 200.0], "seconds": 5.0, "single": 20},
    "matching": {"participants": 20_000, "openings": 2_000, "samples": 50, "brute": 3},
    "reporting": {"participants": 20_000, "filters": ["none", "municipality"]},
    "web": {"participants": 3_000, "repeat": 30},
}
ORDER = ["ceiling", "intake", "pipeline", "latency", "trickle", "matching", "reporting", "web"]


async def _pipeline(sizes: dict[str, Any], best_ceiling: float) -> Report:
    report = Report("pipeline", context=dict(sizes))
    for n in sizes["replicas"]:
        figs = await pipeline.run_once(sizes["intakes"], sizes["chunk"], n, seed=1)
        report.context[f"run_x{n}"] = figs
        pipeline.add_figures(report, figs, n, best_ceiling)
    return report


def _intake(sizes: dict[str, Any]) -> Awaitable[Report]:
    args = argparse.Namespace(
        **sizes, chunk=2_000, stream=0, seed=5, py_spy=None
    )  # the inbound stream: `python -m bench.intake --stream N`
    return intake.measure(args)


def _matching(sizes: dict[str, Any]) -> Report:
    args = argparse.Namespace(
        participants=sizes["participants"],
        openings=sizes["openings"],
        samples=sizes["samples"],
        brute_samples=sizes["brute"],
        seed=7,
    )
    return matching.run(args)


async def run(sizes: dict[str, dict[str, Any]], only: list[str]) -> Report:
    """Run the chosen benchmarks in order; one combined report."""
    combined = Report("all", context={"sizes": {k: sizes[k] for k in only}})
    ceil = await ceiling.measure(sizes["ceiling"]["events"])
    best = max(f.value for f in ceil.figures)
    combined.context["ceiling_events_per_s"] = best
    jobs: dict[str, Callable[[], Awaitable[Report]]] = {
        "intake": lambda: _intake(sizes["intake"]),
        "pipeline": lambda: _pipeline(sizes["pipeline"], best),
        "latency": lambda: latency.measure(**{**sizes["latency"], "seed": 3}),
        "trickle": lambda: trickle.measure(**sizes["trickle"]),
        "matching": lambda: asyncio.to_thread(_matching, sizes["matching"]),
        "reporting": lambda: reporting.measure(
            sizes["reporting"]["participants"], filter_names=sizes["reporting"]["filters"]
        ),
        "web": lambda: web.measure(**sizes["web"]),
    }
    parts = [ceil]
    for name in only:
        if name == "ceiling":
            continue
        started = time.perf_counter()
        print(f"-- {name} ...", file=sys.stderr, flush=True)
        part = await jobs[name]()
        part.context["took_s"] = round(time.perf_counter() - started, 1)
        parts.append(part)
    for part in parts:
        combined.context[part.benchmark] = part.context
        for f in part.figures:
            if not f.name.startswith(part.benchmark):
                f.name = f"{part.benchmark}: {f.name.strip()}"
            combined.figures.append(f)
    return combined


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (checks the harness)")
    parser.add_argument("--only", nargs="+", choices=ORDER, default=ORDER)
    args = parser.parse_args()
    report = uvloop.run(run(QUICK if args.quick else FULL, args.only))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
