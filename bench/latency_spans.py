"""Where a readiness spends its time, from the services' own records (for bench/latency.py).

Every time here is wall-clock (the bench, Redis and PostgreSQL share one machine's clock):
- caseplan's outbox row written: `caseplan.outbox.created_at` (its transaction's start);
- XADD to `polku.caseplan`: the millisecond in the Redis entry id (Redis's own clock);
- matching's batch begins: `matching.inbox.processed_at` of the readiness (its transaction's start);
- the `match` row committed: when the bench saw it (woken by the NOTIFY of matching's outbox,
  which commits in the same transaction as the match row);
- the webhook received: when the bench's receiver (a process of its own) read the request.
Matching's own share is XADD → committed (inbox) and XADD → webhook received.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import psutil
import redis.asyncio as aioredis

from bench.common import Report, connect, percentile
from bench.receiver import WebhookReceiver
from shared.events import streams
from shared.messaging import entry_body


@dataclass
class Timeline:
    """When each step happened for each participant (time.monotonic seconds)."""

    intake_done: dict[UUID, float] = field(default_factory=dict)
    intake_call_s: list[float] = field(default_factory=list)
    registered: dict[UUID, float] = field(default_factory=dict)
    ready_done: dict[UUID, float] = field(default_factory=dict)
    proposed: dict[UUID, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


READY = "participant.ready_for_matching"
OUTBOX_SQL = """
SELECT (body::json->>'event_id')::uuid AS event_id, created_at FROM caseplan.outbox
WHERE type = 'participant.ready_for_matching'
"""
INBOX_SQL = "SELECT event_id, processed_at FROM matching.inbox WHERE consumer = 'matching'"


@dataclass
class Readiness:
    """One readiness event's way through the relay and matching (wall-clock seconds)."""

    event_id: UUID
    xadd: float
    outbox: float | None = None
    batch_begins: float | None = None


@dataclass
class CpuMeter:
    """CPU seconds used by each service process, by the bench itself and by the whole machine
    (both CPUs: PostgreSQL, Redis and the webhook receiver included) over a window."""

    pids: dict[str, list[int]]
    start: dict[str, float] = field(default_factory=dict)
    started_at: float = 0.0

    def _now(self) -> dict[str, float]:
        t = psutil.cpu_times()
        used = {"bench": _cpu(psutil.Process()),
                "machine": float(t.user + t.nice + t.system + t.irq + t.softirq)}  # fmt: skip
        for service, pids in self.pids.items():
            used[service] = sum(_cpu(psutil.Process(p)) for p in pids)
        return used

    def begin(self) -> None:
        """Start the window."""
        self.start, self.started_at = self._now(), time.monotonic()

    def elapsed(self) -> float:
        """Wall seconds since `begin`."""
        return time.monotonic() - self.started_at

    def used(self) -> dict[str, float]:
        """CPU seconds per process group since `begin`."""
        return {k: v - self.start.get(k, 0.0) for k, v in self._now().items()}


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


async def readiness_xadds(redis_url: str) -> dict[UUID, Readiness]:
    """Participant → its first readiness event and when the relay XADDed it."""
    client = aioredis.from_url(redis_url)
    found: dict[UUID, Readiness] = {}
    start = "-"
    try:
        while True:
            entries: Any = await client.xrange(streams.CASEPLAN, min=start, count=5000)
            for entry_id, fields in entries:
                event = json.loads(entry_body(fields))
                if event.get("type") == READY:
                    pid = UUID(event["payload"]["participant_id"])
                    ms = int(entry_id.split(b"-")[0])
                    found.setdefault(pid, Readiness(UUID(event["event_id"]), ms / 1000))
            if len(entries) < 5000:
                return found
            start = "(" + entries[-1][0].decode()
    finally:
        await client.aclose()


async def add_database_times(dsn: str, ready: dict[UUID, Readiness]) -> None:
    """Fill in when caseplan's outbox row was written and matching's batch began."""
    conn = await connect(dsn)
    try:
        written = {r[0]: _wall(r[1]) for r in await conn.fetch(OUTBOX_SQL)}
        begun = {r[0]: _wall(r[1]) for r in await conn.fetch(INBOX_SQL)}
    finally:
        await conn.close()
    for r in ready.values():
        r.outbox = written.get(r.event_id)
        r.batch_begins = begun.get(r.event_id)


def _wall(at: datetime) -> float:
    return at.timestamp()


def hops(
    ready: dict[UUID, Readiness], committed: dict[UUID, float], webhook: dict[UUID, float]
) -> dict[str, list[float]]:
    """Milliseconds spent in each hop, per participant that reached its end."""

    def span(start: dict[UUID, float | None], end: dict[UUID, float | None]) -> list[float]:
        out = []
        for pid, began in start.items():
            ended = end.get(pid)
            if began is not None and ended is not None:
                out.append((ended - began) * 1000)
        return out

    outbox = {p: r.outbox for p, r in ready.items()}
    xadd: dict[UUID, float | None] = {p: r.xadd for p, r in ready.items()}
    begins = {p: r.batch_begins for p, r in ready.items()}
    inbox: dict[UUID, float | None] = dict(committed)
    hooks: dict[UUID, float | None] = dict(webhook)
    return {
        "caseplan outbox -> XADD": span(outbox, xadd),
        "XADD -> matching batch begins": span(xadd, begins),
        "matching batch begins -> match committed": span(begins, inbox),
        "match committed -> webhook received": span(inbox, hooks),
        "matching's share: XADD -> match committed": span(xadd, inbox),
        "matching's share: XADD -> webhook received": span(xadd, hooks),
    }


async def first_webhooks(dsn: str, arrived: dict[str, float]) -> dict[UUID, float]:
    """Participant → when the first webhook about one of their matches arrived, on the
    bench's monotonic clock (`arrived` is the receiver's wall clock)."""
    to_monotonic = time.monotonic() - time.time()
    conn = await connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT match_id::text, participant_id FROM matching.match WHERE match_id = ANY($1)",
            list(arrived),
        )
    finally:
        await conn.close()
    first: dict[UUID, float] = {}
    for match_id, pid in rows:
        first[pid] = min(first.get(pid, float("inf")), arrived[match_id] + to_monotonic)
    return first


async def webhooks_settle(
    receiver: WebhookReceiver, quiet_s: float = 3, limit_s: float = 30
) -> None:
    """Until no webhook arrived for `quiet_s` seconds (the sender works through its queue)."""
    start = last_change = time.monotonic()
    seen = -1
    while time.monotonic() - last_change < quiet_s and time.monotonic() - start < limit_s:
        if receiver.count() != seen:
            seen, last_change = receiver.count(), time.monotonic()
        await asyncio.sleep(0.2)


def _spans(start: dict[UUID, float], end: dict[UUID, float]) -> list[float]:
    return [(end[p] - start[p]) * 1000 for p in start if p in end]


def add_spans(report: Report, name: str, ms: list[float], target: str = "") -> None:
    """p50/p95/p99 of one span."""
    for q in (50, 95, 99):
        report.add(
            f"{name} p{q}", percentile(ms, q), "ms", target if q == 99 else "", f"n={len(ms)}"
        )


@dataclass
class Run:
    """What one run observed, besides the timeline."""

    hooks: dict[UUID, float] = field(default_factory=dict)
    ready: dict[UUID, Readiness] = field(default_factory=dict)
    cpu_s: dict[str, float] = field(default_factory=dict)
    firing_cpus: float = 0.0
    notified: int = 0


def figures(report: Report, t: Timeline, run: Run, intakes: int) -> None:
    """The table: counts, spans, hops (matching's share with its targets), CPU."""
    hooks = run.hooks
    report.context.update(
        errors=t.errors[:20], proposed=len(t.proposed), webhooks=len(hooks),
        proposal_notifies=run.notified, cpu_s=run.cpu_s,
    )  # fmt: skip
    report.add("intakes registered", len(t.registered), "people", note=f"of {intakes} posted")
    report.add("participants proposed", len(t.proposed), "people", note="others fit no opening")
    report.add("requests failed", len(t.errors), "requests", note="; ".join(t.errors[:2])[:100])
    add_spans(report, "POST /v1/intakes call", [s * 1000 for s in t.intake_call_s])
    add_spans(report, "intake -> registered", _spans(t.intake_done, t.registered))
    add_spans(report, "ready -> inbox", _spans(t.ready_done, t.proposed), "< 100")
    add_spans(report, "ready -> webhook", _spans(t.ready_done, hooks), "< 100")
    wall = time.time() - time.monotonic()
    committed = {p: at + wall for p, at in t.proposed.items()}
    received = {p: at + wall for p, at in hooks.items()}
    shares = {"matching's share: XADD -> match committed": "< 20",
              "matching's share: XADD -> webhook received": "< 40"}  # fmt: skip
    for hop, ms in hops(run.ready, committed, received).items():
        add_spans(report, f"  ready hop: {hop}", ms, shares.get(hop, ""))
    add_spans(report, "intake -> inbox", _spans(t.intake_done, t.proposed), "< 100")
    add_spans(report, "intake -> webhook", _spans(t.intake_done, hooks), "< 100")
    for who, seconds in sorted(run.cpu_s.items()):
        per = seconds * 1000 / max(1, len(t.registered))
        report.add(f"CPU {who}", seconds, "s", note=f"{per:.2f} ms per intake")
    if run.firing_cpus:
        report.add("CPUs busy while posting", run.firing_cpus, "CPUs",
                   note=f"of {os.cpu_count()}; the whole machine, on average")  # fmt: skip
