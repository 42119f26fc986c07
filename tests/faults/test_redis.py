"""Faults of Redis itself, each in the middle of the intake load: a FLUSHALL (data lost,
same run_id), a restart that kept its data (AOF: nothing may be republished), and an outage
after which consumers must read again within 2 s."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BackgroundLoad, assert_end_state
from redis_tools import (
    PersistentRedis,
    client,
    outbox_rows_by_stream,
    resets,
    stream_lengths,
    wait_until_delivered,
)

from shared.events import streams
from shared.redis_watch import EPOCH_KEY
from shared.settings import SERVICES
from tests.support import Stack, wait_until


@pytest.fixture
def persistent_redis() -> Iterator[PersistentRedis]:
    server = PersistentRedis().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aof_stack(
    persistent_redis: PersistentRedis, migrated_database_url: str, tmp_path: Path
) -> Iterator[Stack]:
    """The four services on a Redis with AOF."""
    stack = Stack(migrated_database_url, persistent_redis.url, tmp_path)
    try:
        yield stack.start()
    finally:
        stack.stop()


def _pids(stack: Stack) -> dict[int, int]:
    return {sp.port: sp.proc.pid for sp in stack.all() if sp.proc is not None}


def test_flushall_mid_load_is_noticed_and_republished_once_per_service(
    stack_factory: type[Stack], migrated_database_url: str, redis_url: str
) -> None:
    """FLUSHALL keeps Redis's run_id: the lost sentinel tells. Two replicas of each service
    notice it; one of them republishes, once."""
    stack = stack_factory().start(replicas=2)  # type: ignore[call-arg]
    pids = _pids(stack)
    load = BackgroundLoad(stack["intake"].url, migrated_database_url).start()
    load.wait_sent(0.4)
    with client(redis_url) as c:
        run_id = c.info("server")["run_id"]
        c.flushall()
    expected = load.join()
    assert_end_state(migrated_database_url, expected)
    for service in SERVICES:
        wait_until(lambda s=service: resets(stack, s) == 1, what=f"{service} republished once")
    with client(redis_url) as c:
        assert c.info("server")["run_id"] == run_id, "FLUSHALL is not a restart"
    assert _pids(stack) == pids, "a replica stopped or was restarted"
    for sp in stack.all():
        log = sp.log()
        assert "restart the application" not in log and "CRITICAL" not in log, log[-3000:]
        assert "Traceback" not in log, log[-3000:]


def test_redis_restarted_with_its_data_mid_load_republishes_nothing(
    aof_stack: Stack, persistent_redis: PersistentRedis, migrated_database_url: str
) -> None:
    pids = _pids(aof_stack)
    load = BackgroundLoad(aof_stack["intake"].url, migrated_database_url).start()
    load.wait_sent(0.4)
    with client(persistent_redis.url) as c:
        epoch = c.get(EPOCH_KEY)
    assert epoch
    persistent_redis.restart_keeping_data()
    expected = load.join()
    assert_end_state(migrated_database_url, expected)
    # Every event is on its stream exactly once: nothing was published a second time.
    assert stream_lengths(persistent_redis.url) == outbox_rows_by_stream(migrated_database_url)
    with client(persistent_redis.url) as c:
        assert c.get(EPOCH_KEY) == epoch
    assert all(resets(aof_stack, s) == 0 for s in SERVICES)
    assert _pids(aof_stack) == pids


def test_consumers_read_again_sooner_than_faststream_would_after_redis_returns(
    aof_stack: Stack, persistent_redis: PersistentRedis, migrated_database_url: str
) -> None:
    """Redis down for a while mid-load, then back: the load completes exactly. Then, with
    the system quiet, Redis goes away once more: from the moment it answers again, every
    group has read and acknowledged a new entry within 5 s, before FastStream's own 5-s
    retry would even begin (Polku's check runs every 300 ms here; the rest is margin for a
    busy CI machine)."""
    load = BackgroundLoad(aof_stack["intake"].url, migrated_database_url).start()
    load.wait_sent(0.3)
    persistent_redis.shutdown()
    wait_until(lambda: "Redis unavailable" in aof_stack["caseplan"].log(), what="an outage")
    persistent_redis.start()
    expected = load.join()
    assert_end_state(migrated_database_url, expected)

    persistent_redis.shutdown()
    for sp in aof_stack.all():  # each consumer is waiting for Redis, not asleep for 5 s
        wait_until(lambda sp=sp: sp.log().count("Redis unavailable") >= 2, what=sp.service)
    persistent_redis.start()
    back = time.monotonic()
    with client(persistent_redis.url) as c:
        probes = {
            s: c.xadd(s, {"__data__": "{}", "type": "test.probe"})
            for s in streams.ALL_EVENT_STREAMS
        }
    wait_until_delivered(persistent_redis.url, probes, within=5.0 - (time.monotonic() - back))
    assert all(resets(aof_stack, s) == 0 for s in SERVICES)
