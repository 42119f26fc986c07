"""Every order the streams can deliver one service's events in, and a feeder that delivers them.

A scenario is a set of lanes: the events one producer emits about one participant on one
stream, in the order it emits them (a lane of actions, `stream=None`, is the service's own
API). A delivery keeps each lane in order and varies everything else: how lanes interleave,
where batches are cut (a batch is consecutive entries of one stream), and, as a retry, a
replayed dead letter or a slower replica would, one event coming late, after all the others.

The feeder puts each batch on the real Redis stream, reads it through the service's consumer
group and hands it to the service's real `EventConsumer.process` (inbox, handlers, outbox in
one PostgreSQL transaction, then XACK); what stays pending (`RetryLater`) is delivered again
to the same consumer, as the claim loop would, until nothing is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from shared.db import create_pool
from shared.events import Envelope, streams
from shared.messaging import EventConsumer
from shared.metrics import ServiceMetrics
from shared.settings import Settings


@dataclass(frozen=True)
class Step:
    """One event (or API action) of a scenario: who it is about, what, on which stream."""

    who: str
    kind: str
    stream: str | None


Lane = Sequence[Step]
Batch = list[Step]
Move = list[Envelope[Any]] | Callable[[], Awaitable[None]]
"""What a delivery does in its turn: a batch of entries of one stream, or an API action."""


def interleavings(lanes: Sequence[Lane]) -> Iterator[list[Step]]:
    """Every merge of the lanes that keeps each lane's own order."""
    live = [lane for lane in lanes if lane]
    if not live:
        yield []
        return
    for i, lane in enumerate(live):
        rest = [*live[:i], lane[1:], *live[i + 1 :]]
        for tail in interleavings(rest):
            yield [lane[0], *tail]


def cuts(order: Sequence[Step], *, every: bool) -> Iterator[list[Batch]]:
    """The order cut into batches: every way (`every`), else one batch per run of a stream and
    one batch per entry. A change of stream, or an action, always cuts."""
    joinable = [
        i
        for i in range(1, len(order))
        if order[i].stream is not None and order[i].stream == order[i - 1].stream
    ]
    extremes = [(True,) * len(joinable), (False,) * len(joinable)]
    choices = product((False, True), repeat=len(joinable)) if every else iter(extremes)
    seen: set[tuple[bool, ...]] = set()
    for choice in choices:
        if choice in seen:
            continue
        seen.add(choice)
        joined = {i for i, j in zip(joinable, choice, strict=True) if j}
        batches: list[Batch] = []
        for i, step in enumerate(order):
            if i in joined:
                batches[-1].append(step)
            else:
                batches.append([step])
        yield batches


def deliveries(
    lanes: Sequence[Lane],
    *,
    every_cut: bool = True,
    allowed: Callable[[Sequence[Step]], bool] = lambda order: True,
) -> Iterator[list[Batch]]:
    """Every delivery of the lanes: in lane order, then with each event late (its own batch,
    after all the others)."""
    for order in interleavings(lanes):
        if allowed(order):
            yield from cuts(order, every=every_cut)
    for n, lane in enumerate(lanes):
        for k, late in enumerate(lane):
            if late.stream is None:
                continue  # an action is not delivered: it happens
            rest = [*lanes[:n], [*lane[:k], *lane[k + 1 :]], *lanes[n + 1 :]]
            for order in interleavings(rest):
                if allowed([*order, late]):
                    for batches in cuts(order, every=False):
                        yield [*batches, [late]]


async def service_consumer(
    service: str,
    settings: Settings,
    redis: aioredis.Redis,
    register: Callable[[EventConsumer], None],
) -> EventConsumer:
    """The service's real consumer (its own handlers) on its schema; groups created."""
    pool = await create_pool(settings.database_url, schema=service, min_size=1, max_size=2)
    consumer = EventConsumer(
        service=service, settings=settings, metrics=ServiceMetrics(service), pool=pool, redis=redis
    )
    register(consumer)
    await consumer.ensure_groups()
    return consumer


class Feeder:
    """Delivers batches to one consumer through Redis, then retries what stays pending."""

    def __init__(self, consumer: EventConsumer) -> None:
        self.consumer = consumer
        assert consumer.redis is not None and consumer.pool is not None
        self.redis: aioredis.Redis = consumer.redis
        self.pool: asyncpg.Pool = consumer.pool

    async def deliver(self, batch: list[Envelope[Any]]) -> None:
        """XADD the batch, read exactly it through the group, process it."""
        stream = batch[0].stream
        for env in batch:
            await self.redis.xadd(stream, {"__data__": env.model_dump_json(), "type": env.type})
        c = self.consumer
        answer: Any = await self.redis.xreadgroup(
            c.group, c.consumer, {stream: ">"}, count=len(batch)
        )
        entries = list(answer[0][1])
        assert len(entries) == len(batch)
        await c.process(stream, entries)

    async def deliver_together(self, deliveries: Sequence[list[Move]]) -> None:
        """Several deliveries at once, their k-th batches (of one stream) merged into one, so
        each keeps its order and cuts (an action runs in its turn); then retry until nothing
        is pending."""
        for k in range(max((len(d) for d in deliveries), default=0)):
            merged: dict[str, list[Envelope[Any]]] = {}
            for d in deliveries:
                if k >= len(d):
                    continue
                move = d[k]
                if callable(move):
                    await move()
                else:
                    merged.setdefault(move[0].stream, []).extend(move)
            for batch in merged.values():
                await self.deliver(batch)
        await self.settle()

    async def settle(self, rounds: int = 8) -> None:
        """Deliver what is pending again, as the claim loop would, until nothing is."""
        for _ in range(rounds):
            if not await self.pending():
                return
            await self.consumer.finish_own_pending()
        assert not await self.pending(), "events still pending after every retry"

    async def pending(self) -> int:
        """Entries delivered to this group and not acknowledged, on every stream."""
        total = 0
        for stream in self.consumer.streams:
            info: Any = await self.redis.xpending(stream, self.consumer.group)
            total += int(info["pending"])
        return total

    async def dead_letters(self) -> int:
        """Entries this group dead-lettered."""
        entries: Any = await self.redis.xrange(streams.DEAD_LETTER)
        return sum(1 for _, f in entries if f.get(b"consumer") == self.consumer.group.encode())

    async def close(self) -> None:
        """Close the pool (the Redis client is the caller's)."""
        await self.pool.close()
