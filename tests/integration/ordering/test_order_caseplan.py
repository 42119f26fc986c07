"""Caseplan ends in the same state whatever order intake's events come in, around its exits.

Registration, correction and erasure from intake's stream, and the support worker's exit
through caseplan's own use case, in single batches and in every order the stream can deliver
(a late event too: a retry, a replayed dead letter): an erased person has no case plan and no
place, an exit stays an exit, capacity goes to the next in line, nothing is left pending.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from functools import partial
from uuid import uuid4

import asyncpg
import pytest
import redis.asyncio as aioredis
from ordering_events import ON, Cast, accepted, action, corrected, erased, label, registered
from ordering_support import Batch, Feeder, Step, deliveries, service_consumer

from services.caseplan import service
from services.caseplan.commands import run, today
from services.caseplan.domain.workers import SupportWorker
from services.caseplan.handlers import register_handlers
from services.caseplan.repository import agreements
from shared.events.envelope import Payload
from shared.events.vocabulary import ExitOutcome
from shared.settings import Settings

TWO = [  # y leaves through the worker's exit, x is erased
    [registered("x"), corrected("x"), erased("x")],
    [registered("y"), corrected("y")],
    [action("y", "exit")],
]
THREE = [  # z stays and, in the end, has the worker
    [registered("x"), erased("x")],
    [registered("y")],
    [action("y", "exit")],
    [registered("z")],
]
SCENARIOS = {"two who leave": (TWO, True), "and one who stays": (THREE, True)}
ACCEPTED = [  # an organisation accepts x and y (matching's stream); x is erased meanwhile
    [registered("x"), erased("x")],
    [accepted("x")],
    [registered("y")],
    [accepted("y")],
]
CHUNK = 32


@pytest.fixture
async def feeder(settings: Settings) -> AsyncIterator[Feeder]:
    """Caseplan's real consumer."""
    patient = settings.model_copy(update={"max_attempts": 20})
    redis = aioredis.from_url(settings.redis_url)
    feeder = Feeder(await service_consumer("caseplan", patient, redis, register_handlers))
    yield feeder
    await feeder.close()
    await redis.aclose()


def _exit_after_registration(order: Sequence[Step]) -> bool:
    """The worker can only exit someone whose case plan is open (after their registration)."""
    kinds = [(s.who, s.kind) for s in order]
    return kinds.index(("y", "R")) < kinds.index(("y", "exit"))


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_delivery_ends_in_the_same_case_plans(feeder: Feeder, name: str) -> None:
    lanes, every_cut = SCENARIOS[name]
    labels = sorted({s.who for lane in lanes for s in lane})
    every = list(deliveries(lanes, every_cut=every_cut, allowed=_exit_after_registration))
    assert len(every) >= 40, len(every)
    for start in range(0, len(every), CHUNK):
        chunk = every[start : start + CHUNK]
        casts = [Cast(labels, towns=(f"A-{uuid4()}", f"B-{uuid4()}")) for _ in chunk]
        workers = [await _worker(feeder, cast) for cast in casts]
        act = partial(_exit, feeder.pool)
        moves = [c.batches(lanes, b, act) for c, b in zip(casts, chunk, strict=True)]
        await feeder.deliver_together(moves)
        for cast, worker, batches in zip(casts, workers, chunk, strict=True):
            problems = await _problems(feeder, cast, worker, batches)
            assert not problems, f"{label(batches)}: {problems}"
        await _retire(feeder, workers)  # the next chunk's assignments see only its own workers
    assert await feeder.dead_letters() == 0


async def _worker(feeder: Feeder, cast: Cast) -> SupportWorker:
    """One support worker with room for one case, in both of the cast's municipalities.

    Their organisation has a service agreement with both municipalities, as the API requires."""
    towns = (cast.first_town, cast.moved_to)
    worker = SupportWorker(uuid4(), organisation_id=uuid4(), municipalities=towns, caseload_limit=1)
    async with feeder.pool.acquire() as conn:
        for town in dict.fromkeys(towns):
            await agreements.insert_agreement(
                conn,
                agreement_id=uuid4(),
                organisation_id=worker.organisation_id,
                municipality=town,
                by=None,
            )
    await run(feeder.pool, lambda conn: _added(conn, worker))
    return worker


async def _retire(feeder: Feeder, workers: list[SupportWorker]) -> None:
    async with feeder.pool.acquire() as conn:
        await conn.execute(
            "UPDATE support_worker SET active = false WHERE support_worker_id = ANY($1)",
            [w.support_worker_id for w in workers],
        )


async def _added(conn: asyncpg.Connection, worker: SupportWorker) -> tuple[None, list[Payload]]:
    return None, await service.add_worker(conn, worker, today())


async def _exit(pool: asyncpg.Pool, cast: Cast, step: Step) -> None:
    """The support worker records the exit, as the API does (one transaction with its events)."""
    pid = cast.ids[step.who]

    async def use_case(conn: asyncpg.Connection) -> tuple[None, list[Payload]]:
        return None, await service.exit_participant(conn, pid, ExitOutcome.EMPLOYED, ON, today())

    await run(pool, use_case)


async def _problems(
    feeder: Feeder, cast: Cast, worker: SupportWorker, batches: list[Batch]
) -> list[str]:
    ids, towns = list(cast.ids.values()), [cast.first_town, cast.moved_to]
    async with feeder.pool.acquire() as conn:
        plans = {
            r["participant_id"]: r
            for r in await conn.fetch("SELECT * FROM case_plan WHERE participant_id = ANY($1)", ids)
        }
        tombs = {r[0] for r in await conn.fetch(
            "SELECT participant_id FROM participant_tombstone WHERE participant_id = ANY($1)", ids
        )}  # fmt: skip
        cut = await conn.fetch(
            "SELECT closed_because, status FROM case_plan"
            " WHERE municipality = ANY($1) AND anonymised_at IS NOT NULL",
            towns,
        )
        waiting = await conn.fetchval(
            "SELECT count(*) FROM waiting_entry WHERE municipality = ANY($1)", towns
        )
        caseload = await conn.fetchval(
            "SELECT caseload FROM support_worker WHERE support_worker_id = $1",
            worker.support_worker_id,
        )
    order = [(s.who, s.kind) for batch in batches for s in batch]
    x_had_a_plan = order.index(("x", "R")) < order.index(("x", "E"))
    problems = []
    if cast.ids["x"] in plans or cast.ids["x"] not in tombs:
        problems.append("x: erased, yet a case plan or no tombstone")
    if [tuple(r) for r in cut] != ([("erased", "closed")] if x_had_a_plan else []):
        problems.append(f"anonymised plans {[tuple(r) for r in cut]}")
    y = plans.get(cast.ids["y"])
    if y is None or (y["status"], y["closed_because"], y["exit_outcome"], y["municipality"]) != (
        "closed", "exited", "employed", cast.moved_to if ("y", "U") in order else cast.first_town
    ):  # fmt: skip
        problems.append(f"y: exited, yet {dict(y) if y else None}")
    stays = "z" in cast.ids
    if stays:
        z = plans.get(cast.ids["z"])
        if z is None or (z["status"], z["support_worker_id"]) != ("open", worker.support_worker_id):
            problems.append(f"z: not open with the worker: {dict(z) if z else None}")
    if (waiting, caseload) != (0, 1 if stays else 0):
        problems.append(f"waiting {waiting}, worker's caseload {caseload}")
    if tombs - {cast.ids["x"]}:
        problems.append("a tombstone for someone not erased")
    return problems


async def test_an_acceptance_around_an_erasure_starts_a_placement_only_for_the_others(
    feeder: Feeder,
) -> None:
    every = list(deliveries(ACCEPTED, every_cut=True))
    assert len(every) >= 40, len(every)
    for start in range(0, len(every), CHUNK):
        chunk = every[start : start + CHUNK]
        casts = [Cast(["x", "y"], towns=(f"A-{uuid4()}", f"B-{uuid4()}")) for _ in chunk]
        await feeder.deliver_together(
            [c.batches(ACCEPTED, b) for c, b in zip(casts, chunk, strict=True)]
        )
        for cast, batches in zip(casts, chunk, strict=True):
            async with feeder.pool.acquire() as conn:
                placed = await conn.fetch(
                    "SELECT p.participant_id FROM placement p JOIN case_plan c USING (case_plan_id)"
                    " WHERE c.municipality = $1 AND c.participant_id = p.participant_id",
                    cast.first_town,
                )
                x_plan = await conn.fetchval(
                    "SELECT count(*) FROM case_plan WHERE participant_id = $1", cast.ids["x"]
                )
            order = [(s.who, s.kind) for batch in batches for s in batch]
            r, a, e = (order.index(("x", k)) for k in "RAE")
            placed_ids = [row[0] for row in placed]
            assert cast.ids["y"] in placed_ids and cast.ids["x"] not in placed_ids, label(batches)
            assert len(placed_ids) == 1 + (r < a < e), label(batches)  # x's, cut from them
            assert x_plan == 0, label(batches)
    assert await feeder.dead_letters() == 0
