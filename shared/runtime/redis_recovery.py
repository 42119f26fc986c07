"""Recovery from a Redis that lost its data or its groups: notice it (`shared.redis_watch`),
restart subscribers that stopped, and now and then remove consumers that died."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis

from shared.messaging import EventConsumer
from shared.redis_watch import DataLossWatch, remove_idle_consumers
from shared.settings import Settings

log = logging.getLogger("polku.runtime")


class RedisRecovery:
    """Keeps one service's reading alive through Redis resets."""

    def __init__(
        self,
        *,
        settings: Settings,
        redis: aioredis.Redis,
        consumer: EventConsumer,
        watch: DataLossWatch,
        subscribers: list[Any],
        stopping: Callable[[], bool],
    ) -> None:
        self.settings, self.redis, self.consumer = settings, redis, consumer
        self.watch, self.subscribers, self._stopping = watch, subscribers, stopping

    async def run(self) -> None:
        """Notice Redis lost its data (see `shared.redis_watch`), restart any subscriber that
        stopped anyway, and remove dead consumers now and then."""
        interval = self.settings.redis_check_ms / 1000
        tidy_every = min(self.settings.consumer_remove_idle_ms / 2000, 60.0)
        tidied = 0.0
        while not self._stopping():
            try:
                await self.watch.check()
                await self._revive_subscribers()
                if self.consumer.streams and time.monotonic() - tidied >= tidy_every:
                    tidied = time.monotonic()
                    await self.remove_idle_consumers()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("Redis watch: %r", exc)
            await self.watch.wait(interval)

    async def remove_idle_consumers(self) -> list[str]:
        """Remove this group's dead consumers (idle, nothing pending) from every stream."""
        return await remove_idle_consumers(
            self.redis,
            self.consumer.streams,
            self.consumer.group,
            me=self.consumer.consumer,
            idle_ms=self.settings.consumer_remove_idle_ms,
        )

    async def _revive_subscribers(self) -> None:
        stopped = [sub for sub in self.subscribers if not sub.running]
        if not stopped or self._stopping():
            return
        await self.consumer.ensure_groups()
        for sub in stopped:
            log.warning("restarting subscriber after its group was lost")
            await sub.start()
