"""Soak: a steady intake load through all four services for minutes, watching for leaks.

Sends `--rate` intakes a second (JSON-lines batches to `POST /v1/intakes/batch`) for
`--minutes`, then lets the pipeline drain. Reports events processed, errors (HTTP and
handler failures), dead-lettered entries, the maximum consumer lag seen, and the RSS of
every service process at the start (after a warm-up minute) and at the end. Memory may
not grow by more than `--rss-growth-mb` per process. On demand, not in CI.

Run: `python -m bench.soak [--minutes 10] [--rate 50] [--replicas 1]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import redis
import uvloop
from prometheus_client.parser import text_string_to_metric_families

from bench.common import Report, admin_headers
from demo import iter_participants
from demo.bodies import intake_body
from shared.events import streams
from shared.migrate import migrate
from shared.settings import SERVICES
from tests.support.servers import RedisServer, Stack, create_database, drop_database

WARM_UP_S = 60
MUNICIPALITY = "Rapla vald"


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a service's /metrics: (name, sorted labels) → value."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def total(samples: dict[Any, float], name: str, **match: str) -> float:
    """Sum of the samples of `name` whose labels include `match`."""
    return sum(
        v
        for (n, labels), v in samples.items()
        if n == name and all(dict(labels).get(k) == want for k, want in match.items())
    )


def rss_mb(stack: Stack) -> dict[str, float]:
    """Resident memory of every service process, in MiB (replicas summed per service)."""
    out: dict[str, float] = {}
    for sp in stack.all():
        if sp.proc is not None and sp.proc.poll() is None:
            rss = psutil.Process(sp.proc.pid).memory_info().rss / 2**20
            out[sp.service] = out.get(sp.service, 0.0) + rss
    return out


class Soak:
    """One soak run's counters."""

    def __init__(self, stack: Stack, rate: int, headers: dict[str, str] | None = None) -> None:
        self.stack = stack
        self.headers = headers or {}
        self.rate = rate
        self.sent = 0
        self.http_errors = 0
        self.max_lag = 0.0
        self.rss_start: dict[str, float] = {}
        self._people = iter_participants(seed=7, count=10_000_000)

    def _batch(self, n: int) -> bytes:
        bodies = []
        for _ in range(n):
            body = intake_body(next(self._people))
            body["municipality"] = MUNICIPALITY  # one upload holds one municipality's intakes
            bodies.append(json.dumps(body))
        return "\n".join(bodies).encode()

    def send_one_second(self, client: httpx.Client) -> None:
        """Send `rate` intakes in one batch; count failures rather than stop."""
        try:
            r = client.post(
                f"{self.stack['intake'].url}/v1/intakes/batch",
                params={"municipality": MUNICIPALITY},
                files={"file": ("soak.jsonl", self._batch(self.rate), "application/x-ndjson")},
            )
            if r.status_code >= 300:
                self.http_errors += 1
            else:
                self.sent += int(r.json().get("created", 0)) + int(r.json().get("updated", 0))
        except httpx.HTTPError:
            self.http_errors += 1

    def sample_lag(self) -> None:
        """Track the largest consumer lag + pending any service reports."""
        for sp in self.stack.all():
            with_lag = scrape(sp.url)
            lag = total(with_lag, "polku_consumer_lag") + total(with_lag, "polku_consumer_pending")
            self.max_lag = max(self.max_lag, lag)

    def run(self, minutes: float) -> None:
        """The steady load, one batch a second, sampling lag every 5 s."""
        started = time.monotonic()
        with httpx.Client(timeout=60, headers=self.headers) as client:
            while (elapsed := time.monotonic() - started) < minutes * 60:
                tick = time.monotonic()
                self.send_one_second(client)
                if not self.rss_start and elapsed >= min(WARM_UP_S, minutes * 30):
                    self.rss_start = rss_mb(self.stack)
                if int(elapsed) % 5 == 0:
                    self.sample_lag()
                time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

    def drain(self, within: float = 300) -> bool:
        """Wait until no service has lag, pending entries or an outbox backlog."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            busy = 0.0
            for sp in self.stack.all():
                s = scrape(sp.url)
                busy += total(s, "polku_consumer_lag") + total(s, "polku_consumer_pending")
                busy += total(s, "polku_outbox_backlog")
            if busy == 0:
                return True
            time.sleep(1)
        return False


def report(soak: Soak, redis_url: str, drained: bool, bound_mb: float) -> Report:
    """The soak's figures."""
    rep = Report("soak", context={"rate_per_s": soak.rate, "drained": drained})
    processed = failed = 0.0
    for sp in soak.stack.all():
        s = scrape(sp.url)
        processed += total(s, "polku_events_consumed_total", outcome="processed")
        failed += total(s, "polku_events_consumed_total", outcome="failed")
    dead = int(redis.Redis.from_url(redis_url).xlen(streams.DEAD_LETTER))
    rep.add("intakes accepted", soak.sent, "intakes")
    rep.add("events processed (all consumers)", processed, "events")
    rep.add("errors: HTTP", soak.http_errors, "requests", "0")
    rep.add("errors: failed handler attempts", failed, "attempts", "0")
    rep.add("dead-lettered", dead, "entries", "0")
    rep.add("max consumer lag + pending", soak.max_lag, "entries")
    end = rss_mb(soak.stack)
    for service in SERVICES:
        start, now = soak.rss_start.get(service, 0.0), end.get(service, 0.0)
        note = "ok" if now - start <= bound_mb else "GREW BEYOND BOUND"
        rep.add(f"RSS {service} start", start, "MiB")
        rep.add(f"RSS {service} end", now, "MiB", f"<= start+{bound_mb:g}", note)
    return rep


async def main(minutes: float, rate: int, replicas: int, bound_mb: float) -> Report:
    """Fresh database and private Redis, the four services, the soak, the report."""
    dsn = await create_database()
    server = RedisServer().start()
    stack = Stack(
        dsn, server.url, Path(tempfile.mkdtemp(prefix="polku-soak-")), log_level="WARNING"
    )
    try:
        await migrate(dsn, SERVICES)
        stack.start(replicas=replicas)
        soak = Soak(stack, rate, await admin_headers(dsn))  # every /v1 call needs a key
        await asyncio.to_thread(soak.run, minutes)
        drained = await asyncio.to_thread(soak.drain)
        return report(soak, server.url, drained, bound_mb)
    finally:
        stack.stop()
        server.stop()
        await drop_database(dsn)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=50, help="intakes per second")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--rss-growth-mb", type=float, default=64)
    args = parser.parse_args()
    result = uvloop.run(main(args.minutes, args.rate, args.replicas, args.rss_growth_mb))
    print(result.table())
    print(f"written to {result.write()}")
    held = result.context["drained"] and not any(
        f.note == "GREW BEYOND BOUND" or (f.target == "0" and f.value) for f in result.figures
    )
    raise SystemExit(0 if held else 1)
