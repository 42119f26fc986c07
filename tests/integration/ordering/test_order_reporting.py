"""Reporting ends in the same read model whatever order the events of its streams come in.

Registration, correction and erasure from intake's stream, case opening and exit from
caseplan's, in single batches and in every order the streams can deliver (a late event too):
the read model of each delivery equals the one of the producers' own order, an erased person
is counted only under their anonymous id, and their id is nowhere.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
import redis.asyncio as aioredis
from ordering_events import Cast, corrected, erased, exited, label, opened, registered
from ordering_support import Feeder, Lane, deliveries, service_consumer

from services.reporting.handlers import register_handlers
from services.reporting.repository.erasure import PARTICIPANT_TABLES, PERSONAL_FIELDS, id_hash
from shared.settings import Settings

WITHIN_ONE_STREAM = [
    [registered("x"), corrected("x"), erased("x")],
    [registered("y"), erased("y")],
]
ACROSS_STREAMS = [
    [registered("x"), erased("x")],
    [opened("x")],
    [registered("y"), corrected("y")],
    [exited("y")],
]
SCENARIOS = {
    "within one stream": (WITHIN_ONE_STREAM, True),
    "across streams": (ACROSS_STREAMS, False),
}
COMPARED = ("participant_fact", "participant_privacy", "case_fact", "exit_fact")
CHUNK = 32


@pytest.fixture
async def feeder(settings: Settings) -> AsyncIterator[Feeder]:
    """Reporting's real consumer."""
    patient = settings.model_copy(update={"max_attempts": 20})
    redis = aioredis.from_url(settings.redis_url)
    feeder = Feeder(await service_consumer("reporting", patient, redis, register_handlers))
    yield feeder
    await feeder.close()
    await redis.aclose()


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_delivery_ends_in_the_same_read_model(feeder: Feeder, name: str) -> None:
    lanes, every_cut = SCENARIOS[name]
    labels = sorted({s.who for lane in lanes for s in lane})
    every = list(deliveries(lanes, every_cut=every_cut))
    assert len(every) >= 40, len(every)
    reference = Cast(labels)  # the producers' own order, one event per batch
    await feeder.deliver_together([reference.batches(lanes, [[s] for lane in lanes for s in lane])])
    expected = await _read_model(feeder, reference, lanes)
    assert expected["participant_fact"], "the reference delivery counted nobody"
    for start in range(0, len(every), CHUNK):
        chunk = every[start : start + CHUNK]
        casts = [Cast(labels) for _ in chunk]
        await feeder.deliver_together(
            [c.batches(lanes, b) for c, b in zip(casts, chunk, strict=True)]
        )
        for cast, batches in zip(casts, chunk, strict=True):
            seen = await _read_model(feeder, cast, lanes)
            assert seen == expected, label(batches)
    assert await feeder.dead_letters() == 0


async def _read_model(feeder: Feeder, cast: Cast, lanes: Sequence[Lane]) -> dict[str, Any]:
    """The cast's rows in the read model, ids named (`x`, `x*` for x's anonymous id), times
    reduced to whether they are set; fails at once if an erased id is found anywhere."""
    gone = {s.who for lane in lanes for s in lane if s.kind == "E"}
    names: dict[UUID, str] = {}
    async with feeder.pool.acquire() as conn:
        for who, pid in cast.ids.items():
            names[pid] = who
            anonymous = await conn.fetchval(
                "SELECT anonymous_id FROM erased_participant WHERE id_hash = $1", id_hash(pid)
            )
            assert (anonymous is not None) == (who in gone), who
            if anonymous is not None:
                names[anonymous] = f"{who}*"
        names.update({plan: f"plan of {who}" for who, plan in cast.plans.items()})
        for who in gone:
            await _assert_nowhere(conn, cast.ids[who])
        ids = list(names)
        model: dict[str, Any] = {}
        for table in COMPARED:
            rows = await conn.fetch(f"SELECT * FROM {table} WHERE participant_id = ANY($1)", ids)
            model[table] = sorted(_named(dict(r), names) for r in rows)
        log = await conn.fetch(
            "SELECT type, envelope::text AS envelope FROM event_log"
            " WHERE envelope -> 'payload' ->> 'participant_id' = ANY($1::text[])",
            [str(i) for i in ids],
        )
    model["event_log"] = sorted(_logged(r["type"], r["envelope"], names) for r in log)
    return model


async def _assert_nowhere(conn: Any, pid: UUID) -> None:
    for table in PARTICIPANT_TABLES:
        found = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE participant_id = $1", pid)
        assert found == 0, f"erased participant in {table}"
    logged = await conn.fetchval(
        "SELECT count(*) FROM event_log WHERE envelope::text LIKE '%' || $1 || '%'", str(pid)
    )
    assert logged == 0, "erased participant in the event log"


def _named(row: dict[str, Any], names: dict[UUID, str]) -> tuple[tuple[str, Any], ...]:
    def name(v: Any) -> Any:
        if isinstance(v, UUID):
            return names.get(v, "another id")
        if isinstance(v, datetime | date):
            return "set"
        return tuple(v) if isinstance(v, list) else v

    return tuple(sorted((k, name(v)) for k, v in row.items()))


def _logged(type_: str, envelope: str, names: dict[UUID, str]) -> tuple[str, str, bool]:
    """(type, whose, whether a personal field is still held)."""
    payload = json.loads(envelope)["payload"]
    whose = names.get(UUID(payload["participant_id"]), "another id")
    personal = any(payload.get(f) not in (None, [], {}) for f in PERSONAL_FIELDS)
    return type_, whose, personal
