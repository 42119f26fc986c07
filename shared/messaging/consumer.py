"""`EventConsumer`: one service's idempotent consumer, composed of its parts (routes, batch
applier, dead-letter writer, claimer) around one `process` and one acknowledgement."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from shared.dead_letters import SubjectOf
from shared.events.envelope import Envelope, Payload, PoisonEvent
from shared.messaging.applier import BatchApplier
from shared.messaging.claimer import Claimer
from shared.messaging.connections import Connections
from shared.messaging.database_wait import DatabaseWait
from shared.messaging.dead_letter import DeadLetterWriter
from shared.messaging.entries import Entry
from shared.messaging.failures import FailedAttempts
from shared.messaging.routes import BatchHandler, EntryDecoder, Handler, RefusalHook, Routes
from shared.metrics import ServiceMetrics
from shared.outage import OutageLog
from shared.sealing import Sealer
from shared.settings import Settings

log = logging.getLogger("polku.messaging")


def consumer_name(service: str) -> str:
    """A consumer name unique to this process."""
    return f"{service}-{socket.gethostname()}-{os.getpid()}"


class EventConsumer:
    """Decodes, deduplicates, applies and acknowledges the events one service consumes."""

    def __init__(
        self,
        *,
        service: str,
        settings: Settings,
        metrics: ServiceMetrics,
        pool: asyncpg.Pool | None = None,
        redis: aioredis.Redis | None = None,
    ) -> None:
        self.service = service
        self.group = service
        self.consumer = consumer_name(service)
        self.settings = settings
        self.metrics = metrics
        self._conn = Connections(pool=pool, redis=redis)  # set by the runtime before start
        self._routes = Routes()
        self._dead_letters = DeadLetterWriter(
            self._conn,
            service=service,
            group=self.group,
            metrics=metrics,
            sealer=Sealer(settings.encryption_key),
            subjects=self._routes.subjects,
        )
        self._applier = self._batch_applier()
        self._claimer = Claimer(
            self._conn,
            group=self.group,
            consumer=self.consumer,
            settings=settings,
            outage=OutageLog(
                log, f"claim loop of {service}", reminder_s=settings.outage_reminder_s
            ),
            streams=lambda: self.streams,
            process=self.process,
            ack=lambda stream, ids: self._ack(stream, ids),
            ensure_groups=self.ensure_groups,
        )

    def _batch_applier(self) -> BatchApplier:
        """The applier, with the failed-attempt counter and the outage wait it shares."""
        s, name = self.settings, self.service
        outage = OutageLog(log, f"database of consumer {name}", reminder_s=s.outage_reminder_s)
        failures = FailedAttempts(
            self._conn,
            service=name,
            group=self.group,
            max_attempts=s.max_attempts,
            metrics=self.metrics,
            outage=outage,
            dead_letters=self._dead_letters,
            claim_idle_s=s.claim_idle_ms / 1000,
        )
        return BatchApplier(
            self._conn,
            service=name,
            group=self.group,
            max_attempts=s.max_attempts,
            metrics=self.metrics,
            routes=self._routes,
            database=DatabaseWait(self._conn, outage),
            failures=failures,
        )

    @property
    def pool(self) -> asyncpg.Pool | None:
        """The service's connection pool (set by the runtime before start)."""
        return self._conn.pool

    @pool.setter
    def pool(self, pool: asyncpg.Pool | None) -> None:
        self._conn.pool = pool

    @property
    def redis(self) -> aioredis.Redis | None:
        """The Redis client (set by the runtime before start)."""
        return self._conn.redis

    @redis.setter
    def redis(self, redis: aioredis.Redis | None) -> None:
        self._conn.redis = redis

    # -- registration ---------------------------------------------------------------------
    def on(self, payload: type[Payload]) -> Callable[[Handler], Handler]:
        """Register a handler for one event type; its stream is subscribed automatically."""
        return self._routes.on(payload)

    def on_batch(self, payload: type[Payload]) -> Callable[[BatchHandler], BatchHandler]:
        """Register a handler that takes a batch's consecutive new events of a type at once, in
        stream order; registered for several types, it takes a run mixing them."""
        return self._routes.on_batch(payload)

    def subscribe_raw(
        self,
        stream: str,
        decoder: EntryDecoder,
        *,
        delete_settled: bool = False,
        subject: SubjectOf | None = None,
        on_refused: RefusalHook | None = None,
    ) -> None:
        """Consume a stream whose entries are not Polku envelopes (e.g. inbound requests).

        `delete_settled`: XDEL each entry with its XACK (a stream only this group reads,
        whose entries hold personal data); `subject` names whom a dead letter is about;
        `on_refused` is told of each entry refused as poison before it is dead-lettered."""
        self._routes.subscribe_raw(
            stream, decoder, delete_settled=delete_settled, subject=subject, on_refused=on_refused
        )

    @property
    def streams(self) -> list[str]:
        """Every stream this consumer reads."""
        return self._routes.streams

    @property
    def wanted_types(self) -> set[str]:
        """The event types this consumer has a handler for."""
        return set(self._routes.wanted)

    # -- groups ---------------------------------------------------------------------------
    async def ensure_groups(self) -> None:
        """Create this service's group on each stream at `0`, so nothing published is missed."""
        redis = self._conn.client()
        for stream in self.streams:
            try:
                await redis.xgroup_create(stream, self.group, id="0", mkstream=True)
                log.info("created consumer group %s on %s", self.group, stream)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    # -- processing -----------------------------------------------------------------------
    async def process(self, stream: str, entries: list[Entry]) -> list[bytes]:
        """Process entries of one stream; acknowledges and returns the ids it settled."""
        settled: list[bytes] = []
        batch: list[tuple[bytes, Envelope[Any]]] = []
        ignored = 0
        for entry_id, fields in entries:
            try:
                env = self._routes.decode(stream, fields)
            except PoisonEvent as exc:
                if (hook := self._routes.refusals.get(stream)) and self.pool is not None:
                    await hook(self.pool, entry_id, fields, exc.reason)  # raises: retried whole
                await self.dead_letter(stream, entry_id, fields, exc.reason, exc.detail, 1)
                settled.append(entry_id)
                continue
            if env is None:
                ignored += 1
                settled.append(entry_id)
                continue
            batch.append((entry_id, env))
        if ignored:
            self.metrics.events_consumed.labels(self.service, stream, "other", "ignored").inc(
                ignored
            )
        if batch:
            settled += await self._applier.apply_with_isolation(stream, batch)
        if settled:
            await self._ack(stream, settled)
        return settled

    async def dead_letter(
        self,
        stream: str,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        reason: str,
        error: str,
        attempts: int,
        env: Envelope[Any] | None = None,
    ) -> None:
        """Write the entry, with why it failed, to the dead-letter stream (its personal
        data redacted for operators and sealed for replay: `shared.dead_letters`)."""
        await self._dead_letters.write(stream, entry_id, fields, reason, error, attempts, env)

    async def _ack(self, stream: str, ids: list[bytes]) -> None:
        redis = self._conn.client()
        if stream not in self._routes.deleting:
            await redis.xack(stream, self.group, *ids)
            return
        # Settled means deleted too, in one MULTI. A crash before it leaves the entry
        # pending: claimed again, it is a duplicate for the inbox, then acked and deleted.
        async with redis.pipeline(transaction=True) as pipe:
            pipe.xack(stream, self.group, *ids)
            pipe.xdel(stream, *ids)
            await pipe.execute()

    # -- claiming -------------------------------------------------------------------------
    async def claim_once(self) -> int:
        """Claim and process idle pending entries of every stream, in batches."""
        return await self._claimer.claim_once()

    async def claim_loop(self) -> None:
        """Claim pending entries of dead consumers and failed attempts, until stopped."""
        await self._claimer.claim_loop()

    async def finish_own_pending(self) -> int:
        """Apply and acknowledge what this consumer was delivered but never handled.

        FastStream drops the answer of a read that returns after its subscriber was told to
        stop: those entries stay pending under this consumer. A graceful stop settles them
        here instead of leaving them for another consumer's claim.
        """
        return await self._claimer.finish_own_pending()

    def stop(self) -> None:
        """Stop claiming (after the batch in hand) and stop waiting for the database."""
        self._conn.stop()
