"""Matching's hop alone: a readiness XADDed at a steady rate → proposal committed, webhook received.

Only the matching service runs (its default settings; webhooks to a receiver on 127.0.0.1),
with `openings` open openings of the demo region, so its share of the latency budget is
measured apart from intake and caseplan, which share the same two cores in `bench/latency.py`.
First every participant's `participant.registered` is XADDed to `polku.intake`, with the two
caseplan events that a registration also brings to `polku.caseplan` (`caseplan.opened`,
`caseplan.worker_assigned`: matching reads and ignores them), and the bench waits until the
pool holds everyone. Then `participant.ready_for_matching` is XADDed one by one at `rate` per
second, as caseplan's relay does. Timed per participant from the XADD (the millisecond in the
entry id) to the first `match` row committed (seen on matching's outbox NOTIFY) and to the first
webhook received; matching's CPU seconds are measured over each phase.

Run: `python -m bench.latency_matching [--participants 2000] [--rate 200] [--openings 1000]`
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import redis.asyncio as aioredis
import uvloop

from bench import latency_spans as spans
from bench.common import SERVICE_TIMINGS, Report, admin_headers, connect
from bench.latency import client_session, set_up_openings, settle, watch_proposals
from bench.receiver import WebhookReceiver
from demo import iter_participants
from demo.bodies import intake_body
from services.intake.registration import new_profile
from services.intake.schemas import IntakeIn
from shared.events import new_event
from shared.events.caseplan import (
    CaseplanOpened,
    CaseplanWorkerAssigned,
    ParticipantReadyForMatching,
)
from shared.events.envelope import Payload
from shared.events.intake import ParticipantRegistered
from shared.events.vocabulary import OpeningKind
from shared.migrate import migrate
from shared.settings import SERVICES
from tests.support.polling import eventually
from tests.support.servers import RedisServer, Stack, create_database, drop_database

TODAY = date(2026, 12, 1)


def registrations(seed: int, n: int) -> list[list[Payload]]:
    """Per participant: the registration and the two caseplan events it brings."""
    out = []
    for p in iter_participants(seed, n):
        pid = uuid4()
        profile = new_profile(IntakeIn.model_validate(intake_body(p)), pid, TODAY)
        case = {"participant_id": pid, "case_plan_id": uuid4()}
        out.append([
            ParticipantRegistered.model_validate(profile.model_dump()),
            CaseplanOpened(**case, municipality=p.municipality, opened_on=TODAY,
                           planned_end_on=TODAY.replace(year=2027)),
            CaseplanWorkerAssigned(**case, support_worker_id=uuid4(), assigned_on=TODAY),
        ])  # fmt: skip
    return out


async def xadd_all(redis: aioredis.Redis, payloads: list[Payload], chunk: int = 500) -> None:
    """XADD events in pipelines, as the outbox relay does."""
    for i in range(0, len(payloads), chunk):
        async with redis.pipeline(transaction=False) as pipe:
            for payload in payloads[i : i + chunk]:
                env = new_event(payload, producer="bench")
                pipe.xadd(env.stream, {"__data__": env.model_dump_json()})
            await pipe.execute()


async def wait_for_pool(dsn: str, n: int, limit_s: float = 300) -> None:
    """Until matching's pool holds n participants."""
    conn = await connect(dsn)

    async def pooled() -> bool:
        return int(await conn.fetchval("SELECT count(*) FROM matching.candidate")) >= n

    try:
        await eventually(pooled, f"matching's pool of {n}", within=limit_s, ignoring=())
    finally:
        await conn.close()


async def send_readiness(
    redis: aioredis.Redis, people: list[UUID], rate: float, t: spans.Timeline
) -> None:
    """One `participant.ready_for_matching` every 1/rate seconds (kinds: all)."""
    kinds = list(OpeningKind)
    start = time.monotonic()
    for i, pid in enumerate(people):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        ready = ParticipantReadyForMatching(
            participant_id=pid, opening_kinds=kinds, support_worker_contact="w@example.org"
        )
        env = new_event(ready, producer="bench")
        await redis.xadd(env.stream, {"__data__": env.model_dump_json()})
        t.ready_done[pid] = time.monotonic()


async def measure(
    participants: int = 2000, rate: float = 200, openings: int = 1000, seed: int = 3
) -> Report:
    """One run on a fresh database and private Redis with matching alone."""
    report = Report("latency_matching", context={"participants": participants, "rate": rate})
    dsn, server, receiver = (
        await create_database(),
        RedisServer().start(),
        WebhookReceiver().start(),
    )
    logs = Path(tempfile.mkdtemp(prefix="polku-latency-matching-"))
    stack = Stack(dsn, server.url, logs, **SERVICE_TIMINGS, matching_allow_private_webhooks="true")
    redis = aioredis.from_url(server.url)
    t, run, cpu_ms = spans.Timeline(), spans.Run(), {}
    try:
        await migrate(dsn, SERVICES)
        headers = await admin_headers(dsn)
        stack.start("matching")
        matching = [sp.proc.pid for sp in stack.services["matching"] if sp.proc]
        async with client_session(headers) as client:
            report.context["openings"] = await set_up_openings(
                client, stack["matching"].url, receiver.url, openings, seed
            )
        cpu = spans.CpuMeter({"matching": matching})
        cpu_ms = await _phases(dsn, redis, receiver, cpu, t, run, participants=participants,
                               rate=rate, seed=seed, redis_url=server.url)  # fmt: skip
        run.hooks = await spans.first_webhooks(dsn, receiver.arrived())
        run.ready = await spans.readiness_xadds(server.url)
        await spans.add_database_times(dsn, run.ready)
    finally:
        await redis.aclose()
        receiver.shutdown()
        stack.stop()
        server.stop()
        await drop_database(dsn)
    _figures(report, t, run, cpu_ms)
    return report


async def _phases(
    dsn: str,
    redis: aioredis.Redis,
    receiver: WebhookReceiver,
    cpu: spans.CpuMeter,
    t: spans.Timeline,
    run: spans.Run,
    *,
    participants: int,
    rate: float,
    seed: int,
    redis_url: str,
) -> dict[str, float]:
    """Registrations all at once, then readiness at `rate`; matching's CPU (ms) per event."""
    events = registrations(seed, participants)
    cpu_ms = {}
    cpu.begin()
    print("registration phase", file=sys.stderr, flush=True)  # for a profiler to attach now
    await xadd_all(redis, [e for person in events for e in person])
    await wait_for_pool(dsn, participants)
    cpu_ms["per registration"] = cpu.used()["matching"] * 1000 / participants
    people = [person[0].participant_id for person in events]  # type: ignore[attr-defined]
    cpu.begin()
    print("readiness phase", file=sys.stderr, flush=True)
    done = asyncio.Event()
    watcher = asyncio.create_task(watch_proposals(dsn, t, done, redis_url))
    await send_readiness(redis, people, rate, t)
    await settle(t, limit_s=60, quiet_s=3)
    done.set()
    run.notified = await watcher
    await spans.webhooks_settle(receiver)
    cpu_ms["per readiness"] = cpu.used()["matching"] * 1000 / participants
    return cpu_ms


def _figures(report: Report, t: spans.Timeline, run: spans.Run, cpu_ms: dict[str, float]) -> None:
    report.context.update(proposal_notifies=run.notified)
    report.add("participants proposed", len(t.proposed), "people", note="others fit no opening")
    wall = time.time() - time.monotonic()
    committed = {p: at + wall for p, at in t.proposed.items()}
    received = {p: at + wall for p, at in run.hooks.items()}
    shares = {"matching's share: XADD -> match committed": "< 20",
              "matching's share: XADD -> webhook received": "< 40"}  # fmt: skip
    for hop, ms in spans.hops(run.ready, committed, received).items():
        if not hop.startswith("caseplan"):
            spans.add_spans(report, hop, ms, shares.get(hop, ""))
    for what, ms in cpu_ms.items():
        report.add(f"matching CPU {what}", ms, "ms", note=_cpu_note(what))


def _cpu_note(what: str) -> str:
    if what == "per registration":
        return "with 2 ignored caseplan events each"
    return "proposing and sending its webhooks"


def main() -> None:
    """Parse arguments, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--openings", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    report = uvloop.run(measure(args.participants, args.rate, args.openings, args.seed))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
