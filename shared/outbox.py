"""Transactional outbox: events recorded with the state change, relayed to Redis by NOTIFY."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from shared import idempotency
from shared.events.envelope import Envelope
from shared.metrics import ServiceMetrics
from shared.outage import Backoff, OutageLog
from shared.settings import Settings

log = logging.getLogger("polku.outbox")


XADD_MANY = """
for i = 2, #ARGV, 2 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', '__data__', ARGV[i + 1], 'type', ARGV[i])
end
return (#ARGV - 1) / 2
"""
"""XADD a batch of (type, body) pairs to one stream in one command: one round trip and one
command to pack, where a pipeline of XADDs costs ~3x more CPU per event (bench/README.md).
Each entry holds the event JSON in `__data__` and its type in `type` (consumers skip the
types they do not want without parsing the JSON)."""


CHANNEL_PREFIX = "polku_outbox_"
EPOCH = "redis_epoch"
"""The `relay_state` key holding the Redis epoch this service last published into."""

PRUNE_OUTBOX = (
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox o"
    " WHERE created_at < now() - make_interval(secs => $1)"
    " AND NOT EXISTS (SELECT FROM outbox_pending p WHERE p.id = o.id)"
    " ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
)
PRUNE_INBOX = (
    "DELETE FROM inbox WHERE (consumer, event_id) IN (SELECT consumer, event_id FROM inbox"
    " WHERE processed_at < now() - make_interval(secs => $1)"
    " ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
)
PRUNE_FAILED = (
    "DELETE FROM failed_attempt WHERE (consumer, entry_key) IN (SELECT consumer, entry_key"
    " FROM failed_attempt WHERE updated_at < now() - make_interval(secs => $1)"
    " LIMIT $2 FOR UPDATE SKIP LOCKED)"
)
"""Each deletes one batch (`$2` rows) older than `$1` seconds; SKIP LOCKED lets the relays
of several replicas prune side by side."""


def channel_of(schema: str) -> str:
    """The NOTIFY channel a schema's relay listens on."""
    return f"{CHANNEL_PREFIX}{schema}"


async def record(conn: asyncpg.Connection, events: Iterable[Envelope[Any]]) -> int:
    """Add events to the outbox inside the caller's transaction; returns how many.

    The outbox's trigger (migration 0003) queues the rows in `outbox_pending` and sends the
    NOTIFY that wakes the relays when the transaction commits, naming the ids added
    ("first,last"), so a relay reads exactly those rows by primary key."""
    rows = [(e.event_id, e.stream, e.type, e.model_dump_json()) for e in events]
    if not rows:
        return 0
    ids, streams_, types, bodies = (list(col) for col in zip(*rows, strict=True))
    await conn.execute(
        "INSERT INTO outbox (event_id, stream, type, body)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])",
        ids,
        streams_,
        types,
        bodies,
    )
    return len(rows)


class OutboxRelay:
    """Publishes outbox rows to Redis Streams in batches, waking on NOTIFY.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so every replica can run a relay.
    A NOTIFY names the ids a transaction added: those are published by primary key. A scan
    for every unpublished row runs at start, after an interruption, on `wake()` and when no
    NOTIFY came for a poll interval: it catches rows whose NOTIFY was missed (relay down,
    a failed XADD rolled back). Unpublished rows are the ids in `outbox_pending`; publishing
    deletes them there, and the rows stay in `outbox` for the retention window: when Redis
    comes back empty (a new run_id), the window is queued again and consumers' inboxes drop
    duplicates.
    """

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        redis: aioredis.Redis,
        schema: str,
        settings: Settings,
        metrics: ServiceMetrics,
        publish: Any = None,
    ) -> None:
        self.pool = pool
        self.redis = redis
        self.schema = schema
        self.settings = settings
        self.metrics = metrics
        self._publish = publish
        self._xadd_script = redis.register_script(XADD_MANY)
        self._wake = asyncio.Event()
        self._ranges: list[tuple[int, int]] = []
        self._scan = True
        self._stopping = False
        self._listen_conn: asyncpg.Connection | None = None
        self.backoff = Backoff()
        self._outage = OutageLog(
            log, f"outbox relay of {schema}", reminder_s=settings.outage_reminder_s
        )

    def wake(self) -> None:
        """Ask the relay to look for every unpublished row now."""
        self._scan = True
        self._wake.set()

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        first, _, last = payload.partition(",")
        if first.isdigit() and last.isdigit():
            self._ranges.append((int(first), int(last)))
        else:  # a NOTIFY without ids (another writer): look at everything
            self._scan = True
        self._wake.set()

    def stop(self) -> None:
        """Finish the current batch, then stop."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Relay until stopped, surviving PostgreSQL and Redis outages."""
        while not self._stopping:
            try:
                await self._listen()
                await self._loop()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = self.backoff.next()
                self._outage.failed(exc)  # one line per outage, not per retry
                await self._unlisten()
                await asyncio.sleep(delay)
        await self._unlisten()

    async def _listen(self) -> None:
        if self._listen_conn is not None and not self._listen_conn.is_closed():
            return
        conn = await asyncpg.connect(self.settings.database_url)
        await conn.add_listener(channel_of(self.schema), self._notified)
        # A lost LISTEN connection must not leave the relay asleep until its next poll.
        conn.add_termination_listener(lambda _conn: self._wake.set())
        self._listen_conn = conn

    async def _unlisten(self) -> None:
        conn, self._listen_conn = self._listen_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)

    async def _loop(self) -> None:
        poll_s = self.settings.outbox_poll_ms / 1000
        self._scan = True  # whatever was left unpublished while the relay was away
        while not self._stopping:
            if self._listen_conn is None or self._listen_conn.is_closed():
                raise ConnectionError("LISTEN connection lost")
            self._wake.clear()
            if self._ranges:
                await self._publish_notified()
            if self._scan:
                self._scan = False
                if await self.publish_batch() >= self.settings.outbox_batch_size:
                    self._scan = True  # more left: go on at once
            self.backoff.reset()  # PostgreSQL and Redis answered: the next outage starts short
            self._outage.recovered()
            if self._ranges or self._scan:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), poll_s)
            except TimeoutError:
                # No NOTIFY for a poll interval: one look whether anything waits (rows a
                # replica claimed and lost by dying before its commit), the scan only then.
                self._scan = await self.anything_pending()

    async def _publish_notified(self) -> None:
        """Publish the rows the NOTIFYs received so far named, as one id range."""
        ranges, self._ranges = self._ranges, []
        first, last = min(r[0] for r in ranges), max(r[1] for r in ranges)
        try:
            while await self.publish_batch(first, last) >= self.settings.outbox_batch_size:
                pass
        except BaseException:
            self._scan = True  # the range is not remembered: the scan finds what is left
            raise

    async def publish_batch(self, first: int | None = None, last: int | None = None) -> int:
        """Publish up to one batch of unpublished rows (those with ids from `first` to
        `last`, or any); returns how many were sent."""
        where = ""
        args: list[Any] = [self.settings.outbox_batch_size]
        if first is not None and last is not None:
            where = " WHERE id BETWEEN $2 AND $3"
            args += [first, last]
        async with self.pool.acquire() as conn, conn.transaction():
            # Claimed and marked in one statement; XADD happens before the commit, so a
            # failed publish rolls the mark back and the rows are tried again.
            rows = await conn.fetch(
                "WITH claimed AS (DELETE FROM outbox_pending WHERE id IN (SELECT id"
                f" FROM outbox_pending{where} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)"
                " RETURNING id) SELECT o.id, o.stream, o.type, o.body FROM claimed"
                " JOIN outbox o USING (id)",
                *args,
            )
            if not rows:
                if first is None:
                    self.metrics.outbox_backlog.labels(self.schema).set(0)
                return 0
            rows.sort(key=lambda r: r["id"])  # RETURNING has no order; streams keep id order
            await self._xadd(rows)
        counts: dict[tuple[str, str], int] = {}
        for r in rows:
            counts[r["stream"], r["type"]] = counts.get((r["stream"], r["type"]), 0) + 1
        for (stream, type_), n in counts.items():
            self.metrics.events_published.labels(self.schema, stream, type_).inc(n)
        return len(rows)

    async def _xadd(self, rows: list[asyncpg.Record]) -> None:
        if self._publish is not None:
            async with self.redis.pipeline(transaction=False) as pipe:
                for r in rows:
                    await self._publish(r["body"], r["stream"], r["type"], pipe)
                await pipe.execute()
            return
        by_stream: dict[str, list[str]] = {}
        for r in rows:
            by_stream.setdefault(r["stream"], []).extend((r["type"], r["body"]))
        for stream, args in by_stream.items():
            await self._xadd_script(keys=[stream], args=[self.settings.stream_maxlen, *args])

    async def _queue_window(self, conn: asyncpg.Connection) -> int:
        status = await conn.execute(
            "INSERT INTO outbox_pending (id) SELECT id FROM outbox"
            " WHERE created_at > now() - make_interval(secs => $1) ON CONFLICT DO NOTHING",
            self.settings.outbox_retention_days * 86400,
        )
        return int(status.split()[-1])

    async def known_redis_epoch(self) -> str | None:
        """The Redis epoch (see `shared.redis_watch`) this service last published into."""
        async with self.pool.acquire() as conn:
            value = await conn.fetchval(f"SELECT value FROM relay_state WHERE key = '{EPOCH}'")
        return None if value is None else str(value)

    async def adopt_redis_epoch(self, epoch: str) -> None:
        """Remember the first epoch this service sees (nothing to republish into it)."""
        async with self.pool.acquire() as conn:
            await conn.execute(
                f"INSERT INTO relay_state (key, value) VALUES ('{EPOCH}', $1)"
                " ON CONFLICT (key) DO NOTHING",
                epoch,
            )

    async def republish_into(self, old: str, new: str) -> int | None:
        """Move this service from epoch `old` to `new` and queue its retention window, in one
        transaction; None when another replica already did (so the window goes out once)."""
        async with self.pool.acquire() as conn, conn.transaction():
            moved = await conn.execute(
                f"UPDATE relay_state SET value = $2 WHERE key = '{EPOCH}' AND value = $1",
                old,
                new,
            )
            if moved != "UPDATE 1":
                return None
            count = await self._queue_window(conn)
        log.warning("Redis lost its data: republishing %d retained events", count)
        self.wake()
        return count

    async def prune(self) -> int:
        """Delete what is older than the retention window, in small batches: published
        outbox rows, inbox rows (kept twice as long), failed attempts and Idempotency-Key
        answers; how many."""
        secs = self.settings.outbox_retention_days * 86400
        batch = self.settings.outbox_prune_batch_size
        total = 0
        for statement, keep in (
            (PRUNE_OUTBOX, secs),
            (PRUNE_INBOX, 2 * secs),
            (PRUNE_FAILED, secs),
            (idempotency.PRUNE, secs),
        ):
            while not self._stopping:
                async with self.pool.acquire() as conn:
                    status = await conn.execute(statement, keep, batch)
                done = int(status.split()[-1])
                total += done
                if done < batch:
                    break
        return total

    async def anything_pending(self) -> bool:
        """Whether any row waits to be published (one statement, no transaction)."""
        async with self.pool.acquire() as conn:
            found = await conn.fetchval("SELECT EXISTS (SELECT FROM outbox_pending)")
        if not found:
            self.metrics.outbox_backlog.labels(self.schema).set(0)
        return bool(found)

    async def backlog(self) -> int:
        """Rows waiting to be published."""
        async with self.pool.acquire() as conn:
            n = await conn.fetchval("SELECT count(*) FROM outbox_pending")
        self.metrics.outbox_backlog.labels(self.schema).set(n)
        return int(n)
