"""Data-loss detection, guarded reads and idle-consumer removal, with small fakes (no servers)."""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from shared.redis_watch import (
    EPOCH_KEY,
    DataLossWatch,
    Verdict,
    guard_reads,
    remove_idle_consumers,
    verdict,
)


class FakeRedis:
    """The few commands the watch uses, on a dict; `flushall` empties it like Redis does."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.pings_failing = 0
        self.pings = 0

    async def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    async def set(self, key: str, value: str, nx: bool = False) -> bool:
        if nx and key in self.data:
            return False
        self.data[key] = value.encode()
        return True

    def flushall(self) -> None:
        self.data.clear()

    async def ping(self) -> bool:
        self.pings += 1
        if self.pings_failing:
            self.pings_failing -= 1
            raise RedisConnectionError("refused")
        return True


class FakeStore:
    """One service's `relay_state` row, shared by its replicas, with the conditional UPDATE."""

    def __init__(self) -> None:
        self.epoch: str | None = None
        self.reads = 0
        self.republished = 0

    async def known_redis_epoch(self) -> str | None:
        self.reads += 1
        return self.epoch

    async def adopt_redis_epoch(self, epoch: str) -> None:
        if self.epoch is None:
            self.epoch = epoch

    async def republish_into(self, old: str, new: str) -> int | None:
        if self.epoch != old:
            return None
        self.epoch = new
        self.republished += 1
        return 42


class Replica:
    """One service process: its watch and what it did."""

    def __init__(self, redis: FakeRedis, store: FakeStore) -> None:
        self.group_recreations = 0
        self.counts: list[int] = []
        self.watch = DataLossWatch(
            redis=redis,
            store=store,
            recreate_groups=self._recreate,
            republished=self.counts.append,
        )

    async def _recreate(self) -> None:
        self.group_recreations += 1


def test_verdict_compares_the_epoch_with_the_one_remembered() -> None:
    assert verdict("a", None) is Verdict.FIRST_SEEN
    assert verdict("a", "a") is Verdict.SAME
    assert verdict("b", "a") is Verdict.LOST


async def test_first_look_adopts_the_epoch_and_republishes_nothing() -> None:
    redis, store = FakeRedis(), FakeStore()
    replica = Replica(redis, store)
    assert await replica.watch.check() is Verdict.FIRST_SEEN
    assert store.epoch == redis.data[EPOCH_KEY].decode()
    assert (replica.counts, replica.group_recreations) == ([], 0)


async def test_a_restart_that_kept_the_data_keeps_the_epoch_and_republishes_nothing() -> None:
    redis, store = FakeRedis(), FakeStore()
    replica = Replica(redis, store)
    await replica.watch.check()
    reads = store.reads
    for _ in range(3):  # the key survived (AOF): the same epoch every time
        assert await replica.watch.check() is Verdict.SAME
    assert store.reads == reads, "PostgreSQL is read only when the epoch changes"
    assert replica.counts == [] and store.republished == 0


async def test_lost_data_is_republished_once_per_service_not_once_per_replica() -> None:
    redis = FakeRedis()
    stores = {"caseplan": FakeStore(), "matching": FakeStore()}
    replicas = [Replica(redis, store) for store in stores.values() for _ in range(2)]
    for r in replicas:
        await r.watch.check()
    redis.flushall()  # FLUSHALL, or a restart without data: the sentinel is gone
    for r in replicas:
        assert await r.watch.check() is Verdict.LOST or r.counts == []
    assert [s.republished for s in stores.values()] == [1, 1]
    assert sorted(len(r.counts) for r in replicas) == [0, 0, 1, 1]
    # The groups are the service's, shared by its replicas: the one that found the loss
    # recreated them (and a replica's read that meets NOGROUP recreates them too).
    assert [r.group_recreations for r in replicas] == [len(r.counts) for r in replicas]
    new_epoch = redis.data[EPOCH_KEY].decode()
    assert all(s.epoch == new_epoch for s in stores.values())
    for r in replicas:  # and it settles: nothing more after that
        assert await r.watch.check() is Verdict.SAME
    assert [s.republished for s in stores.values()] == [1, 1]


async def test_a_second_loss_is_noticed_again() -> None:
    redis, store = FakeRedis(), FakeStore()
    replica = Replica(redis, store)
    await replica.watch.check()
    for _ in range(2):
        redis.flushall()
        assert await replica.watch.check() is Verdict.LOST
    assert replica.counts == [42, 42]


async def test_a_failed_republish_is_retried_at_the_next_check() -> None:
    redis, store = FakeRedis(), FakeStore()
    replica = Replica(redis, store)
    await replica.watch.check()
    redis.flushall()
    original = store.republish_into

    async def down(old: str, new: str) -> int | None:
        raise ConnectionRefusedError("PostgreSQL down")

    store.republish_into = down  # type: ignore[method-assign]
    with pytest.raises(ConnectionRefusedError):
        await replica.watch.check()
    store.republish_into = original  # type: ignore[method-assign]
    assert await replica.watch.check() is Verdict.LOST
    assert store.republished == 1


class FakeSubscriber:
    """A FastStream subscriber's read step, failing as told."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.running = True
        self.reads = 0

    async def _get_msgs(self, *_args: Any) -> None:
        self.reads += 1
        if self.failures:
            raise self.failures.pop(0)


@pytest.mark.parametrize(
    "error", ["NOGROUP No such key", "UNBLOCKED the stream key no longer exists"]
)
async def test_guarded_read_recreates_a_lost_group_instead_of_stopping(error: str) -> None:
    sub, redis = FakeSubscriber(ResponseError(error)), FakeRedis()
    recreated, lost = [], []

    async def recreate() -> None:
        recreated.append(1)

    guard_reads(
        sub, stream="s", redis=redis, recreate_groups=recreate, group_lost=lambda: lost.append(1)
    )  # type: ignore[arg-type]
    await sub._get_msgs(None)  # no exception reaches FastStream: no CRITICAL, no stop
    assert (recreated, lost, sub.running) == ([1], [1], True)


async def test_guarded_read_waits_out_an_outage_by_pinging_then_returns() -> None:
    sub, redis = FakeSubscriber(RedisConnectionError("refused")), FakeRedis()
    redis.pings_failing = 3

    async def recreate() -> None:
        raise AssertionError("not a lost group")

    guard_reads(sub, stream="s", redis=redis, recreate_groups=recreate, group_lost=lambda: None)  # type: ignore[arg-type]
    await sub._get_msgs(None)
    assert redis.pings == 4  # three refused, the fourth answered: reading resumes


async def test_guarded_read_passes_other_errors_on() -> None:
    sub = FakeSubscriber(ResponseError("WRONGTYPE"))

    async def recreate() -> None: ...

    guard_reads(
        sub, stream="s", redis=FakeRedis(), recreate_groups=recreate, group_lost=lambda: None
    )  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        await sub._get_msgs(None)


class FakeGroups:
    """XINFO CONSUMERS answers and the delete script, recording what was deleted."""

    def __init__(self, consumers: dict[str, list[dict[str, Any]]]) -> None:
        self.consumers = consumers
        self.deleted: list[tuple[str, str]] = []

    async def xinfo_consumers(self, stream: str, group: str) -> list[dict[str, Any]]:
        if stream not in self.consumers:
            raise ResponseError("NOGROUP")
        return self.consumers[stream]

    def register_script(self, _source: str) -> Any:
        async def delete(keys: list[str], args: list[str]) -> int:
            self.deleted.append((keys[0], args[1]))
            return 1

        return delete


async def test_only_idle_consumers_without_pending_entries_are_removed() -> None:
    redis = FakeGroups(
        {
            "polku.intake": [
                {"name": b"caseplan-h-1", "pending": 0, "idle": 900_000},  # dead, settled
                {"name": b"caseplan-h-2", "pending": 3, "idle": 900_000},  # dead, holds entries
                {"name": b"caseplan-h-3", "pending": 0, "idle": 120},  # alive
                {"name": b"caseplan-h-4", "pending": 0, "idle": 900_000},  # this process
            ]
        }
    )
    removed = await remove_idle_consumers(
        redis,  # type: ignore[arg-type]
        ["polku.intake", "polku.matching"],
        "caseplan",
        me="caseplan-h-4",
        idle_ms=600_000,
    )
    assert removed == ["polku.intake/caseplan-h-1"]
    assert redis.deleted == [("polku.intake", "caseplan-h-1")]
