"""Small stand-ins for asyncpg and Redis, enough to drive `EventConsumer`'s failure branches
without servers: a database that can be down, inbox rows that roll back with a failed
transaction, the `failed_attempt` counter, and a dead-letter stream."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from shared.events import Envelope, new_event
from shared.events.intake import ParticipantRegistered
from shared.messaging import EventConsumer
from shared.metrics import ServiceMetrics
from shared.settings import Settings


class FakeDatabase:
    """The state a consumer keeps in PostgreSQL, and whether PostgreSQL answers."""

    def __init__(self) -> None:
        self.down = False
        self.inbox: set[tuple[str, Any]] = set()
        self.attempts: dict[tuple[str, str], int] = {}
        self.probes = 0


class FakeConnection:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def _answer(self) -> None:
        if self.db.down:
            raise ConnectionResetError("connection lost")

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        before = set(self.db.inbox)
        try:
            yield
        except BaseException:
            self.db.inbox = before  # rolled back
            raise

    async def fetch(self, sql: str, consumer: str, ids: list[Any]) -> list[dict[str, Any]]:
        self._answer()
        assert sql.startswith("INSERT INTO inbox")
        new = [i for i in dict.fromkeys(ids) if (consumer, i) not in self.db.inbox]
        self.db.inbox |= {(consumer, i) for i in new}
        return [{"event_id": i} for i in new]

    async def fetchval(self, sql: str, *args: Any) -> Any:
        self._answer()
        if sql == "SELECT 1":
            self.db.probes += 1
            return 1
        assert sql.startswith("INSERT INTO failed_attempt")
        key = (args[0], args[1])
        self.db.attempts[key] = self.db.attempts.get(key, 0) + 1
        return self.db.attempts[key]


class FakePool:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[FakeConnection]:
        if self.db.down:
            raise ConnectionRefusedError("cannot connect")
        yield FakeConnection(self.db)


class FakeRedis:
    """XADD to the dead-letter stream and XACK, remembered."""

    def __init__(self) -> None:
        self.dead: list[dict[str, str]] = []
        self.acked: list[bytes] = []

    async def xadd(self, stream: str, record: dict[str, str], **_: Any) -> bytes:
        self.dead.append(record)
        return b"1-0"

    async def xack(self, stream: str, group: str, *ids: bytes) -> int:
        self.acked += ids
        return len(ids)


Behaviour = Callable[[Envelope[Any]], Any]


def make_consumer(
    behaviour: Behaviour | None = None, *, max_attempts: int = 3
) -> tuple[EventConsumer, FakeDatabase, FakeRedis, list[Envelope[Any]]]:
    """A consumer of participant.registered whose handler calls `behaviour` (which may
    raise); returns it, its fake database and Redis, and the events it applied."""
    db, redis = FakeDatabase(), FakeRedis()
    settings = Settings(max_attempts=max_attempts, outage_reminder_s=30)
    consumer = EventConsumer(
        service="unit",
        settings=settings,
        metrics=ServiceMetrics(f"unit{uuid4().hex}"),
        pool=FakePool(db),  # type: ignore[arg-type]
        redis=redis,  # type: ignore[arg-type]
    )
    applied: list[Envelope[Any]] = []

    @consumer.on(ParticipantRegistered)
    async def on_registered(conn: Any, env: Envelope[Any]) -> None:
        if behaviour is not None:
            behaviour(env)
        applied.append(env)

    return consumer, db, redis, applied


def registration(municipality: str = "Rapla vald") -> Envelope[Any]:
    """A fresh participant.registered event."""
    payload = ParticipantRegistered(
        participant_id=uuid4(), municipality=municipality, registered_on=datetime.now(UTC).date()
    )
    return new_event(payload, producer="unit")


def entry(env: Envelope[Any], n: int, *, type_field: str | None = None) -> Any:
    """A stream entry as the relay writes it (`type` beside `__data__`)."""
    fields = {
        b"__data__": env.model_dump_json().encode(),
        b"type": (type_field or env.type).encode(),
    }
    return (f"{n}-0".encode(), fields)
