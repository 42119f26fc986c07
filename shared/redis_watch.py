"""What each service does about Redis itself: tell a Redis that lost its data from one that
merely restarted, ride out an outage without FastStream's fixed waits, and remove the dead
consumers that every restart leaves in a group.

**Data loss.** Redis's `run_id` changes on every restart, also when AOF brought everything
back, and stays the same through a `FLUSHALL`; so Polku keeps its own sentinel instead: the
key `polku:epoch` holds a random token, set by whoever finds it missing (`SET NX`). It lives
and dies with the streams: a restart that kept the data keeps it, a restart without data or a
flush loses it. Each service remembers in PostgreSQL the epoch it publishes into; a different
one means the streams it published to are gone, and the first replica to move the stored epoch
from old to new (one conditional UPDATE, in the transaction that queues the retention window)
republishes; the others find it moved and do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("polku.redis")

EPOCH_KEY = "polku:epoch"
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
"""What a read raises while Redis does not answer."""

DELETE_IF_NOTHING_PENDING = """
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
"""Remove a consumer only if it holds no pending entry, checked and done atomically: a
consumer deleted with pending entries would take them out of the group for good."""


class Verdict(enum.Enum):
    """What the epoch in Redis says about the streams this service published to."""

    SAME = "same"
    FIRST_SEEN = "first_seen"
    LOST = "lost"


def verdict(current: str, known: str | None) -> Verdict:
    """Compare Redis's epoch with the one this service last published into."""
    if known is None:
        return Verdict.FIRST_SEEN
    return Verdict.SAME if current == known else Verdict.LOST


class EpochStore(Protocol):
    """Where a service keeps its epoch (the outbox relay, in PostgreSQL)."""

    async def known_redis_epoch(self) -> str | None: ...
    async def adopt_redis_epoch(self, epoch: str) -> None: ...
    async def republish_into(self, old: str, new: str) -> int | None: ...


class DataLossWatch:
    """Checks the epoch; on a loss, recreates the groups and republishes once per service."""

    def __init__(
        self,
        *,
        redis: Any,
        store: EpochStore,
        recreate_groups: Callable[[], Awaitable[None]],
        republished: Callable[[int], None],
    ) -> None:
        self.redis = redis
        self.store = store
        self.recreate_groups = recreate_groups
        self.republished = republished
        self._seen: str | None = None
        self._poke = asyncio.Event()

    async def current_epoch(self) -> str:
        """Redis's epoch, set to a new one when the key is missing (an empty Redis)."""
        for _ in range(5):
            raw = await self.redis.get(EPOCH_KEY)
            if raw is None:
                await self.redis.set(EPOCH_KEY, uuid.uuid4().hex, nx=True)
                raw = await self.redis.get(EPOCH_KEY)
            if raw is not None:
                return raw.decode() if isinstance(raw, bytes) else str(raw)
        raise RuntimeError(f"{EPOCH_KEY} vanished five times in a row")

    async def check(self) -> Verdict:
        """One look; PostgreSQL is read only when the epoch differs from the last one seen."""
        epoch = await self.current_epoch()
        if epoch == self._seen:
            return Verdict.SAME
        known = await self.store.known_redis_epoch()
        found = verdict(epoch, known)
        if found is Verdict.FIRST_SEEN:
            await self.store.adopt_redis_epoch(epoch)
        elif found is Verdict.LOST:
            assert known is not None
            log.warning("Redis lost its data (epoch %s is gone): recreating groups", known)
            await self.recreate_groups()
            count = await self.store.republish_into(known, epoch)
            if count is not None:
                self.republished(count)
        self._seen = epoch
        return found

    def poke(self) -> None:
        """Check now (a read found its group gone)."""
        self._poke.set()

    async def wait(self, seconds: float) -> None:
        """Sleep until the next check is due or `poke` is called."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._poke.wait(), seconds)
        self._poke.clear()


def guard_reads(
    subscriber: Any,
    *,
    stream: str,
    redis: aioredis.Redis,
    recreate_groups: Callable[[], Awaitable[None]],
    group_lost: Callable[[], None],
) -> None:
    """Handle a FastStream subscriber's failed read in Polku instead of in FastStream.

    FastStream 0.7.8 sleeps a fixed 5 s after any fetch error (`CONSUME_ERROR_BACKOFF_SECONDS`
    in `faststream/redis/subscriber/usecases/basic.py`) and, on NOGROUP, logs CRITICAL
    "restart the application to recreate the group" and stops the subscriber for good
    (`_StreamHandlerMixin._consume`); a read blocked while the stream is flushed gets
    UNBLOCKED, which its task supervisor logs as an error with a traceback. None of it is a
    hook, so the subscriber's read step
    `_get_msgs` is wrapped: an outage is waited out by pinging every 0.05-0.5 s, and a lost
    group is recreated at `0` on the spot; FastStream's loop then simply reads again.
    """
    read = subscriber._get_msgs

    async def guarded_read(*args: Any) -> None:
        try:
            await read(*args)
        except ResponseError as exc:
            # NOGROUP: the group is gone; UNBLOCKED: the stream vanished under a blocked read.
            if not str(exc).startswith(("NOGROUP", "UNBLOCKED")):
                raise
            log.info("consumer group on %s is gone (Redis lost its data): recreating it", stream)
            group_lost()
            with contextlib.suppress(*REDIS_DOWN):
                await recreate_groups()
        except REDIS_DOWN as exc:
            await wait_for_redis(redis, lambda: bool(subscriber.running), stream, exc)

    subscriber._get_msgs = guarded_read


async def wait_for_redis(
    redis: aioredis.Redis, wanted: Callable[[], bool], what: str, exc: BaseException
) -> bool:
    """Ping until Redis answers (True) or `wanted()` turns false; short steps, so reading
    resumes well within a second or two of Redis coming back."""
    log.warning("Redis unavailable while reading %s (%r); waiting for it", what, exc)
    delay = 0.05
    while wanted():
        await asyncio.sleep(delay)
        try:
            await redis.ping()
        except REDIS_DOWN:
            delay = min(delay * 2, 0.5)
            continue
        log.info("Redis answers again: reading %s", what)
        return True
    return False


async def remove_idle_consumers(
    redis: aioredis.Redis, streams: list[str], group: str, *, me: str, idle_ms: int
) -> list[str]:
    """Remove the group's consumers (not `me`) idle for `idle_ms` with nothing pending:
    the dead replicas of earlier runs. A live consumer reads every block interval, so it is
    never that idle; one removed anyway is recreated by its next read. `stream/name` each."""
    delete: Any = redis.register_script(DELETE_IF_NOTHING_PENDING)
    removed = []
    for stream in streams:
        try:
            consumers = await redis.xinfo_consumers(stream, group)
        except ResponseError:  # no stream or group (yet): nothing to tidy
            continue
        for consumer in consumers:
            name = _text(consumer["name"])
            if name == me or int(consumer["pending"]) or int(consumer["idle"]) < idle_ms:
                continue
            if await delete(keys=[stream], args=[group, name]):
                removed.append(f"{stream}/{name}")
    if removed:
        log.info("removed idle consumers without pending entries: %s", ", ".join(removed))
    return removed


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
