"""The pool, the Redis client and the stop signal that the parts of one consumer share."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg
import redis.asyncio as aioredis


@dataclass
class Connections:
    """Set by the runtime (or a test) before the consumer starts; read by each of its parts."""

    pool: asyncpg.Pool | None = None
    redis: aioredis.Redis | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)

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
