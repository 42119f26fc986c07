"""Everyday load (issue 22): what one intake costs when intakes come one by one.

All four services against a fresh database and a private `redis-server`, the pools counting
their SQL statements (`POLKU_DB_COUNT_STATEMENTS`, read from each service's /metrics).
Phases, each on people not registered before:

- round trips at batch size 1: one `POST /v1/intakes`, then wait until the intake is a case
  plan, a candidate and a participant in reporting (so every hop sees a batch of one), again
  and again; SQL statements per intake by service and Redis commands per intake by command
  (`INFO commandstats` deltas), each also per consumed event (per event per hop). What the
  timers send while the stack is idle (claim loops, gauges, Redis checks, relay polls) is
  measured first and taken off, pro rata;
- round trips at batch size 200: the same intakes in uploads of 200 rows
  (`POST /v1/intakes/batch`), so every hop reads batches of up to 200;
- steady rates (20/s, 100/s, 200/s): single POSTs, open loop; CPU per intake of every service
  process, of Redis and of the run's PostgreSQL backends (psutil, `pipeline.RssSampler`) and
  the latency curve per hop: intake's outbox row written → each consumer's inbox row
  (its transaction began), p50/p99 at each rate.

Run: `python -m bench.trickle [--rates 20 100 200] [--seconds 20] [--single 100]`
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis
import uvloop

from bench.common import SERVICE_TIMINGS, Report, admin_headers, connect, percentile, progress
from bench.intake import batch_files, steady
from bench.pipeline import COUNTED, RssSampler
from demo import iter_participants
from demo.bodies import intake_body
from shared.migrate import migrate
from shared.settings import SERVICES
from tests.support.servers import RedisServer, Stack, create_database, drop_database

CONSUMERS = ("caseplan", "matching", "reporting")
IDLE_S = 3.0
"""How long the idle stack is watched for its timers' own statements and commands."""
WARM_SETTLE_S = 4.0
"""Wait after the warm-up before the idle stack is watched: reporting's aggregator takes the
warm-up's notes 2 s after them (not the idle stack's own work)."""
BATCH = 200
THROUGH_S = 60.0
POLL_S = 0.002
STATEMENT = re.compile(r'^polku_db_statements_total\{kind="([^"]*)",service="([^"]*)"\} (\S+)$')
PUBLISHED = re.compile(r"^polku_events_published_total\{[^}]*\} (\S+)$")
CONSUMED = re.compile(
    r'^polku_events_consumed_total\{outcome="processed",service="([^"]*)",'
    r'stream="[^"]*",type="[^"]*"\} (\S+)$'
)


class Counts:
    """SQL statements by service (from /metrics), Redis commands by name (commandstats) and
    events consumed, at one moment."""

    def __init__(self, sql: dict[str, float], redis: dict[str, float], consumed: float) -> None:
        self.sql, self.redis, self.consumed = sql, redis, consumed
        self.at = time.perf_counter()

    def __sub__(self, other: Counts) -> Counts:
        out = Counts(
            _minus(self.sql, other.sql),
            _minus(self.redis, other.redis),
            self.consumed - other.consumed,
        )
        out.at = self.at - other.at
        return out

    def scaled(self, factor: float) -> Counts:
        out = Counts(
            {k: v * factor for k, v in self.sql.items()},
            {k: v * factor for k, v in self.redis.items()},
            self.consumed * factor,
        )
        out.at = self.at * factor
        return out


def _minus(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: a.get(k, 0.0) - b.get(k, 0.0) for k in a.keys() | b.keys()}


async def read_counts(client: httpx.AsyncClient, stack: Stack, redis: aioredis.Redis) -> Counts:
    """Every service's statements and consumed events, and Redis's command counts, now."""
    sql: dict[str, float] = defaultdict(float)
    consumed = published = 0.0
    for name in SERVICES:
        for sp in stack.services.get(name, []):
            text = (await client.get(f"{sp.url}/metrics")).text
            for line in text.splitlines():
                if m := STATEMENT.match(line):
                    sql[f"{m[2]} {m[1]}"] += float(m[3])
                elif m := CONSUMED.match(line):
                    consumed += float(m[2])
                elif m := PUBLISHED.match(line):
                    published += float(m[1])
    stats: dict[str, Any] = await redis.info("commandstats")
    commands = {
        k.removeprefix("cmdstat_"): float(v["calls"])
        for k, v in stats.items()
        if k not in ("cmdstat_info",)  # the bench's own reads
    }
    # The relays' XADDs run inside one EVALSHA per stream and batch (one round trip): they
    # are counted apart from the commands clients send.
    commands["xadd"] = commands.get("xadd", 0.0) - published
    commands["xadd inside evalsha"] = published
    return Counts(dict(sql), commands, consumed)


async def through(conn: Any, ids: list[str]) -> None:
    """Wait until every participant in `ids` is in caseplan, matching and reporting."""
    deadline = time.perf_counter() + THROUGH_S
    want = len(ids)
    left = {k: v for k, v in COUNTED.items() if k != "intake"}
    while left:
        for service, table in list(left.items()):
            n = await conn.fetchval(
                f"SELECT count(*) FROM {table} WHERE participant_id = ANY($1::uuid[])", ids
            )
            if n >= want:
                del left[service]
        if left:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"not through {sorted(left)} after {THROUGH_S} s")
            await asyncio.sleep(POLL_S)


async def settled(conn: Any, client: httpx.AsyncClient, stack: Stack, redis: Any) -> Counts:
    """Wait until every outbox is published and no service consumes anything more (what
    an intake sets off downstream has all happened); the counts then."""
    deadline = time.perf_counter() + THROUGH_S
    last = await read_counts(client, stack, redis)
    still = 0
    while still < 3:
        await asyncio.sleep(0.1)
        now = await read_counts(client, stack, redis)
        pending = sum(
            [await conn.fetchval(f"SELECT count(*) FROM {s}.outbox_pending") for s in COUNTED]
        )
        still = still + 1 if now.consumed == last.consumed and not pending else 0
        last = now
        if time.perf_counter() > deadline:
            raise TimeoutError("the stack did not settle")
    return last


async def post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> str:
    r = await client.post(f"{url}/v1/intakes", json=body)
    if r.status_code not in (200, 201):
        raise RuntimeError(f"POST /v1/intakes: {r.status_code} {r.text[:300]}")
    return str(r.json()["participant_id"])


def add_gross(report: Report, label: str, gross: Counts, intakes: int) -> None:
    """What the whole stack sent during the phase, its timers included (they are taken off
    pro rata in the net figures, which under-counts a stack whose timers are suppressed
    while events flow, e.g. a relay's poll that every NOTIFY postpones), per intake and per
    consumed event; and the phase's seconds per intake (timers cost per intake with it)."""
    sql = sum(gross.sql.values())
    cmds = sum(v for k, v in gross.redis.items() if k != "xadd inside evalsha")
    note = f"timers included; {gross.at / intakes:.2f} s per intake in this phase"
    report.add(f"{label} gross: SQL statements per intake", sql / intakes, "stmts", "", note)
    report.add(f"{label} gross: Redis commands per intake", cmds / intakes, "cmds", "", note)
    if gross.consumed:
        report.add(
            f"{label} gross: round trips per event per hop",
            (sql + cmds) / gross.consumed,
            "trips",
            "",
            note,
        )


def add_round_trips(report: Report, label: str, net: Counts, intakes: int, idle: str) -> None:
    """Statements and commands per intake, by service and command, and per consumed event."""
    hops = net.consumed / intakes if intakes else 0.0
    total_sql = sum(net.sql.values())
    by_service: dict[str, float] = defaultdict(float)
    for key, n in net.sql.items():
        by_service[key.split()[0]] += n
    total_redis = sum(v for k, v in net.redis.items() if k != "xadd inside evalsha")
    note = f"{hops:.1f} events consumed per intake; idle timers taken off ({idle})"
    report.add(f"{label}: SQL statements per intake", total_sql / intakes, "stmts", "", note)
    report.add(f"{label}: Redis commands per intake", total_redis / intakes, "cmds", "", note)
    if net.consumed:
        report.add(
            f"{label}: round trips per event per hop",
            (total_sql + total_redis) / net.consumed,
            "trips",
            "",
            "SQL statements + Redis commands of all services / events consumed",
        )
    for service, n in sorted(by_service.items()):
        kinds = sorted(
            ((k.split()[1], v / intakes) for k, v in net.sql.items() if k.split()[0] == service),
            key=lambda kv: -kv[1],
        )
        detail = ", ".join(f"{k} {v:.1f}" for k, v in kinds if v >= 0.05)
        report.add(f"{label}: SQL {service}", n / intakes, "stmts/intk", "", detail)
    for command, n in sorted(net.redis.items(), key=lambda kv: -kv[1]):
        if abs(n / intakes) >= 0.05:
            report.add(f"{label}: Redis {command}", n / intakes, "cmds/intk")


def add_idle(report: Report, idle: Counts) -> None:
    """What the idle stack's timers send per second: statements by service and kind, Redis
    commands by name (the bench's own INFO and /metrics reads not counted)."""
    report.add("idle: SQL statements", sum(idle.sql.values()) / idle.at, "stmts/s")
    report.add(
        "idle: Redis commands",
        sum(v for k, v in idle.redis.items() if k != "xadd inside evalsha") / idle.at,
        "cmds/s",
    )
    for key, n in sorted(idle.sql.items(), key=lambda kv: -kv[1]):
        if n / idle.at >= 0.05:
            report.add(f"idle: SQL {key}", n / idle.at, "stmts/s")
    for command, n in sorted(idle.redis.items(), key=lambda kv: -kv[1]):
        if abs(n / idle.at) >= 0.05:
            report.add(f"idle: Redis {command}", n / idle.at, "cmds/s")


async def latency_curve(conn: Any, ids: list[str]) -> dict[str, list[float]]:
    """Per consumer: ms from intake's outbox row (participant.registered) to its inbox row."""
    out: dict[str, list[float]] = {}
    for service in CONSUMERS:
        rows = await conn.fetch(
            f"SELECT extract(epoch FROM i.processed_at - o.created_at) * 1000 AS ms"
            f" FROM intake.outbox o JOIN {service}.inbox i USING (event_id)"
            " WHERE o.type = 'participant.registered'"
            " AND (o.body::jsonb -> 'payload' ->> 'participant_id') = ANY($1::text[])",
            ids,
        )
        out[service] = [float(r["ms"]) for r in rows]
    return out


async def measure(
    rates: list[float], seconds: float, single: int, seed: int = 11, idle_only: float = 0.0
) -> Report:
    """Round trips at batch sizes 1 and 200, then CPU and latency at each rate (only the idle
    stack's statements and commands per second, watched `idle_only` s, when that is set)."""
    need = 10 + single + BATCH + int(sum(r * seconds for r in rates))
    people = iter(intake_body(p) for p in iter_participants(seed, need))
    take = lambda n: [next(people) for _ in range(n)]  # noqa: E731
    report = Report(
        "trickle", context={"rates": rates, "seconds": seconds, "single": single, "seed": seed}
    )
    dsn = await create_database()
    server = RedisServer().start()
    log_dir = Path(tempfile.mkdtemp(prefix="polku-bench-trickle-"))
    stack = Stack(dsn, server.url, log_dir, **SERVICE_TIMINGS, db_count_statements="true")
    redis = aioredis.from_url(server.url)
    try:
        await migrate(dsn, SERVICES)
        headers = await admin_headers(dsn)
        stack.start(*COUNTED, ready_timeout=120)  # a loaded machine starts them slowly
        url = stack["intake"].url
        conn = await connect(dsn)
        async with httpx.AsyncClient(timeout=60, headers=headers) as client:
            for body in take(10):  # warm up: prepared statements, pools, groups
                await through(conn, [await post(client, url, body)])
            await asyncio.sleep(WARM_SETTLE_S)
            sampler = RssSampler(
                stack, server.proc.pid if server.proc else None, dsn.rsplit("/", 1)[1]
            )
            sampler.start()
            before = await read_counts(client, stack, redis)
            await asyncio.sleep(idle_only or IDLE_S)
            idle = await read_counts(client, stack, redis) - before
            sampler.finish()
            for what, used in sorted(sampler.cpu_seconds().items()):
                if what in (*COUNTED, "postgres", "redis"):
                    report.add(
                        f"idle: CPU {what}", 1000 * used / idle.at, "ms/s", "", "timers only"
                    )
            idle_note = (
                f"{sum(idle.sql.values()) / idle.at:.1f} stmts/s,"
                f" {sum(idle.redis.values()) / idle.at:.1f} cmds/s"
            )
            report.context["idle_per_s"] = {
                "sql": {k: v / idle.at for k, v in idle.sql.items()},
                "redis": {k: v / idle.at for k, v in idle.redis.items()},
            }
            progress(f"idle: {idle_note}")
            add_idle(report, idle)
            if idle_only:
                await conn.close()
                return report

            before = await read_counts(client, stack, redis)
            for body in take(single):
                await through(conn, [await post(client, url, body)])
                await settled(conn, client, stack, redis)
            one = await read_counts(client, stack, redis) - before
            net = one - idle.scaled(one.at / idle.at)
            add_gross(report, "batch 1", one, single)
            add_round_trips(report, "batch 1", net, single, idle_note)
            report.context["batch_1"] = {
                "sql": net.sql,
                "redis": net.redis,
                "consumed": net.consumed,
            }
            progress(f"batch 1: {single} intakes")

            bodies = take(BATCH)
            for body in bodies:  # one municipality: one upload of 200 rows
                body["municipality"] = bodies[0]["municipality"]
            files = batch_files(bodies, BATCH)
            since = await conn.fetchval("SELECT now()")
            before = await read_counts(client, stack, redis)
            for place, data in files:
                r = await client.post(
                    f"{url}/v1/intakes/batch",
                    params={"municipality": place},
                    files={"file": ("intakes.jsonl", data, "application/x-ndjson")},
                )
                if r.status_code != 200:
                    raise RuntimeError(f"batch upload: {r.status_code} {r.text[:300]}")
            ids = await conn.fetch(
                "SELECT participant_id::text AS id FROM intake.participant WHERE created_at >= $1",
                since,
            )
            await through(conn, [r["id"] for r in ids])
            many = await settled(conn, client, stack, redis) - before
            net = many - idle.scaled(many.at / idle.at)
            add_gross(report, f"batch {BATCH}", many, len(bodies))
            add_round_trips(report, f"batch {BATCH}", net, len(bodies), idle_note)
            report.context["batch_200"] = {
                "sql": net.sql,
                "redis": net.redis,
                "consumed": net.consumed,
            }
            progress(f"batch 200: {len(bodies)} intakes")

            for rate in rates:
                await rate_phase(
                    report, client, conn, stack, server, dsn, url, rate, take(int(rate * seconds))
                )
        await conn.close()
    finally:
        await redis.aclose()
        stack.stop()
        server.stop()
        await drop_database(dsn)
    return report


async def rate_phase(
    report: Report,
    client: httpx.AsyncClient,
    conn: Any,
    stack: Stack,
    server: RedisServer,
    dsn: str,
    url: str,
    rate: float,
    bodies: list[dict[str, Any]],
) -> None:
    """Single POSTs at `rate`: CPU per intake by process, the per-hop latency curve."""
    sampler = RssSampler(stack, server.proc.pid if server.proc else None, dsn.rsplit("/", 1)[1])
    sampler.start()
    ids: list[str] = []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=2.0)
    async with httpx.AsyncClient(
        base_url=url, timeout=60, headers=client.headers, limits=limits
    ) as rated:
        original = rated.post

        async def posted(path: str, **kw: Any) -> httpx.Response:
            r = await original(path, **kw)
            if r.status_code in (200, 201):
                ids.append(str(r.json()["participant_id"]))
            return r

        rated.post = posted  # type: ignore[method-assign]
        times, late = await steady(rated, bodies, rate)
    await through(conn, ids)
    peaks = sampler.finish()
    cpu = sampler.cpu_seconds()
    n = len(ids)
    label = f"{rate:g}/s"
    services = sum(cpu.get(s, 0.0) for s in COUNTED)
    whole = services + cpu.get("postgres", 0.0) + cpu.get("redis", 0.0)
    report.add(
        f"{label}: CPU per intake, services + PostgreSQL + Redis",
        1000 * whole / n,
        "ms/intake",
        "<= 4" if rate == 20 else "",
        f"{n} intakes; client lateness worst {late:.0f} ms",
    )
    for what in (*COUNTED, "postgres", "redis", "bench client", "machine"):
        if what in cpu:
            report.add(f"{label}: CPU {what}", 1000 * cpu[what] / n, "ms/intake")
    for service, value in sorted(peaks.items()):
        report.add(f"{label}: peak RSS {service}", value, "MB", "< 300")
    report.add(f"{label}: POST /v1/intakes p99", percentile(times, 99), "ms")
    curve = await latency_curve(conn, ids)
    for service, ms in curve.items():
        report.add(f"{label}: registered → {service} p50", percentile(ms, 50), "ms")
        report.add(f"{label}: registered → {service} p99", percentile(ms, 99), "ms")
    report.context[f"rate_{rate:g}"] = {"cpu_s": cpu, "intakes": n}
    progress(f"{label}: {n} intakes")


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", type=float, nargs="*", default=[20.0, 100.0, 200.0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--single", type=int, default=100)
    parser.add_argument(
        "--idle-only",
        type=float,
        default=0.0,
        metavar="S",
        help="only count what the idle stack sends per second, watched for S seconds",
    )
    args = parser.parse_args()
    report = uvloop.run(measure(args.rates, args.seconds, args.single, idle_only=args.idle_only))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
