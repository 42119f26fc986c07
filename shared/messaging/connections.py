"""The pool, the Redis client and the stop signal that the parts of one consumer share."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import asyncpg
import redis.asyncio as aioredis


@dataclass
class Connections:
    """Set by the runtime (or a test) before the consumer starts; read by each of its parts."""

    pool: asyncpg.Pool | None = None
    redis: aioredis.Redis | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    nudged: asyncio.Event = field(default_factory=asyncio.Event)
    """Set on stop and when an entry is left pending for a retry (`retry_after`)."""
    retry_at: float | None = None
    """When (monotonic) the earliest entry this process left pending can be claimed again."""

    def retry_after(self, seconds: float) -> None:
        """An entry was left pending after a failed attempt: claim it once it is `seconds`
        idle, whatever the claim loop's idle interval."""
        at = time.monotonic() + seconds
        if self.retry_at is None or at < self.retry_at:
            self.retry_at = at
        self.nudged.set()

    def stop(self) -> None:
        """Tell every part to stop."""
        self.stopped.set()
        self.nudged.set()

    @property
    def stopping(self) -> bool:
        """True once the consumer was told to stop."""
        return self.stopped.is_set()

    def db(self) -> asyncpg.Pool:
        """The pool (asserted set)."""
        assert self.pool is not None
        return self.pool

    def client(self) -> aioredis.Redis:
        """The Redis client (asserted set)."""
        assert self.redis is not None
        return self.redis
