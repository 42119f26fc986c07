"""Idempotent consumers over Redis consumer groups, with claiming and a dead-letter stream.

One `EventConsumer` per service. New entries arrive through FastStream batch subscribers
(see `shared.runtime`); entries left pending by a dead consumer or a failed attempt are
claimed here in batches with XAUTOCLAIM. Either way an entry goes through `process`:
decode, then one PostgreSQL transaction holding the inbox insert, the handler's effects
and the events it emits (outbox), and only after the commit, XACK.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from shared import dead_letters, outbox
from shared.db import is_outage
from shared.dead_letters import Failure, SubjectOf
from shared.events import streams
from shared.events.envelope import Envelope, Payload, PoisonEvent, decode, decode_hinted
from shared.logs import event_context
from shared.metrics import ServiceMetrics
from shared.outage import Backoff, OutageLog
from shared.sealing import Sealer
from shared.settings import Settings

log = logging.getLogger("polku.messaging")
events_log = logging.getLogger("polku.events")

Entry = tuple[bytes, dict[bytes, bytes]]
TYPE_FIELD = b"type"
"""The stream entry field beside `__data__` where the relay names the event's type."""
Emitted = list[Envelope[Any]] | None
Handler = Callable[[asyncpg.Connection, Envelope[Any]], Awaitable[Emitted]]
BatchHandler = Callable[[asyncpg.Connection, list[Envelope[Any]]], Awaitable[Emitted]]
EntryDecoder = Callable[[dict[bytes, bytes]], Envelope[Any] | None]
PROBE_TIMEOUT_S = 5.0
"""How long the database may take to answer `SELECT 1` before a failure counts as an outage."""


class RetryLater(Exception):
    """The event depends on something not yet seen (e.g. an update before its registration).

    The entry stays pending and is tried again after the claim idle time, up to the
    configured attempts, then dead-lettered. Never silently dropped.
    """


def consumer_name(service: str) -> str:
    """A consumer name unique to this process."""
    return f"{service}-{socket.gethostname()}-{os.getpid()}"


def _log_handled(stream: str, fresh: list[Envelope[Any]]) -> None:
    """One INFO line per committed batch, so one intake can be followed with grep: a lone
    event's line carries its event_id and correlation_id; a batch lists its correlation ids."""
    if len(fresh) == 1:
        with event_context(fresh[0]):
            events_log.info("handled %s from %s", fresh[0].type, stream)
        return
    ids = " ".join(dict.fromkeys(str(e.correlation_id) for e in fresh))
    events_log.info("handled %d events from %s; correlation ids: %s", len(fresh), stream, ids)


def entry_body(fields: dict[bytes, bytes]) -> bytes:
    """The event JSON of a stream entry (Polku's `__data__` field, or `data`/`event`)."""
    for key in (b"__data__", b"data", b"event"):
        if key in fields:
            body = fields[key]
            return _strip_faststream_binary(body)
    raise _malformed("entry has no __data__, data or event field")


def _strip_faststream_binary(body: bytes) -> bytes:
    if body.startswith(b"\x89BIN"):
        from faststream.redis.parser.binary import BinaryMessageFormatV1

        data, _headers = BinaryMessageFormatV1.parse(body)
        return data
    return body


def _malformed(detail: str) -> PoisonEvent:
    from shared.events.envelope import MalformedEvent

    return MalformedEvent(detail)


class TypeMismatch(PoisonEvent):
    """The entry's `type` field names another type than its body: trust neither."""

    reason = "type_mismatch"


def check_unwanted_type(body: bytes, hint: str) -> None:
    """Raise `TypeMismatch` if the body of an entry hinted as an unwanted type is another type.

    The relay writes the envelope's `type` second (after `event_id`), so the hint is found
    in the first bytes without parsing; only an entry where it is not is parsed in full."""
    if body.find(b'"type":"' + hint.encode() + b'"', 0, 200) != -1:
        return
    try:
        actual = json.loads(body).get("type")
    except (ValueError, AttributeError):
        return  # not ours to judge: the services that consume the hinted type name it
    if isinstance(actual, str) and actual != hint:
        raise TypeMismatch(f"type field says {hint!r}, the body is {actual!r}")


def failure_reason(exc: BaseException) -> str:
    """The dead-letter reason of an event whose attempts all failed with `exc`."""
    if isinstance(exc, RetryLater):
        return "prerequisite_missing"
    if isinstance(exc, TimeoutError | asyncpg.exceptions.QueryCanceledError):
        return "timed_out"
    return "handler_failed"


@dataclass
class _Route:
    handler: Handler | None = None
    batch_handler: BatchHandler | None = None


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
        self.pool = pool  # set by the runtime before start
        self.redis = redis
        self._routes: dict[str, _Route] = {}
        self._streams: dict[str, EntryDecoder | None] = {}
        self._subjects: dict[str, SubjectOf] = {}
        self._deleting: set[str] = set()
        self._sealer = Sealer(settings.encryption_key)
        self._stopping = False
        self._stopped = asyncio.Event()
        self._outage = OutageLog(
            log, f"database of consumer {service}", reminder_s=settings.outage_reminder_s
        )
        self._claim_outage = OutageLog(
            log, f"claim loop of {service}", reminder_s=settings.outage_reminder_s
        )

    # -- registration ---------------------------------------------------------------------
    def on(self, payload: type[Payload]) -> Callable[[Handler], Handler]:
        """Register a handler for one event type; its stream is subscribed automatically."""

        def register(fn: Handler) -> Handler:
            self._routes.setdefault(payload.TYPE, _Route()).handler = fn
            self._streams.setdefault(payload.STREAM, None)
            return fn

        return register

    def on_batch(self, payload: type[Payload]) -> Callable[[BatchHandler], BatchHandler]:
        """Register a handler that takes a batch's consecutive new events of a type at once, in
        stream order; registered for several types, it takes a run mixing them."""

        def register(fn: BatchHandler) -> BatchHandler:
            self._routes.setdefault(payload.TYPE, _Route()).batch_handler = fn
            self._streams.setdefault(payload.STREAM, None)
            return fn

        return register

    def subscribe_raw(
        self,
        stream: str,
        decoder: EntryDecoder,
        *,
        delete_settled: bool = False,
        subject: SubjectOf | None = None,
    ) -> None:
        """Consume a stream whose entries are not Polku envelopes (e.g. inbound requests).

        `delete_settled`: XDEL each entry with its XACK (a stream only this group reads,
        whose entries hold personal data); `subject` names whom a dead letter is about."""
        self._streams[stream] = decoder
        if delete_settled:
            self._deleting.add(stream)
        if subject is not None:
            self._subjects[stream] = subject

    @property
    def streams(self) -> list[str]:
        """Every stream this consumer reads."""
        return sorted(self._streams)

    @property
    def wanted_types(self) -> set[str]:
        return set(self._routes)

    @property
    def _wanted(self) -> AbstractSet[str]:
        return self._routes.keys()  # a live view: no copy per entry

    # -- groups ---------------------------------------------------------------------------
    async def ensure_groups(self) -> None:
        """Create this service's group on each stream at `0`, so nothing published is missed."""
        assert self.redis is not None
        for stream in self.streams:
            try:
                await self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
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
                env = self._decode(stream, fields)
            except PoisonEvent as exc:
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
            settled += await self._apply_with_isolation(stream, batch)
        if settled:
            await self._ack(stream, settled)
        return settled

    def _decode(self, stream: str, fields: dict[bytes, bytes]) -> Envelope[Any] | None:
        custom = self._streams.get(stream)
        if custom is not None:
            return custom(fields)
        hint = fields.get(TYPE_FIELD)
        if hint is None:
            return decode(entry_body(fields), wanted=self._wanted)
        # Polku's relay names the type: skip or validate in one pass, never trust a wrong name
        type_, body = hint.decode(errors="replace"), entry_body(fields)
        if type_ not in self._wanted:
            check_unwanted_type(body, type_)
            return None
        env = decode_hinted(body, type_, wanted=self._wanted)
        if env is None or env.type != type_:
            actual = "an unwanted type" if env is None else repr(env.type)
            raise TypeMismatch(f"type field says {type_!r}, the body is {actual}")
        return env

    async def _apply_with_isolation(
        self, stream: str, batch: list[tuple[bytes, Envelope[Any]]]
    ) -> list[bytes]:
        answered = 0  # "outages" after which the database answered at once
        while True:
            try:
                await self._apply(stream, [env for _, env in batch])
                self._outage.recovered()
                return [entry_id for entry_id, _ in batch]
            except Exception as exc:
                if await self._is_outage(exc):
                    answered += await self._wait_for_database(exc)
                    if answered <= self.settings.max_attempts:
                        continue  # else a connection error the batch itself causes: an attempt
                if len(batch) == 1:
                    try:
                        return await self._record_failure(stream, batch[0], exc)
                    except Exception as lost:  # the database went away meanwhile
                        if not is_outage(lost):
                            raise
                        await self._wait_for_database(lost)
                        continue
                break
        # One event spoiled the batch: apply each alone, so the others go through.
        settled: list[bytes] = []
        for item in batch:
            settled += await self._apply_with_isolation(stream, [item])
        return settled

    async def _apply(self, stream: str, events: list[Envelope[Any]]) -> None:
        assert self.pool is not None
        started = time.perf_counter()
        async with self.pool.acquire() as conn, conn.transaction():
            fresh = await self._inbox_claim(conn, events)
            emitted: list[Envelope[Any]] = []
            # Stream order: consecutive events for one handler go together, never regrouped
            # by type (an erasure must not overtake the registration before it).
            for _, run in groupby(fresh, key=self._handler_of):
                envs = list(run)
                emitted += await self._dispatch(conn, envs[0].type, envs)
            if emitted:
                await outbox.record(conn, emitted)
        self.metrics.handler_seconds.labels(self.service, stream).observe(
            time.perf_counter() - started
        )
        fresh_ids = {e.event_id for e in fresh}
        outcomes: dict[tuple[str, str], int] = {}
        for env in events:
            outcome = "processed" if env.event_id in fresh_ids else "duplicate"
            fresh_ids.discard(env.event_id)
            outcomes[env.type, outcome] = outcomes.get((env.type, outcome), 0) + 1
        for (type_, outcome), n in outcomes.items():
            self.metrics.events_consumed.labels(self.service, stream, type_, outcome).inc(n)
        if fresh:
            _log_handled(stream, fresh)

    async def _inbox_claim(
        self, conn: asyncpg.Connection, events: list[Envelope[Any]]
    ) -> list[Envelope[Any]]:
        rows = await conn.fetch(
            "INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[])"
            " ON CONFLICT DO NOTHING RETURNING event_id",
            self.group,
            [e.event_id for e in events],
        )
        new = {r["event_id"] for r in rows}
        fresh = []
        for env in events:
            if env.event_id in new:
                new.discard(env.event_id)  # a duplicate inside the same batch counts once
                fresh.append(env)
        return fresh

    def _handler_of(self, env: Envelope[Any]) -> object:
        """What takes this event: its batch handler (which may serve several types), or its type."""
        route = self._routes[env.type]
        return route.batch_handler or env.type

    async def _dispatch(
        self, conn: asyncpg.Connection, type_: str, envs: list[Envelope[Any]]
    ) -> list[Envelope[Any]]:
        """Hand a run of consecutive events, in stream order, to the handler of their type."""
        route = self._routes[type_]
        emitted: list[Envelope[Any]] = []
        if route.batch_handler is not None:
            with event_context(envs[0] if len(envs) == 1 else None):
                emitted += await route.batch_handler(conn, envs) or []
            return emitted
        assert route.handler is not None
        for env in envs:
            with event_context(env):
                emitted += await route.handler(conn, env) or []
        return emitted

    async def _is_outage(self, exc: Exception) -> bool:
        """An outage: the database cannot be reached. A statement that failed or timed out
        while the database answers is the event's failed attempt, never an outage."""
        if is_outage(exc):
            return True
        if isinstance(exc, RetryLater):
            return False  # the handler's own verdict: the database answered it
        return not await self._database_answers()

    async def _database_answers(self) -> bool:
        assert self.pool is not None
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S), self.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
            return True
        except Exception:
            return False

    async def _wait_for_database(self, exc: BaseException) -> int:
        """Back off until the database answers; 1 if it answered the first probe, else 0.
        Raises `exc` if the consumer is stopping (the entries stay pending for a live
        consumer: not a failed attempt)."""
        self._outage.failed(exc, outage=True)
        backoff, probes = Backoff(), 0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(backoff.next()):
                    await self._stopped.wait()
            if self._stopping:
                break
            probes += 1
            if await self._database_answers():
                return 1 if probes == 1 else 0
            self._outage.failed(exc, outage=True)
        raise exc

    async def _record_failure(
        self, stream: str, item: tuple[bytes, Envelope[Any]], exc: Exception
    ) -> list[bytes]:
        entry_id, env = item
        error = f"{type(exc).__name__}: {exc}"
        key = str(env.event_id)
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            attempts = await conn.fetchval(
                "INSERT INTO failed_attempt (consumer, entry_key, attempts, last_error)"
                " VALUES ($1, $2, 1, $3) ON CONFLICT (consumer, entry_key) DO UPDATE"
                " SET attempts = failed_attempt.attempts + 1, last_error = $3, updated_at = now()"
                " RETURNING attempts",
                self.group,
                key,
                error[:2000],
            )
        retry = isinstance(exc, RetryLater)
        self._outage.recovered()  # the database answered: counted
        with event_context(env):
            log.log(
                logging.INFO if retry else logging.ERROR,
                "handling %s failed (attempt %d of %d): %s",
                env.type,
                attempts,
                self.settings.max_attempts,
                error,
                exc_info=None if retry else exc,
            )
        if attempts < self.settings.max_attempts:
            self.metrics.events_consumed.labels(self.service, stream, env.type, "failed").inc()
            return []  # stays pending; the claim loop tries again after the idle time
        reason = failure_reason(exc)
        fields = {b"__data__": env.model_dump_json().encode()}
        await self.dead_letter(stream, entry_id, fields, reason, error, attempts, env=env)
        return [entry_id]

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
        assert self.redis is not None
        record = dead_letters.record_of(
            Failure(stream, entry_id, self.group, reason, error, attempts),
            fields,
            env,
            sealer=self._sealer,
            subject=self._subjects.get(stream),
        )
        await self.redis.xadd(streams.DEAD_LETTER, record, maxlen=100_000, approximate=True)  # type: ignore[arg-type]
        self.metrics.dead_lettered.labels(self.service, stream, reason).inc()
        self.metrics.events_consumed.labels(
            self.service, stream, record["event_type"] or "unknown", "dead_lettered"
        ).inc()
        log.error("dead-lettered %s from %s: %s (%s)", record["event_id"], stream, reason, error)

    async def _ack(self, stream: str, ids: list[bytes]) -> None:
        assert self.redis is not None
        if stream not in self._deleting:
            await self.redis.xack(stream, self.group, *ids)
            return
        # Settled means deleted too, in one MULTI. A crash before it leaves the entry
        # pending: claimed again, it is a duplicate for the inbox, then acked and deleted.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(stream, self.group, *ids)
            pipe.xdel(stream, *ids)
            await pipe.execute()

    # -- claiming -------------------------------------------------------------------------
    async def claim_once(self) -> int:
        """Claim and process idle pending entries of every stream, in batches."""
        assert self.redis is not None
        handled = 0
        for stream in self.streams:
            start = "0-0"
            while not self._stopping:
                try:
                    next_id, entries, *_ = await self.redis.xautoclaim(
                        stream,
                        self.group,
                        self.consumer,
                        min_idle_time=self.settings.claim_idle_ms,
                        start_id=start,
                        count=self.settings.consumer_batch_size,
                    )
                except ResponseError as exc:
                    if "NOGROUP" in str(exc):
                        await self.ensure_groups()
                        break
                    raise
                live = [(eid, f) for eid, f in entries if f]
                trimmed = [eid for eid, f in entries if not f]
                if trimmed:  # deleted by MAXLEN; Redis 6.2 keeps them pending: settle them
                    await self._ack(stream, trimmed)
                if live:
                    await self.process(stream, live)
                    handled += len(live)
                if next_id in (b"0-0", "0-0") or not entries:
                    break
                start = next_id
        return handled

    async def claim_loop(self) -> None:
        """Claim pending entries of dead consumers and failed attempts, until stopped."""
        interval = self.settings.claim_interval_ms / 1000
        while not self._stopping:
            try:
                await self.claim_once()
                self._claim_outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._claim_outage.failed(exc)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await self._stopped.wait()

    async def finish_own_pending(self) -> int:
        """Apply and acknowledge what this consumer was delivered but never handled.

        FastStream drops the answer of a read that returns after its subscriber was told to
        stop: those entries stay pending under this consumer. A graceful stop settles them
        here instead of leaving them for another consumer's claim.
        """
        assert self.redis is not None
        handled = 0
        for stream in self.streams:
            after: bytes | str = "0"
            while True:
                answer: Any = await self.redis.xreadgroup(
                    self.group,
                    self.consumer,
                    {stream: after},
                    count=self.settings.consumer_batch_size,
                )
                entries = _entries_of(answer)
                if not entries:
                    break
                after = entries[-1][0]
                trimmed = [eid for eid, fields in entries if not fields]
                if trimmed:
                    await self._ack(stream, trimmed)
                live = [(eid, fields) for eid, fields in entries if fields]
                if live:
                    await self.process(stream, live)
                    handled += len(live)
        return handled

    def stop(self) -> None:
        """Stop claiming (after the batch in hand) and stop waiting for the database."""
        self._stopping = True
        self._stopped.set()


def _entries_of(answer: Any) -> list[Entry]:
    """The entries of a one-stream XREADGROUP answer (`[[stream, [(id, fields), ...]]]`)."""
    return list(answer[0][1]) if answer else []
