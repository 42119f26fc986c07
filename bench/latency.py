"""Latency: from `POST /v1/intakes` returning to the match proposal the organisation sees.

The path the system really has: intake registers the participant (`participant.registered`);
caseplan opens a case plan and matching pools the candidate; a support worker then marks the
participant ready (`POST /v1/participants/{id}/ready-for-matching`, posted here by the bench as
soon as both hold the participant); caseplan emits `participant.ready_for_matching`; matching
proposes openings and queues a signed webhook. Timed per participant, at a steady rate:

- intake → registered: POST returned → case plan and candidate rows committed (DB poll, 5 ms);
- ready → inbox: ready POST returned → first `match` row committed (what
  `GET /v1/organisations/{id}/matches?status=proposed` reads);
- ready → webhook: ready POST returned → first `match.proposed` webhook received on 127.0.0.1;
- intake → inbox / webhook: the whole path, the bench's reaction (≤ one poll) included.

Run: `python -m bench.latency [--intakes 2000] [--rate 200] [--openings 1000]`
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from bench.common import SERVICE_TIMINGS, Report, admin_headers, connect, percentile
from bench.receiver import WebhookReceiver
from shared.demo import iter_participants
from shared.demo.bodies import intake_body, opening_body, organisation_body
from shared.demo.region import build_region
from shared.events.vocabulary import OpeningKind
from shared.migrate import migrate
from shared.settings import SERVICES
from shared.testing.servers import RedisServer, Stack, create_database, drop_database

POLL_S = 0.005
REGISTERED_SQL = """
SELECT c.participant_id FROM caseplan.case_plan c
JOIN matching.candidate m USING (participant_id) WHERE c.participant_id = ANY($1::uuid[])
"""
PROPOSED_SQL = """
SELECT DISTINCT participant_id FROM matching.match WHERE participant_id = ANY($1::uuid[])
"""
ALL_KINDS = [k.value for k in OpeningKind]


@dataclass
class Timeline:
    """When each step happened for each participant (time.monotonic seconds)."""

    intake_done: dict[UUID, float] = field(default_factory=dict)
    intake_call_s: list[float] = field(default_factory=list)
    registered: dict[UUID, float] = field(default_factory=dict)
    ready_done: dict[UUID, float] = field(default_factory=dict)
    proposed: dict[UUID, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> httpx.Response:
    """A setup POST that must succeed (a dropped connection is tried again)."""
    for attempt in range(3):
        try:
            r = await client.post(url, json=body)
            break
        except httpx.TransportError:
            if attempt == 2:
                raise
    if r.is_error:
        raise RuntimeError(f"POST {url}: {r.status_code} {r.text[:500]}")
    return r


async def set_up_region(
    client: httpx.AsyncClient, matching: str, caseplan: str, hook: str, openings: int, seed: int
) -> int:
    """Organisations with a webhook, `openings` open openings, a few support workers."""
    region = build_region(seed, openings * 25)
    chosen = random.Random(seed).sample(list(region.openings), min(openings, len(region.openings)))
    org_ids: dict[str, str] = {}
    for org in region.organisations:
        if any(o.organisation_key == org.key for o in chosen):
            r = await _post(client, f"{matching}/v1/organisations", organisation_body(org, hook))
            org_ids[org.key] = r.json()["organisation_id"]
    for i in range(0, len(chosen), 10):
        await asyncio.gather(
            *(
                _post(
                    client, f"{matching}/v1/openings", opening_body(o, org_ids[o.organisation_key])
                )
                for o in chosen[i : i + 10]
            )
        )
    municipalities = sorted({p.municipality for p in iter_participants(seed, 500)})
    for n in range(10):
        worker = {"municipalities": municipalities, "caseload_limit": 500,
                  "contact": f"worker{n}@example.org"}  # fmt: skip
        await _post(client, f"{caseplan}/v1/support-workers", worker)
    return len(chosen)


async def fire_intakes(
    client: httpx.AsyncClient, intake: str, bodies: list[dict[str, Any]], rate: float, t: Timeline
) -> None:
    """POST one intake every 1/rate seconds (not waiting for answers); note when each returns."""

    async def one(body: dict[str, Any]) -> None:
        sent = time.monotonic()
        try:
            r = await client.post(f"{intake}/v1/intakes", json=body)
        except httpx.HTTPError as exc:
            t.errors.append(f"intake: {exc!r}")
            return
        done = time.monotonic()
        if r.status_code != 201:
            t.errors.append(f"intake {r.status_code}: {r.text[:200]}")
            return
        t.intake_done[UUID(r.json()["participant_id"])] = done
        t.intake_call_s.append(done - sent)

    start = time.monotonic()
    tasks = []
    for i, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        tasks.append(asyncio.create_task(one(body)))
    await asyncio.gather(*tasks)


async def mark_ready(client: httpx.AsyncClient, caseplan: str, pid: UUID, t: Timeline) -> None:
    """What a support worker does once the participant is registered."""
    try:
        r = await client.post(
            f"{caseplan}/v1/participants/{pid}/ready-for-matching",
            json={"opening_kinds": ALL_KINDS},
        )
    except httpx.HTTPError as exc:
        t.errors.append(f"ready: {exc!r}")
        return
    if r.status_code != 200:
        t.errors.append(f"ready {r.status_code}: {r.text[:200]}")
        return
    t.ready_done[pid] = time.monotonic()


async def watch(
    dsn: str, client: httpx.AsyncClient, caseplan: str, t: Timeline, done: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Poll the committed rows: mark registered participants ready, note first proposals."""
    conn = await connect(dsn)
    tasks: list[asyncio.Task[None]] = []
    try:
        while not done.is_set():
            waiting = [p for p in t.intake_done if p not in t.registered]
            if waiting:
                now = time.monotonic()
                for row in await conn.fetch(REGISTERED_SQL, waiting):
                    t.registered[row[0]] = now
                    tasks.append(asyncio.create_task(mark_ready(client, caseplan, row[0], t)))
            unproposed = [p for p in t.ready_done if p not in t.proposed]
            if unproposed:
                now = time.monotonic()
                for row in await conn.fetch(PROPOSED_SQL, unproposed):
                    t.proposed[row[0]] = now
            await asyncio.sleep(POLL_S)
    finally:
        await conn.close()
    return tasks


async def first_webhooks(dsn: str, arrived: dict[str, float]) -> dict[UUID, float]:
    """Participant → when the first webhook about one of their matches arrived."""
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
        first[pid] = min(first.get(pid, float("inf")), arrived[match_id])
    return first


async def settle(t: Timeline, limit_s: float, quiet_s: float = 10.0) -> None:
    """Until every intake is marked ready and no new proposal came for `quiet_s` seconds."""
    start = last_change = time.monotonic()
    seen = -1
    while True:
        now = time.monotonic()
        if len(t.proposed) != seen:
            seen, last_change = len(t.proposed), now
        readied = len(t.ready_done) + len(t.errors) >= len(t.intake_done)
        if (readied and now - last_change > quiet_s) or now - start > limit_s:
            return
        await asyncio.sleep(0.2)


async def webhooks_settle(
    receiver: WebhookReceiver, quiet_s: float = 3, limit_s: float = 30
) -> None:
    """Until no webhook arrived for `quiet_s` seconds (the sender works through its queue)."""
    start = last_change = time.monotonic()
    seen = -1
    while time.monotonic() - last_change < quiet_s and time.monotonic() - start < limit_s:
        if len(receiver.arrived) != seen:
            seen, last_change = len(receiver.arrived), time.monotonic()
        await asyncio.sleep(0.2)


HOPS_SQL = """
WITH r AS (SELECT (body::json->>'event_id')::uuid AS event_id, created_at, published_at
           FROM caseplan.outbox WHERE type = 'participant.ready_for_matching')
SELECT extract(epoch FROM r.published_at - r.created_at) * 1000 AS relay,
       extract(epoch FROM i.processed_at - r.published_at) * 1000 AS to_consumer
FROM r JOIN matching.inbox i ON i.event_id = r.event_id AND i.consumer = 'matching'
"""


async def ready_hops(dsn: str) -> dict[str, list[float]]:
    """Where a readiness waits, from the services' own tables: caseplan's outbox row written ->
    published by the relay (XADD) -> matching's transaction that handles it begins."""
    conn = await connect(dsn)
    try:
        rows = await conn.fetch(HOPS_SQL)
    finally:
        await conn.close()
    return {
        "caseplan outbox -> XADD": [float(r["relay"]) for r in rows],
        "XADD -> matching batch begins": [float(r["to_consumer"]) for r in rows],
    }


def _spans(start: dict[UUID, float], end: dict[UUID, float]) -> list[float]:
    return [(end[p] - start[p]) * 1000 for p in start if p in end]


def add_spans(report: Report, name: str, ms: list[float], target: str = "") -> None:
    """p50/p95/p99 of one span."""
    for q in (50, 95, 99):
        report.add(
            f"{name} p{q}", percentile(ms, q), "ms", target if q == 99 else "", f"n={len(ms)}"
        )


async def measure(
    intakes: int = 2000,
    rate: float = 200,
    openings: int = 1000,
    seed: int = 3,
    settle_s: float = 15,
) -> Report:
    """One run on a fresh database and private Redis, webhooks to a local receiver."""
    report = Report("latency", context={"intakes": intakes, "rate": rate, "seed": seed})
    dsn, redis, receiver = await create_database(), RedisServer().start(), WebhookReceiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    logs = Path(tempfile.mkdtemp(prefix="polku-latency-"))
    stack = Stack(dsn, redis.url, logs, **SERVICE_TIMINGS, matching_allow_private_webhooks="true")
    t, done = Timeline(), asyncio.Event()
    try:
        await migrate(dsn, SERVICES)
        headers = await admin_headers(dsn)
        stack.start()
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=100)
        async with httpx.AsyncClient(timeout=30, headers=headers, limits=limits) as client:
            urls = {s: stack[s].url for s in ("intake", "caseplan", "matching")}
            report.context["openings"] = await set_up_region(
                client, urls["matching"], urls["caseplan"], receiver.url, openings, seed
            )
            bodies = [intake_body(p) for p in iter_participants(seed, intakes)]
            watcher = asyncio.create_task(watch(dsn, client, urls["caseplan"], t, done))
            await fire_intakes(client, urls["intake"], bodies, rate, t)
            await settle(t, settle_s)
            done.set()
            await asyncio.gather(*await watcher)
        await webhooks_settle(receiver)
        hooks = await first_webhooks(dsn, dict(receiver.arrived))
        hops = await ready_hops(dsn)
    finally:
        receiver.shutdown()
        stack.stop()
        redis.stop()
        await drop_database(dsn)
    report.context.update(errors=t.errors[:20], proposed=len(t.proposed), webhooks=len(hooks))
    report.add("intakes registered", len(t.registered), "people", note=f"of {intakes} posted")
    report.add("participants proposed", len(t.proposed), "people", note="others fit no opening")
    report.add("requests failed", len(t.errors), "requests", note="; ".join(t.errors[:2])[:100])
    add_spans(report, "POST /v1/intakes call", [s * 1000 for s in t.intake_call_s])
    add_spans(report, "intake -> registered", _spans(t.intake_done, t.registered))
    add_spans(report, "ready -> inbox", _spans(t.ready_done, t.proposed), "< 100")
    add_spans(report, "ready -> webhook", _spans(t.ready_done, hooks), "< 100")
    for hop, ms in hops.items():
        add_spans(report, f"  ready hop: {hop}", ms)
    add_spans(report, "intake -> inbox", _spans(t.intake_done, t.proposed), "< 100")
    add_spans(report, "intake -> webhook", _spans(t.intake_done, hooks), "< 100")
    return report


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--openings", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    report = asyncio.run(measure(args.intakes, args.rate, args.openings, args.seed))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
