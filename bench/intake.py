"""Intake alone: single `POST /v1/intakes` and bulk intake, with the server's CPU per intake.

One intake process (`polku run intake`) on a fresh database and a private Redis; this process
is the client. Phases, each on people not registered before (one generated population):

- sequential: one POST at a time (client-observed latency p50/p95/p99);
- steady: open-loop POSTs at a fixed rate, each sent at its slot without waiting for earlier
  answers; latency counted from the slot, so a client or server falling behind shows;
- batch: JSON-lines uploads to `POST /v1/intakes/batch` (one municipality per file, two in
  flight, as the pipeline bench sends them): intakes accepted per second;
- stream: requests XADDed to `polku.intake.requests`; intakes/s until all are registered.

Server CPU is the intake process's user+system time (psutil) over a phase divided by its
intakes (so it includes the relay publishing their events); PostgreSQL CPU is that of the
backends serving the bench's database. `--py-spy DIR` records each phase's samples there.

Run: `python -m bench.intake [--sequential 1000] [--rate 200] [--steady 2000] [--batch 20000]
[--chunk 2000] [--stream 20000]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
import uvloop

from bench.common import SERVICE_TIMINGS, Report, admin_headers, connect, percentile
from demo import iter_participants
from demo.bodies import intake_body
from shared.events import streams
from shared.migrate import migrate
from shared.settings import SERVICES
from tests.support.polling import eventually
from tests.support.servers import RedisServer, Stack, create_database, drop_database

WARM_UP = 100


class CpuMeter:
    """User+system CPU seconds of the intake process and of the database's backends."""

    def __init__(self, pid: int, database: str) -> None:
        self.service = psutil.Process(pid)
        self.database = database

    def _backends(self) -> float:
        total = 0.0
        for proc in psutil.process_iter(["name", "cmdline"]):
            cmd = " ".join(proc.info["cmdline"] or [])
            if cmd.startswith("postgres:") and f" {self.database} " in cmd:
                try:
                    t = proc.cpu_times()
                except psutil.Error:
                    continue
                total += t.user + t.system
        return total

    def read(self) -> tuple[float, float]:
        """(service CPU s, PostgreSQL CPU s) so far."""
        t = self.service.cpu_times()
        return t.user + t.system, self._backends()


@contextmanager
def py_spy(pid: int, out: Path | None, phase: str) -> Iterator[None]:
    """Record the service with py-spy during a phase (collapsed stacks), when asked to."""
    if out is None:
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"intake-{phase}.txt"
    cmd = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--pid",
        str(pid),
        "--rate",
        "200",
        "--format",
        "raw",
    ]
    proc = subprocess.Popen([*cmd, "--output", str(path)], stdout=subprocess.DEVNULL)
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)


async def _one(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    r = await client.post("/v1/intakes", json=body)
    if r.status_code not in (200, 201):
        raise RuntimeError(f"POST /v1/intakes: {r.status_code} {r.text[:500]}")


async def sequential(client: httpx.AsyncClient, bodies: list[dict[str, Any]]) -> list[float]:
    """POST one after another; each call's latency in ms."""
    times = []
    for body in bodies:
        started = time.perf_counter()
        await _one(client, body)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def steady(
    client: httpx.AsyncClient, bodies: list[dict[str, Any]], rate: float
) -> tuple[list[float], float]:
    """Open loop: POST i at t0 + i/rate; latencies in ms from each slot, and the lateness."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    times: list[float] = []
    late = 0.0

    async def one(i: int, body: dict[str, Any]) -> None:
        await _one(client, body)
        times.append((loop.time() - (start + i / rate)) * 1000)

    tasks = []
    for i, body in enumerate(bodies):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        late = max(late, -delay)
        tasks.append(asyncio.ensure_future(one(i, body)))
    await asyncio.gather(*tasks)
    return times, late * 1000


def batch_files(bodies: list[dict[str, Any]], chunk: int) -> list[tuple[str, bytes]]:
    """(municipality, JSON-lines file) pairs, at most `chunk` rows each."""
    by_place: dict[str, list[str]] = defaultdict(list)
    for body in bodies:
        by_place[body["municipality"]].append(json.dumps(body))
    return [
        (place, "\n".join(lines[i : i + chunk]).encode())
        for place, lines in sorted(by_place.items())
        for i in range(0, len(lines), chunk)
    ]


async def upload(client: httpx.AsyncClient, files: list[tuple[str, bytes]], in_flight: int) -> int:
    """Upload every file, `in_flight` at a time; rows accepted."""
    queue = list(reversed(files))
    accepted = 0

    async def worker() -> None:
        nonlocal accepted
        while queue:
            place, data = queue.pop()
            r = await client.post(
                "/v1/intakes/batch",
                params={"municipality": place},
                files={"file": ("intakes.jsonl", data, "application/x-ndjson")},
            )
            r.raise_for_status()
            out = r.json()
            if out["rejected"]:
                raise RuntimeError(f"{out['rejected']} rows rejected in {place}")
            accepted += out["created"] + out["updated"]

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return accepted


async def through_stream(redis_url: str, dsn: str, bodies: list[dict[str, Any]]) -> int:
    """XADD every body as an inbound request, then wait until intake holds them all."""
    import redis.asyncio as aioredis

    conn = await connect(dsn)
    client = aioredis.from_url(redis_url)
    try:
        target = int(await conn.fetchval("SELECT count(*) FROM intake.participant")) + len(bodies)
        for i in range(0, len(bodies), 1000):
            async with client.pipeline(transaction=False) as pipe:
                for body in bodies[i : i + 1000]:
                    pipe.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(body)})
                await pipe.execute()

        async def drained() -> bool:
            return int(await conn.fetchval("SELECT count(*) FROM intake.participant")) >= target

        await eventually(
            drained, "the inbound stream drained", within=600, interval=0.02, ignoring=()
        )
        return len(bodies)
    finally:
        await client.aclose()
        await conn.close()


async def phase(
    report: Report,
    meter: CpuMeter,
    name: str,
    intakes: int,
    run: Callable[[], Awaitable[Any]],
    spy: Callable[[str], Any],
) -> Any:
    """Run one phase; add its wall rate and CPU per intake to the report; return its result."""
    with spy(name):
        cpu0, pg0 = meter.read()
        started = time.perf_counter()
        result = await run()
        wall = time.perf_counter() - started
        cpu1, pg1 = meter.read()
    service_ms, pg_ms = (cpu1 - cpu0) * 1000 / intakes, (pg1 - pg0) * 1000 / intakes
    report.add(f"{name}: intakes/s", intakes / wall, "intakes/s", note=f"{intakes} in {wall:.1f} s")
    report.add(f"{name}: intake CPU per intake", service_ms, "ms")
    report.add(f"{name}: PostgreSQL CPU per intake", pg_ms, "ms")
    return result


def _latencies(report: Report, name: str, times: list[float], target: str = "") -> None:
    for q in (50, 95, 99):
        report.add(f"{name}: call p{q}", percentile(times, q), "ms", target if q == 99 else "")


async def measure(args: argparse.Namespace) -> Report:
    """Every phase against one intake process; the report of their figures."""
    sizes = [WARM_UP, args.sequential, args.steady, args.batch, args.stream]
    people = [intake_body(p) for p in iter_participants(args.seed, sum(sizes))]
    parts, at = [], 0
    for size in sizes:
        parts.append(people[at : at + size])
        at += size
    warm, seq, ste, bat, stm = parts
    report = Report("intake", context={k: v for k, v in vars(args).items() if k != "py_spy"})
    dsn = await create_database()
    redis = RedisServer().start()
    log_dir = Path(tempfile.mkdtemp(prefix="polku-bench-intake-"))
    stack = Stack(dsn, redis.url, log_dir, **SERVICE_TIMINGS, db_pool_size="10")
    try:
        await migrate(dsn, SERVICES)  # keys are written into every schema
        headers = await admin_headers(dsn)
        stack.start("intake")
        sp = stack["intake"]
        assert sp.proc is not None
        meter = CpuMeter(sp.proc.pid, dsn.rsplit("/", 1)[1])
        spy = lambda name: py_spy(sp.proc.pid, args.py_spy, name)  # noqa: E731
        # Idle connections expire before uvicorn's 5 s keep-alive closes them under a request.
        limits = httpx.Limits(
            max_connections=200, max_keepalive_connections=200, keepalive_expiry=2.0
        )
        async with httpx.AsyncClient(
            base_url=sp.url, headers=headers, timeout=600, limits=limits
        ) as client:
            await sequential(client, warm)
            if seq:
                times = await phase(
                    report, meter, "sequential", len(seq), lambda: sequential(client, seq), spy
                )
                _latencies(report, "sequential", times)
            if ste:
                times, late = await phase(
                    report, meter, f"steady {args.rate:g}/s", len(ste),
                    lambda: steady(client, ste, args.rate), spy,
                )  # fmt: skip
                _latencies(report, f"steady {args.rate:g}/s", times, "< 100")
                report.add(f"steady {args.rate:g}/s: client lateness, worst", late, "ms")
            if bat:
                files = batch_files(bat, args.chunk)
                await phase(
                    report, meter, "batch upload", len(bat), lambda: upload(client, files, 2), spy
                )
            if stm:
                await phase(
                    report,
                    meter,
                    "inbound stream",
                    len(stm),
                    lambda: through_stream(redis.url, dsn, stm),
                    spy,
                )
        return report
    finally:
        stack.stop()
        redis.stop()
        await drop_database(dsn)


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sequential", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--steady", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=2_000)
    parser.add_argument("--stream", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--py-spy", type=Path, default=None, help="write py-spy samples here")
    args = parser.parse_args()
    report = uvloop.run(measure(args))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
