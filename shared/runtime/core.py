"""`Runtime`: everything one service process holds while it runs, started and stopped in
order (pool, Redis, consumer groups, broker, claim loop, outbox relay, background jobs)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import APIRouter
from faststream.redis import RedisBroker

from shared import erasure
from shared.db import create_pool, statement_kind
from shared.messaging import EventConsumer
from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay
from shared.redis_watch import DataLossWatch
from shared.runtime.broker import _timeouts, build_broker
from shared.runtime.gauges import GaugesOnScrape, refresh_gauges
from shared.runtime.redis_recovery import RedisRecovery
from shared.settings import Settings

log = logging.getLogger("polku.runtime")

GAUGE_MAX_AGE_S = 10.0
"""The pipeline gauges (consumer lag and pending, outbox backlog) are read when /metrics is
scraped, at most this often (`GaugesOnScrape`)."""


@dataclass
class ServiceDefinition:
    """What makes one service itself: its routes, its handlers, its background jobs."""

    name: str
    title: str
    description: str
    routers: list[APIRouter] = field(default_factory=list)
    register_handlers: Callable[[EventConsumer], None] | None = None
    background: list[Callable[[Runtime], Awaitable[None]]] = field(default_factory=list)
    on_startup: list[Callable[[Runtime], Awaitable[None]]] = field(default_factory=list)


class Runtime:
    """Everything one service process holds while it runs."""

    def __init__(self, definition: ServiceDefinition, settings: Settings) -> None:
        self.definition = definition
        self.name = definition.name
        # The service's own login role, for its pool and its LISTEN connections alike.
        own = settings.service_database_url(definition.name)
        self.settings = settings.model_copy(update={"database_url": own})
        settings = self.settings
        self.metrics = ServiceMetrics(definition.name)
        self.consumer = EventConsumer(
            service=definition.name, settings=settings, metrics=self.metrics
        )
        if definition.register_handlers is not None:
            definition.register_handlers(self.consumer)
        self.pool: asyncpg.Pool | None = None
        self.redis: aioredis.Redis | None = None
        self.broker: RedisBroker | None = None
        self.relay: OutboxRelay | None = None
        self._subscribers: list[Any] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._relay_task: asyncio.Future[None] | None = None
        self._claim_task: asyncio.Future[None] | None = None
        self._stopping = False
        self.gauges_on_scrape = GaugesOnScrape(self.refresh_gauges, GAUGE_MAX_AGE_S, timeout_s=0.5)

    @property
    def db(self) -> asyncpg.Pool:
        """The connection pool (asserted started)."""
        assert self.pool is not None, "runtime not started"
        return self.pool

    async def start(self) -> None:
        """Connect, create groups, start the broker and the background loops."""
        s = self.settings
        counted = self.metrics.db_statements
        self.pool = await create_pool(
            s.database_url,
            schema=self.name,
            min_size=1,
            max_size=s.db_pool_size,
            on_statement=(
                (lambda q: counted.labels(self.name, statement_kind(q)).inc())
                if s.db_count_statements
                else None
            ),
        )
        self.redis = aioredis.from_url(s.redis_url, health_check_interval=10, **_timeouts(s))
        self.consumer.pool, self.consumer.redis = self.pool, self.redis
        self.relay = OutboxRelay(
            pool=self.pool, redis=self.redis, schema=self.name, settings=s, metrics=self.metrics
        )
        self.watch = DataLossWatch(
            redis=self.redis,
            store=self.relay,
            recreate_groups=self.consumer.ensure_groups,
            republished=lambda _count: self.metrics.redis_resets.labels(self.name).inc(),
        )
        self.recovery = RedisRecovery(
            settings=s,
            redis=self.redis,
            consumer=self.consumer,
            watch=self.watch,
            subscribers=self._subscribers,
            stopping=self._is_stopping,
        )
        for hook in self.definition.on_startup:
            await hook(self)
        if self.consumer.streams:
            await self._start_consuming()
        self._relay_task = asyncio.ensure_future(self.relay.run())
        self._spawn_loops()

    async def _start_consuming(self) -> None:
        await self._wait_for_redis()
        await self.consumer.ensure_groups()
        self.broker, subscribers = build_broker(
            self.settings,
            name=self.name,
            metrics=self.metrics,
            consumer=self.consumer,
            redis=self.redis,
            group_lost=self.watch.poke,
        )
        self._subscribers += subscribers
        await self.broker.start()
        self._claim_task = asyncio.ensure_future(self.consumer.claim_loop())

    def _spawn_loops(self) -> None:
        assert self.redis is not None
        self._spawn(self.recovery.run())
        self._spawn(self._prune())
        self._spawn(
            erasure.forget_loop(
                self.db,
                self.redis,
                interval_s=self.settings.claim_interval_ms / 1000,
                stopping=self._is_stopping,
            )
        )
        for job in self.definition.background:
            self._spawn(job(self))

    def _is_stopping(self) -> bool:
        return self._stopping

    def _spawn(self, coro: Awaitable[None]) -> None:
        self._tasks.append(asyncio.ensure_future(coro))

    async def _wait_for_redis(self) -> None:
        assert self.redis is not None
        delay = 0.2
        for _ in range(60):
            try:
                await self.redis.ping()
                return
            except Exception as exc:
                log.warning("Redis not answering (%r); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        await self.redis.ping()

    async def remove_idle_consumers(self) -> list[str]:
        """Remove this group's dead consumers (idle, nothing pending) from every stream."""
        return await self.recovery.remove_idle_consumers()

    async def _prune(self) -> None:
        """Delete what is past the retention window, every `outbox_prune_interval_s`."""
        assert self.relay is not None
        while not self._stopping:
            try:
                if pruned := await self.relay.prune():
                    log.info("pruned %d rows past the retention window", pruned)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("pruning failed: %r; trying again at the next interval", exc)
            await asyncio.sleep(self.settings.outbox_prune_interval_s)

    async def refresh_gauges(self) -> None:
        """Read consumer lag, pending counts and the outbox backlog into the gauges."""
        assert self.redis is not None and self.relay is not None
        await refresh_gauges(
            name=self.name,
            redis=self.redis,
            consumer=self.consumer,
            relay=self.relay,
            metrics=self.metrics,
        )

    async def stop(self) -> None:
        """Graceful stop: in-flight batches finish and are acknowledged; the relay ends its batch."""
        self._stopping = True
        self.consumer.stop()
        if self.relay is not None:
            self.relay.stop()
        if self.broker is not None:
            await self._stop_reading()
            try:
                await self.consumer.finish_own_pending()
            except Exception as exc:  # Redis or PostgreSQL gone: others claim them later
                log.warning("could not settle this consumer's pending entries: %r", exc)
            await self.broker.stop()  # waits for the batches in hand: applied and acked
        for task in self._tasks:
            task.cancel()
        for finishing in (self._claim_task, self._relay_task):  # each ends its batch
            if finishing is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(finishing, 15)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.redis is not None:
            await self.redis.aclose()
        if self.pool is not None:
            await self.pool.close()

    async def _stop_reading(self) -> None:
        """Stop every subscriber and let its read task end before the broker disconnects,
        so no XREADGROUP is cut off mid-flight (FastStream would log that as an error)."""
        for sub in self._subscribers:
            reading = [t for t in getattr(sub, "tasks", []) if not t.done()]
            await sub.stop()  # waits for the batch in hand, then cancels the read task
            if reading:
                await asyncio.wait(reading, timeout=5)

    async def readiness(self) -> dict[str, str]:
        """What answers: Redis and PostgreSQL."""
        checks: dict[str, str] = {}
        try:
            assert self.redis is not None
            await asyncio.wait_for(self.redis.ping(), 1.0)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
        try:
            async with asyncio.timeout(1.0), self.db.acquire() as conn:
                await conn.fetchval("SELECT 1")
            checks["postgres"] = "ok"
        except Exception as exc:
            checks["postgres"] = f"unavailable: {type(exc).__name__}"
        return checks
