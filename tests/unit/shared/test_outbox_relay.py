"""The outbox relay's branches with small fakes of asyncpg and Redis (no servers): back-off
and its reset, NOTIFY parsing, batches published by stream, pruning in batches, and the
republish decision after Redis lost its data."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from shared import outbox
from shared.metrics import ServiceMetrics
from shared.outage import Backoff
from shared.outbox import OutboxRelay
from shared.settings import Settings
from tests.support.polling import eventually


class FakeConn:
    """An asyncpg connection whose answers the test scripts, recording every statement."""

    def __init__(self, answer: Callable[[str, tuple[Any, ...]], Any]) -> None:
        self.answer = answer
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    async def execute(self, sql: str, *args: Any) -> Any:
        self.statements.append((sql, args))
        return self.answer(sql, args)

    fetch = fetchval = execute

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        yield


class FakePool:
    def __init__(self, conn: FakeConn) -> None:
        self.conn = conn

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[FakeConn]:
        yield self.conn


class FakeRedis:
    """`register_script` only: records each XADD_MANY call, or raises `fail`."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[Any]]] = []
        self.fail: BaseException | None = None

    def register_script(self, _source: str) -> Any:
        async def run(keys: list[str], args: list[Any]) -> int:
            if self.fail is not None:
                raise self.fail
            self.calls.append((keys, args))
            return (len(args) - 1) // 2

        return run


def relay_with(answer: Callable[[str, tuple[Any, ...]], Any], **settings: Any) -> OutboxRelay:
    conn = FakeConn(answer)
    return OutboxRelay(
        pool=FakePool(conn),  # type: ignore[arg-type]
        redis=FakeRedis(),  # type: ignore[arg-type]
        schema="intake",
        settings=Settings(_env_file=None, **settings),  # type: ignore[call-arg]
        metrics=ServiceMetrics("intake"),
    )


def statements(relay: OutboxRelay) -> list[tuple[str, tuple[Any, ...]]]:
    return relay.pool.conn.statements  # type: ignore[attr-defined,no-any-return]


def test_backoff_doubles_to_its_cap_and_starts_short_after_a_reset() -> None:
    b = Backoff(first=0.2, cap=1.0)
    assert [b.next() for _ in range(5)] == [0.2, 0.4, 0.8, 1.0, 1.0]
    b.reset()
    assert b.next() == 0.2


def test_notify_payload_names_a_range_or_asks_for_a_scan() -> None:
    relay = relay_with(lambda *_: [])
    relay._scan = False
    relay._notified(None, 1, "polku_outbox_intake", "3,7")
    assert relay._ranges == [(3, 7)] and not relay._scan
    relay._notified(None, 1, "polku_outbox_intake", "")
    assert relay._scan


async def test_a_batch_goes_out_in_one_call_per_stream_in_id_order() -> None:
    rows = [
        {"id": 3, "stream": "polku.intake", "type": "b", "body": "{3}"},
        {"id": 1, "stream": "polku.intake", "type": "a", "body": "{1}"},
        {"id": 2, "stream": "polku.caseplan", "type": "c", "body": "{2}"},
    ]
    relay = relay_with(lambda *_: list(rows), stream_maxlen=5000)
    assert await relay.publish_batch(1, 3) == 3
    calls = relay.redis.calls  # type: ignore[attr-defined]
    assert calls == [
        (["polku.intake"], [5000, "a", "{1}", "b", "{3}"]),
        (["polku.caseplan"], [5000, "c", "{2}"]),
    ]
    (sql, args), *_ = statements(relay)
    assert "BETWEEN $2 AND $3" in sql and args == (500, 1, 3)
    published = relay.metrics.events_published.labels("intake", "polku.intake", "a")
    assert published._value.get() == 1


async def test_a_failed_xadd_leaves_the_rows_unpublished_and_asks_for_a_scan() -> None:
    relay = relay_with(lambda *_: [{"id": 1, "stream": "s", "type": "t", "body": "{}"}])
    relay.redis.fail = ConnectionError("Redis down")  # type: ignore[attr-defined]
    relay._ranges, relay._scan = [(1, 1)], False
    with pytest.raises(ConnectionError):
        await relay._publish_notified()
    assert relay._scan, "the range is forgotten, so the next scan must find the rows"


async def test_an_empty_scan_sets_the_backlog_gauge_to_zero() -> None:
    relay = relay_with(lambda *_: [])
    relay.metrics.outbox_backlog.labels("intake").set(7)
    assert await relay.publish_batch() == 0
    assert relay.metrics.outbox_backlog.labels("intake")._value.get() == 0


class FakeListenConn:
    def __init__(self) -> None:
        self.closed = False

    async def add_listener(self, *_args: Any) -> None: ...

    def add_termination_listener(self, *_args: Any) -> None: ...

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True


async def test_the_back_off_starts_short_again_after_the_relay_worked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two failed connects wait 0.01 then 0.02; the relay then works; the next outage
    waits 0.01 again, not 0.04."""
    connects: list[FakeListenConn] = []

    async def connect(_dsn: str) -> FakeListenConn:
        if len(connects) < 2:
            connects.append(FakeListenConn())
            raise ConnectionRefusedError("PostgreSQL starting")
        connects.append(FakeListenConn())
        return connects[-1]

    monkeypatch.setattr(outbox.asyncpg, "connect", connect)
    relay = relay_with(lambda *_: [], outbox_poll_ms=10)
    waits: list[float] = []
    relay.backoff = Backoff(first=0.01, cap=0.04)
    take = relay.backoff.next
    relay.backoff.next = lambda: waits.append(take()) or waits[-1]  # type: ignore[method-assign]
    task = asyncio.ensure_future(relay.run())
    await eventually(lambda: len(connects) == 3 and statements(relay), within=5, interval=0.005)
    connects[-1].closed = True  # the LISTEN connection is lost
    relay._wake.set()
    await eventually(lambda: len(connects) == 4, within=5, interval=0.005)
    relay.stop()
    await asyncio.wait_for(task, 5)
    assert waits == [0.01, 0.02, 0.01]


async def test_prune_deletes_in_batches_until_a_short_one_for_each_table() -> None:
    answers = {"outbox": ["DELETE 3", "DELETE 3", "DELETE 1"], "inbox": ["DELETE 0"]}
    answers["failed_attempt"] = ["DELETE 3", "DELETE 2"]
    answers["idempotent_request"] = ["DELETE 1"]

    def answer(sql: str, _args: tuple[Any, ...]) -> str:
        table = sql.split()[2]
        return answers[table].pop(0)

    relay = relay_with(answer, outbox_prune_batch_size=3, outbox_retention_days=1)
    assert await relay.prune() == 13
    seen = [(sql.split()[2], args) for sql, args in statements(relay)]
    day = 86400.0
    assert seen == [
        *[("outbox", (day, 3))] * 3,
        ("inbox", (2 * day, 3)),  # inbox rows outlive the republish window
        *[("failed_attempt", (day, 3))] * 2,
        ("idempotent_request", (day, 3)),
    ]
    assert all(not rows for rows in answers.values())


async def test_prune_stops_between_batches_when_the_relay_stops() -> None:
    relay = relay_with(lambda *_: "DELETE 3", outbox_prune_batch_size=3)
    relay.stop()
    assert await relay.prune() == 0
    assert statements(relay) == []


async def test_republish_after_a_loss_only_by_the_replica_that_moves_the_epoch() -> None:
    answers = iter(["UPDATE 1", "INSERT 0 12"])
    relay = relay_with(lambda *_: next(answers))
    relay._wake.clear()
    assert await relay.republish_into("old", "new") == 12
    (update, update_args), (insert, _) = statements(relay)
    assert "WHERE key = 'redis_epoch' AND value = $1" in update and update_args == ("old", "new")
    assert insert.startswith("INSERT INTO outbox_pending")
    assert relay._wake.is_set() and relay._scan


async def test_no_republish_when_another_replica_already_moved_the_epoch() -> None:
    relay = relay_with(lambda *_: "UPDATE 0")
    relay._wake.clear()
    assert await relay.republish_into("old", "new") is None
    assert len(statements(relay)) == 1, "the window is not queued a second time"
    assert not relay._wake.is_set()


async def test_the_first_epoch_is_adopted_and_read_back() -> None:
    relay = relay_with(lambda sql, args: "INSERT 0 1" if sql.startswith("INSERT") else "abc")
    await relay.adopt_redis_epoch("abc")
    assert await relay.known_redis_epoch() == "abc"
    (adopt, args), _ = statements(relay)
    assert "ON CONFLICT (key) DO NOTHING" in adopt and args == ("abc",)


async def test_an_idle_poll_asks_one_question_and_scans_only_when_rows_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No NOTIFY for a poll interval: a `SELECT EXISTS` alone while nothing waits (no
    transaction, no claim); when it says rows wait (a dead replica's claim), the scan."""
    waiting = {"rows": False}

    def answer(sql: str, _args: tuple[Any, ...]) -> Any:
        if sql.startswith("SELECT EXISTS"):
            return waiting["rows"]
        return []

    async def connect(_dsn: str) -> FakeListenConn:
        return FakeListenConn()

    monkeypatch.setattr(outbox.asyncpg, "connect", connect)
    relay = relay_with(answer, outbox_poll_ms=20)
    task = asyncio.ensure_future(relay.run())
    await eventually(lambda: len(statements(relay)) >= 1, within=5, interval=0.005)
    assert "WITH claimed" in statements(relay)[0][0]  # the scan at start
    await asyncio.sleep(0.2)
    polls = statements(relay)[1:]
    assert len(polls) >= 3
    assert {sql for sql, _ in polls} == {"SELECT EXISTS (SELECT FROM outbox_pending)"}
    waiting["rows"] = True
    await eventually(lambda: "WITH claimed" in statements(relay)[-1][0], within=5, interval=0.005)
    relay.stop()
    await asyncio.wait_for(task, 5)
