"""Latency: from `POST /v1/intakes` returning to the match proposal the organisation sees.

The path the system really has: intake registers the participant (`participant.registered`);
caseplan opens a case plan and matching pools the candidate; a support worker then marks the
participant ready (`POST /v1/participants/{id}/ready-for-matching`, posted here by the bench as
soon as both hold the participant); caseplan emits `participant.ready_for_matching`; matching
proposes openings and queues a signed webhook. Timed per participant, at a steady rate:

- intake → registered: POST returned → case plan and candidate rows committed (DB poll, 5 ms);
- ready → inbox: ready POST returned → first `match` row committed (what
  `GET /v1/organisations/{id}/matches?status=proposed` reads), seen when matching's outbox
  NOTIFY (sent by the same transaction) wakes the bench, or by a fallback poll;
- ready → webhook: ready POST returned → first `match.proposed` webhook received on 127.0.0.1;
- intake → inbox / webhook: the whole path, the bench's reaction (≤ one poll) included;
- the hops of a readiness (`bench/latency_spans.py`), matching's own share among them;
- CPU seconds of each service and of the bench itself while intakes flow.

Run: `python -m bench.latency [--intakes 2000] [--rate 200] [--openings 1000]`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import aiohttp
import redis.asyncio as aioredis
import uvloop

from bench import latency_spans as spans
from bench.common import SERVICE_TIMINGS, Report, admin_headers, connect
from bench.receiver import WebhookReceiver
from demo import iter_participants
from demo.bodies import intake_body, opening_body, organisation_body
from demo.region import build_region
from shared.events import streams
from shared.events.vocabulary import OpeningKind
from shared.migrate import migrate
from shared.outbox import channel_of
from shared.settings import SERVICES
from tests.support.servers import RedisServer, Stack, create_database, drop_database

POLL_S = 0.005
FALLBACK_POLL_S = 0.05
"""Proposals are looked for on each NOTIFY of matching's outbox, else this often."""
REGISTERED_SQL = """
SELECT c.participant_id FROM caseplan.case_plan c
JOIN matching.candidate m USING (participant_id) WHERE c.participant_id = ANY($1::uuid[])
"""
PROPOSED_SQL = """
SELECT DISTINCT participant_id FROM matching.match
WHERE participant_id = ANY($1::uuid[]) AND status = 'proposed'
"""
"""No one answers a proposal during the run, so every match is still `proposed`; saying so lets
PostgreSQL use `match_live_participant` instead of scanning every match row against the list
of participants not yet proposed on each wake-up (a quarter fit no opening and stay on it)."""
ALL_KINDS = [k.value for k in OpeningKind]
Client = aiohttp.ClientSession


def client_session(headers: dict[str, str]) -> aiohttp.ClientSession:
    """The bench's HTTP client: up to 400 connections; 30 s to get one and 30 s per read (as
    httpx's timeout=30 was), no limit on a whole request, which may wait behind the others."""
    return aiohttp.ClientSession(
        headers=headers,
        connector=aiohttp.TCPConnector(limit=400),
        timeout=aiohttp.ClientTimeout(total=None, connect=30, sock_read=30),
    )


async def post_json(client: Client, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    """POST a JSON body; the status and the answer (JSON, or text when it is not JSON).

    aiohttp, not httpx: the bench sends ~400 requests a second, and httpx's 1–3 ms of CPU per
    request would make the bench itself late to note what it measures."""
    async with client.post(url, json=body) as r:
        text = await r.text()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text


async def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    """A setup POST that must succeed (a dropped connection is tried again); its answer."""
    for attempt in range(3):
        try:
            status, answer = await post_json(client, url, body)
            break
        except aiohttp.ClientConnectionError:
            if attempt == 2:
                raise
    if status >= 400:
        raise RuntimeError(f"POST {url}: {status} {str(answer)[:500]}")
    return answer


async def set_up_openings(
    client: Client, matching: str, hook: str, openings: int, seed: int
) -> int:
    """Organisations with a webhook to `hook`, and `openings` open openings of the region."""
    region = build_region(seed, openings * 25)
    chosen = random.Random(seed).sample(list(region.openings), min(openings, len(region.openings)))
    org_ids: dict[str, str] = {}
    for org in region.organisations:
        if any(o.organisation_key == org.key for o in chosen):
            r = await _post(client, f"{matching}/v1/organisations", organisation_body(org, hook))
            org_ids[org.key] = r["organisation_id"]
    for i in range(0, len(chosen), 10):
        await asyncio.gather(
            *(
                _post(
                    client, f"{matching}/v1/openings", opening_body(o, org_ids[o.organisation_key])
                )
                for o in chosen[i : i + 10]
            )
        )
    return len(chosen)


async def set_up_region(
    client: Client, matching: str, caseplan: str, hook: str, openings: int, seed: int
) -> int:
    """Organisations with a webhook, `openings` open openings, a few support workers."""
    posted = await set_up_openings(client, matching, hook, openings, seed)
    municipalities = sorted({p.municipality for p in iter_participants(seed, 500)})
    organisation = str(uuid4())  # one support organisation, agreed with every municipality
    for place in municipalities:
        agreement = {"organisation_id": organisation, "municipality": place}
        await _post(client, f"{caseplan}/v1/service-agreements", agreement)
    for n in range(10):
        worker = {"organisation_id": organisation, "municipalities": municipalities,
                  "caseload_limit": 500, "contact": f"worker{n}@example.org"}  # fmt: skip
        await _post(client, f"{caseplan}/v1/support-workers", worker)
    return posted


async def fire_intakes(
    client: Client,
    intake: str,
    bodies: list[dict[str, Any]],
    rate: float,
    t: spans.Timeline,
) -> None:
    """POST one intake every 1/rate seconds (not waiting for answers); note when each returns."""

    async def one(body: dict[str, Any]) -> None:
        sent = time.monotonic()
        try:
            status, answer = await post_json(client, f"{intake}/v1/intakes", body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            t.errors.append(f"intake: {exc!r}")
            return
        done = time.monotonic()
        if status != 201:
            t.errors.append(f"intake {status}: {str(answer)[:200]}")
            return
        t.intake_done[UUID(answer["participant_id"])] = done
        t.intake_call_s.append(done - sent)

    start = time.monotonic()
    tasks = []
    for i, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        tasks.append(asyncio.create_task(one(body)))
    await asyncio.gather(*tasks)


async def mark_ready(client: Client, caseplan: str, pid: UUID, t: spans.Timeline) -> None:
    """What a support worker does once the participant is registered."""
    url = f"{caseplan}/v1/participants/{pid}/ready-for-matching"
    try:
        status, answer = await post_json(client, url, {"opening_kinds": ALL_KINDS})
    except (aiohttp.ClientError, TimeoutError) as exc:
        t.errors.append(f"ready: {exc!r}")
        return
    if status != 200:
        t.errors.append(f"ready {status}: {str(answer)[:200]}")
        return
    t.ready_done[pid] = time.monotonic()


async def watch(
    dsn: str, client: Client, caseplan: str, t: spans.Timeline, done: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Poll the committed rows: mark registered participants ready as soon as both hold them."""
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
            await asyncio.sleep(POLL_S)
    finally:
        await conn.close()
    return tasks


async def watch_proposals(
    dsn: str, t: spans.Timeline, done: asyncio.Event, redis_url: str | None = None
) -> int:
    """Note each participant's first committed proposal; wakes on matching's outbox NOTIFY
    (sent at commit by the transaction that inserts the match rows) and, given `redis_url`,
    on each entry matching publishes: a consumer's small batch hands its rows to matching's
    relay after the commit without a NOTIFY (`OutboxRelay.hand_off`), so the XADD comes
    after the commit. Returns the wake-ups."""
    conn, listener = await connect(dsn), await connect(dsn)
    woke, notified = asyncio.Event(), 0

    def on_notify(*_: object) -> None:
        nonlocal notified
        notified += 1
        woke.set()

    await listener.add_listener(channel_of("matching"), on_notify)
    reader = None
    if redis_url is not None:
        reader = asyncio.create_task(_watch_stream(redis_url, streams.MATCHING, on_notify, done))
    try:
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woke.wait(), FALLBACK_POLL_S)
            woke.clear()
            now = time.monotonic()  # rows seen below committed before this
            unproposed = [p for p in t.ready_done if p not in t.proposed]
            if unproposed:
                for row in await conn.fetch(PROPOSED_SQL, unproposed):
                    t.proposed[row[0]] = now
    finally:
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        await listener.close()
        await conn.close()
    return notified


async def _watch_stream(
    redis_url: str, stream: str, on_entry: Callable[[], None], done: asyncio.Event
) -> None:
    """Call `on_entry` whenever entries arrive on `stream` (XREAD, blocking 100 ms)."""
    client = aioredis.from_url(redis_url)
    last = "$"
    try:
        while not done.is_set():
            answer = await client.xread({stream: last}, block=100)
            for _, entries in answer or []:
                if entries:
                    last = entries[-1][0]
                    on_entry()
    finally:
        await client.aclose()


async def settle(t: spans.Timeline, limit_s: float, quiet_s: float = 10.0) -> None:
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


async def measure(
    intakes: int = 2000,
    rate: float = 200,
    openings: int = 1000,
    seed: int = 3,
    settle_s: float = 15,
) -> Report:
    """One run on a fresh database and private Redis, webhooks to a local receiver."""
    report = Report("latency", context={"intakes": intakes, "rate": rate, "seed": seed})
    dsn, redis, receiver = await create_database(), RedisServer().start(), WebhookReceiver().start()
    logs = Path(tempfile.mkdtemp(prefix="polku-latency-"))
    stack = Stack(dsn, redis.url, logs, **SERVICE_TIMINGS, matching_allow_private_webhooks="true")
    t, run = spans.Timeline(), spans.Run()
    try:
        await migrate(dsn, SERVICES)
        headers = await admin_headers(dsn)
        stack.start()
        pids = {s: [sp.proc.pid for sp in sps if sp.proc] for s, sps in stack.services.items()}
        cpu = spans.CpuMeter(pids)
        async with client_session(headers) as client:
            urls = {s: stack[s].url for s in ("intake", "caseplan", "matching")}
            report.context["openings"] = await set_up_region(
                client, urls["matching"], urls["caseplan"], receiver.url, openings, seed
            )
            bodies = [intake_body(p) for p in iter_participants(seed, intakes)]
            cpu.begin()
            run.notified, run.firing_cpus = await _drive(
                dsn, client, urls, bodies, rate, t, settle_s, cpu, redis.url
            )
        await spans.webhooks_settle(receiver)
        run.cpu_s = cpu.used()
        run.hooks = await spans.first_webhooks(dsn, receiver.arrived())
        run.ready = await spans.readiness_xadds(redis.url)
        await spans.add_database_times(dsn, run.ready)
    finally:
        receiver.shutdown()
        stack.stop()
        redis.stop()
        await drop_database(dsn)
    spans.figures(report, t, run, intakes)
    return report


async def _drive(
    dsn: str,
    client: Client,
    urls: dict[str, str],
    bodies: list[dict[str, Any]],
    rate: float,
    t: spans.Timeline,
    settle_s: float,
    cpu: spans.CpuMeter,
    redis_url: str,
) -> tuple[int, float]:
    """Fire the intakes while watching; how many NOTIFYs woke the proposal watcher, and how
    many of the machine's CPUs were busy on average while the intakes were being posted."""
    done = asyncio.Event()
    watcher = asyncio.create_task(watch(dsn, client, urls["caseplan"], t, done))
    proposals = asyncio.create_task(watch_proposals(dsn, t, done, redis_url))
    await fire_intakes(client, urls["intake"], bodies, rate, t)
    firing_cpus = cpu.used()["machine"] / max(cpu.elapsed(), 1e-9)
    await settle(t, settle_s)
    done.set()
    await asyncio.gather(*await watcher)
    return await proposals, firing_cpus


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--openings", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    report = uvloop.run(measure(args.intakes, args.rate, args.openings, args.seed))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
