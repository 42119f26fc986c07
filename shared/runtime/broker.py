"""The FastStream broker of one service: a batch subscriber per stream its consumer reads,
handing raw entries to `EventConsumer.process`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from faststream import AckPolicy
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.message import FAKE_CONSUMER, RedisBatchStreamMessage
from faststream.redis.prometheus import RedisPrometheusMiddleware

from shared.messaging import Entry, EventConsumer
from shared.metrics import ServiceMetrics
from shared.redis_watch import guard_reads
from shared.settings import Settings


def build_broker(
    settings: Settings,
    *,
    name: str,
    metrics: ServiceMetrics,
    consumer: EventConsumer,
    redis: aioredis.Redis | None,
    group_lost: Callable[[], None],
) -> tuple[RedisBroker, list[Any]]:
    """The broker and its subscribers, one per stream, each guarded against a lost group."""
    s = settings
    broker = RedisBroker(
        s.redis_url,
        middlewares=[RedisPrometheusMiddleware(registry=metrics.registry, app_name=name)],
        graceful_timeout=15,
        **_timeouts(s),  # type: ignore[arg-type]
        logger=logging.getLogger(f"polku.{name}.faststream"),
        # FastStream's "Received"/"Processed" per batch at DEBUG: the consumer's own
        # line per batch (logger polku.events) names the events and correlation ids.
        log_level=logging.DEBUG,
        # Handlers take the raw entries and nothing to inject: without FastDepends no
        # argument model is solved per batch (its sync steps ran in a worker thread).
        apply_types=False,
    )
    subscribers = [
        _subscriber(broker, settings, consumer, stream, redis=redis, group_lost=group_lost)
        for stream in consumer.streams
    ]
    return broker, subscribers


def _subscriber(
    broker: RedisBroker,
    settings: Settings,
    consumer: EventConsumer,
    stream: str,
    *,
    redis: aioredis.Redis | None,
    group_lost: Callable[[], None],
) -> Any:
    """The batch subscriber of one stream, its reads guarded against a lost group."""
    sub = broker.subscriber(
        stream=StreamSub(
            stream,
            group=consumer.group,
            consumer=consumer.consumer,
            batch=True,
            max_records=settings.consumer_batch_size,
            polling_interval=settings.consumer_block_ms,
        ),
        ack_policy=AckPolicy.MANUAL,
        parser=_raw_batch,
        decoder=_entries,
    )
    sub(_make_handler(consumer, stream))
    guard_reads(
        sub,
        stream=stream,
        redis=redis,  # type: ignore[arg-type]
        recreate_groups=consumer.ensure_groups,
        group_lost=group_lost,
    )
    return sub


def _make_handler(consumer: EventConsumer, stream: str) -> Callable[..., Awaitable[None]]:
    async def handle(entries: list[Entry]) -> None:
        await consumer.process(stream, entries)

    handle.__name__ = f"on_{stream.replace('.', '_').replace('-', '_')}"
    return handle


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
