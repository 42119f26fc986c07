"""Shared pieces of the benchmarks: servers, a result table, JSON output."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One measured figure."""

    name: str
    value: float
    unit: str
    target: str = ""
    note: str = ""

    def met(self) -> str:
        """'yes' or 'NO' against a target like '< 200', '>= 2000' or '1'; '' without one."""
        parts = self.target.split()
        if not parts:
            return ""
        op, bound = (parts[0], parts[1]) if len(parts) == 2 else ("==", parts[0])
        try:
            limit = float(bound.replace(",", ""))
        except ValueError:
            return ""
        ok = {"<": self.value < limit, "<=": self.value <= limit, ">": self.value > limit,
              ">=": self.value >= limit, "==": self.value == limit}.get(op)  # fmt: skip
        return "" if ok is None else ("yes" if ok else "NO")


@dataclass
class Report:
    """Figures of one benchmark run, printed as a table and written as JSON."""

    benchmark: str
    figures: list[Figure] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, value: float, unit: str, target: str = "", note: str = "") -> Figure:
        fig = Figure(name, value, unit, target, note)
        self.figures.append(fig)
        return fig

    def table(self) -> str:
        w = max(len(f.name) for f in self.figures) if self.figures else 10
        lines = [f"{'figure':<{w}}  {'value':>12}  {'unit':<10} {'target':<9} {'met':<4} note"]
        for f in self.figures:
            lines.append(
                f"{f.name:<{w}}  {f.value:>12,.2f}  {f.unit:<10} {f.target:<9} {f.met():<4} {f.note}"
            )
        return "\n".join(lines)

    def write(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"{self.benchmark}-{stamp}.json"
        body = {
            "benchmark": self.benchmark,
            "taken_at": datetime.now(UTC).isoformat(),
            "machine": machine(),
            "context": self.context,
            "figures": [f.__dict__ for f in self.figures],
        }
        path.write_text(json.dumps(body, indent=2))
        return path


_STARTED = time.monotonic()


def progress(message: str) -> None:
    """One line on stderr with the seconds since the benchmark started (stdout keeps the table)."""
    print(f"  [{time.monotonic() - _STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    """What the figures were taken on (and how busy it was)."""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _first_line("/proc/cpuinfo", "model name"),
        "memory": _first_line("/proc/meminfo", "MemTotal"),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def _first_line(path: str, key: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith(key)), "")
    except OSError:
        return ""


async def admin_headers(dsn: str) -> dict[str, str]:
    """An admin API key made straight in the (migrated) database, as request headers."""
    try:
        from tests.support.keys import bearer, create_api_key
    except ImportError:  # a tree without API keys yet
        return {}
    return bearer(await create_api_key(dsn))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


async def connect(dsn: str, attempts: int = 30) -> Any:
    """asyncpg.connect, waiting while a shared server has no connection slot free."""
    import asyncio

    import asyncpg

    for attempt in range(attempts):
        try:
            return await asyncpg.connect(dsn)
        except asyncpg.TooManyConnectionsError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1.0)
    raise AssertionError("unreachable")


SERVICE_TIMINGS = {
    "claim_idle_ms": "5000",
    "claim_interval_ms": "1000",
    "redis_check_ms": "5000",
    "consumer_block_ms": "5000",
    "log_level": "WARNING",
}
"""The services' default timings (the test stack claims after 1.5 s, which under load makes
slow batches be claimed and processed twice), and quiet logs."""
