"""The consumer applies a batch in stream order: runs of consecutive events, never regrouped.

No servers: a small stand-in for the pool (its connection answers the inbox insert as if
every event were new) and for Redis (XACK only). The handlers record what they are given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from shared.events import Envelope, new_event, streams
from shared.events.intake import ParticipantErased, ParticipantRegistered, ParticipantUpdated
from shared.messaging import EventConsumer
from shared.metrics import ServiceMetrics
from shared.settings import Settings


class _Conn:
    """Answers the inbox claim (every id is new); a transaction does nothing."""

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        yield

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, UUID]]:
        assert sql.startswith("INSERT INTO inbox")
        return [{"event_id": i} for i in args[1]]


class _Pool:
    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[_Conn]:
        yield _Conn()


class _Redis:
    def __init__(self) -> None:
        self.acked: list[bytes] = []

    async def xack(self, stream: str, group: str, *ids: bytes) -> None:
        self.acked += ids


Seen = list[tuple[str, list[tuple[str, UUID]]]]


def _consumer(seen: Seen, *, batch_erasures: bool = False) -> tuple[EventConsumer, _Redis]:
    redis = _Redis()
    consumer = EventConsumer(
        service="probe", settings=Settings(), metrics=ServiceMetrics("probe"),
        pool=_Pool(), redis=redis,  # type: ignore[arg-type]
    )  # fmt: skip

    def note(handler: str, envs: list[Envelope[Any]]) -> None:
        seen.append((handler, [(e.type, e.payload.participant_id) for e in envs]))

    @consumer.on_batch(ParticipantRegistered)
    async def registered(conn: Any, envs: list[Envelope[Any]]) -> None:
        note("registered", envs)

    @consumer.on(ParticipantUpdated)
    async def updated(conn: Any, env: Envelope[Any]) -> None:
        note("updated", [env])

    if batch_erasures:
        consumer.on_batch(ParticipantErased)(registered)  # one batch handler, two types
    else:

        @consumer.on(ParticipantErased)
        async def erased(conn: Any, env: Envelope[Any]) -> None:
            note("erased", [env])

    return consumer, redis


def _entries(*events: tuple[str, UUID]) -> list[tuple[bytes, dict[bytes, bytes]]]:
    kinds = {"R": ParticipantRegistered, "U": ParticipantUpdated}
    out = []
    for n, (kind, pid) in enumerate(events):
        if kind == "E":
            payload: Any = ParticipantErased(participant_id=pid)
        else:
            payload = kinds[kind](participant_id=pid, municipality="Rapla vald",
                                  registered_on=date(2026, 3, 1))  # fmt: skip
        env = new_event(payload, producer="intake")
        fields = {b"__data__": env.model_dump_json().encode(), b"type": env.type.encode()}
        out.append((f"1-{n}".encode(), fields))
    return out


async def test_an_erasure_never_overtakes_the_registration_before_it() -> None:
    x, y = uuid4(), uuid4()
    seen: Seen = []
    consumer, redis = _consumer(seen)
    entries = _entries(("E", y), ("R", x), ("E", x))
    assert await consumer.process(streams.INTAKE, entries) == [e for e, _ in entries]
    assert seen == [
        ("erased", [("participant.erased", y)]),
        ("registered", [("participant.registered", x)]),
        ("erased", [("participant.erased", x)]),
    ]
    assert redis.acked == [e for e, _ in entries]


async def test_batch_handlers_get_each_run_of_consecutive_events_in_stream_order() -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    seen: Seen = []
    consumer, _ = _consumer(seen)
    await consumer.process(
        streams.INTAKE,
        _entries(("R", a), ("R", b), ("U", a), ("R", c), ("U", b), ("U", c), ("R", a)),
    )
    reg, upd = "participant.registered", "participant.updated"
    assert seen == [
        ("registered", [(reg, a), (reg, b)]),
        ("updated", [(upd, a)]),
        ("registered", [(reg, c)]),
        ("updated", [(upd, b)]),
        ("updated", [(upd, c)]),
        ("registered", [(reg, a)]),
    ]


async def test_a_batch_handler_of_several_types_takes_their_run_together_in_order() -> None:
    x, y = uuid4(), uuid4()
    seen: Seen = []
    consumer, _ = _consumer(seen, batch_erasures=True)
    await consumer.process(
        streams.INTAKE, _entries(("E", y), ("R", x), ("E", x), ("U", x), ("R", y))
    )
    reg, era = "participant.registered", "participant.erased"
    assert seen == [
        ("registered", [(era, y), (reg, x), (era, x)]),
        ("updated", [("participant.updated", x)]),
        ("registered", [(reg, y)]),
    ]
