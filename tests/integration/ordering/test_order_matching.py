"""Matching ends in the same pool whatever order intake's and caseplan's events come in.

Registration, correction, readiness, exit and erasure of the same people, in single batches
and across the two streams, in every order the streams can deliver (see ordering_support):
an erased person is never in the pool, an exited one is never ready, the others are there
with their last profile, and nothing is left pending or dead-lettered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
import redis.asyncio as aioredis
from ordering_events import MOVED_TO, Cast, corrected, erased, exited, label, ready, registered
from ordering_support import Feeder, Lane, deliveries, service_consumer

from services.matching.handlers import register_handlers
from shared.settings import Settings

WITHIN_ONE_STREAM = [  # the case: [erased(y), registered(x), erased(x)] in one batch
    [registered("x"), corrected("x"), erased("x")],
    [registered("y"), erased("y")],
]
SURVIVOR_BESIDE_AN_ERASURE = [
    [registered("w"), corrected("w")],
    [registered("y"), erased("y")],
]
ACROSS_STREAMS = [  # readiness and exit on caseplan's stream, erasure on intake's
    [registered("x")],
    [ready("x"), exited("x")],
    [registered("y"), erased("y")],
    [ready("y")],
]
CHUNK = 32
"""Deliveries fed at once (their k-th batches merged): each keeps its own order and cuts."""
SCENARIOS = {
    "within one stream": (WITHIN_ONE_STREAM, True),
    "a survivor beside an erasure": (SURVIVOR_BESIDE_AN_ERASURE, True),
    "across streams": (ACROSS_STREAMS, False),
}


@pytest.fixture
async def feeder(settings: Settings) -> AsyncIterator[Feeder]:
    """Matching's real consumer, patient enough for every retry a delivery needs."""
    patient = settings.model_copy(update={"max_attempts": 20})
    redis = aioredis.from_url(settings.redis_url)
    feeder = Feeder(await service_consumer("matching", patient, redis, register_handlers))
    yield feeder
    await feeder.close()
    await redis.aclose()


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_delivery_ends_in_the_same_pool(feeder: Feeder, name: str) -> None:
    lanes, every_cut = SCENARIOS[name]
    labels = sorted({s.who for lane in lanes for s in lane})
    every = list(deliveries(lanes, every_cut=every_cut))
    assert len(every) >= 40, len(every)  # the scenario really is delivered in many orders
    for start in range(0, len(every), CHUNK):
        chunk = every[start : start + CHUNK]
        casts = [Cast(labels) for _ in chunk]
        await feeder.deliver_together(
            [c.batches(lanes, b) for c, b in zip(casts, chunk, strict=True)]
        )
        for cast, batches in zip(casts, chunk, strict=True):
            problems = await _pool_problems(feeder, cast, lanes)
            assert not problems, f"{label(batches)}: {problems}"
    assert await feeder.dead_letters() == 0


async def _pool_problems(feeder: Feeder, cast: Cast, lanes: Sequence[Lane]) -> list[str]:
    kinds = {who: {s.kind for lane in lanes for s in lane if s.who == who} for who in cast.ids}
    async with feeder.pool.acquire() as conn:
        pool = {
            r["participant_id"]: r
            for r in await conn.fetch(
                "SELECT participant_id, municipality, ready_at FROM candidate"
                " WHERE participant_id = ANY($1::uuid[])",
                list(cast.ids.values()),
            )
        }
        gone = {
            r["participant_id"]: r
            for r in await conn.fetch(
                "SELECT * FROM participant_tombstone WHERE participant_id = ANY($1::uuid[])",
                list(cast.ids.values()),
            )
        }
    problems = []
    for who, pid in cast.ids.items():
        row, tomb, did = pool.get(pid), gone.get(pid), kinds[who]
        if "E" in did:
            if row is not None:
                problems.append(f"{who}: erased but in the pool")
            if tomb is None or tomb["erased_at"] is None:
                problems.append(f"{who}: erasure not remembered")
            continue
        if row is None:
            problems.append(f"{who}: missing from the pool")
            continue
        if (row["ready_at"] is not None) != ("Y" in did and "X" not in did):
            problems.append(f"{who}: ready_at {row['ready_at']} after {sorted(did)}")
        town = MOVED_TO if "U" in did else cast.first_town
        if row["municipality"] != town:
            problems.append(f"{who}: municipality {row['municipality']}, not {town}")
        if ("X" in did) != (tomb is not None and tomb["exited_at"] is not None):
            problems.append(f"{who}: exit {'not ' if 'X' in did else ''}remembered")
    return problems
