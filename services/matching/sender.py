"""The background job that POSTs queued webhooks, retrying with exponential backoff."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from uuid import UUID

import aiohttp
import asyncpg
from prometheus_client import Counter

from services.matching.repository import webhook_deliveries
from services.matching.settings import MatchingSettings
from services.matching.webhook_resolver import RefusedAddress, webhook_connector
from services.matching.webhooks import SIGNATURE_HEADER, decrypt_secret, sign, url_reason
from shared.db import is_outage
from shared.events import streams
from shared.outage import Backoff, OutageLog
from shared.runtime import Runtime

log = logging.getLogger("polku.matching.webhooks")


_COUNTERS: dict[int, Counter] = {}
MAX_ANSWER_BYTES = 65536
"""What is read of a receiver's answer (only its status counts)."""


def deliveries_counter(runtime: Runtime) -> Counter:
    """`polku_matching_webhook_attempts_total{outcome}` in this runtime's metrics registry."""
    registry = runtime.metrics.registry
    if id(registry) not in _COUNTERS:
        _COUNTERS[id(registry)] = Counter(
            "polku_matching_webhook_attempts",
            "Webhook delivery attempts by outcome (delivered, retry, dead)",
            ["outcome"],
            registry=registry,
        )
    return _COUNTERS[id(registry)]


def backoff_s(settings: MatchingSettings, attempts: int) -> float:
    """Delay before the next attempt after `attempts` failed ones: base * 2^(attempts-1)."""
    return float(settings.webhook_backoff_s * 2 ** (attempts - 1))


def make_webhook_sender(settings: MatchingSettings) -> Callable[[Runtime], Awaitable[None]]:
    """The background job: send deliveries as they are queued, until the service stops."""

    async def webhook_sender(runtime: Runtime) -> None:
        # aiohttp, not httpx: about 0.2 ms of CPU per POST against httpx's 1-3 ms (bench/README.md)
        connector = webhook_connector(
            limit=settings.webhook_concurrency, allow_private=settings.allow_private_webhooks
        )
        timeout = aiohttp.ClientTimeout(total=settings.webhook_timeout_s)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
            await WebhookSender(runtime, settings, client).run()

    return webhook_sender


class WebhookSender:
    """Sends due deliveries with at most `webhook_concurrency` in flight.

    It wakes on the NOTIFY that the transaction queueing deliveries sends at its commit (from
    any replica), when a slot frees while deliveries were waiting for one, and when the next
    retry falls due; `webhook_interval_s` is only the fallback look (a lost NOTIFY, a retry
    another replica scheduled and did not live to send)."""

    def __init__(
        self, runtime: Runtime, settings: MatchingSettings, client: aiohttp.ClientSession
    ) -> None:
        self.runtime, self.settings, self.client = runtime, settings, client
        self.wake = asyncio.Event()
        self.in_flight: set[asyncio.Task[None]] = set()
        self.saturated = False
        self.delivered = DeliveredMarks(runtime.db)
        self._listener: asyncpg.Connection | None = None
        reminder_s = runtime.settings.outage_reminder_s
        self.outage = OutageLog(log, "webhook sender's database", reminder_s=reminder_s)

    async def run(self) -> None:
        """Send until cancelled."""
        backoff = Backoff(cap=max(5.0, self.settings.webhook_interval_s))
        try:
            while True:
                try:
                    await self._listen()
                    if await self.send_round():
                        continue  # every slot was filled: more may be due
                    timeout = await self._idle_timeout()  # a freed slot wakes it when full
                    self.outage.recovered()
                    backoff.reset()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self.outage.failed(exc)
                    await self._unlisten()
                    # The lost listener's termination set `wake`: left set, every wait
                    # would return at once and the loop would spin while the database is down.
                    self.wake.clear()
                    timeout = backoff.next()
                await _wait(self.wake, timeout)
        finally:
            await self._unlisten()
            for task in self.in_flight:
                task.cancel()  # their lease runs out and they are sent again

    async def send_round(self) -> bool:
        """Claim due deliveries for the free slots and start sending them; True when every
        free slot was filled."""
        self.wake.clear()
        free = self.settings.webhook_concurrency - len(self.in_flight)
        if free <= 0:
            self.saturated = True
            return False
        lease = self.settings.webhook_timeout_s * 2 + 5
        rows = await webhook_deliveries.claim_due(self.runtime.db, limit=free, lease_s=lease)
        for row in rows:
            task = asyncio.ensure_future(self._send(row))
            self.in_flight.add(task)
            task.add_done_callback(self._done)
        self.saturated = len(rows) == free
        return self.saturated

    async def _send(self, row: asyncpg.Record) -> None:
        try:
            outcome = await _deliver(
                self.runtime, self.settings, self.client, row, mark=self.delivered.mark
            )
            if outcome == "retry":
                self.wake.set()  # look again when the new retry falls due
        except Exception as exc:
            if is_outage(exc):  # its lease runs out and it is sent again
                self.outage.failed(exc)
            else:
                log.warning("webhook %s: %r", row["delivery_id"], exc)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        if self.saturated:
            self.wake.set()

    async def _idle_timeout(self) -> float:
        if self.saturated:
            return self.settings.webhook_interval_s
        due_in = await webhook_deliveries.next_due_in_s(self.runtime.db)
        if due_in is None:
            return self.settings.webhook_interval_s
        return max(0.0, min(self.settings.webhook_interval_s, due_in))

    async def _listen(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        conn = await asyncpg.connect(self.runtime.settings.database_url)
        await conn.add_listener(webhook_deliveries.CHANNEL, lambda *_: self.wake.set())
        conn.add_termination_listener(lambda _conn: self.wake.set())
        self._listener = conn

    async def _unlisten(self) -> None:
        conn, self._listener = self._listener, None
        if conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await conn.close()


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Wait for `event` at most `seconds`. Not `asyncio.wait_for`: on Python 3.11 it
    returns the result instead of raising when a cancellation meets an event already set,
    so the task never stopped (`asyncio.timeout` lets the cancellation through)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()


class DeliveredMarks:
    """Marks deliveries delivered in as few UPDATEs as the rate allows: whoever comes while
    one is in flight waits for the next, which carries them all."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._pending: list[UUID] = []
        self._next: asyncio.Future[None] | None = None
        self._running = False
        self._flushing: asyncio.Future[None] | None = None

    async def mark(self, delivery_id: UUID) -> None:
        """Record one delivery as delivered; returns once it is committed."""
        self._pending.append(delivery_id)
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        committed = self._next
        if not self._running:
            self._running = True
            self._flushing = asyncio.ensure_future(self._flush())
        await committed

    async def _flush(self) -> None:
        try:
            while self._pending:
                ids, committed = self._pending, self._next
                self._pending, self._next = [], None
                assert committed is not None
                try:
                    await webhook_deliveries.mark_delivered_many(self.pool, ids)
                    committed.set_result(None)
                except Exception as exc:  # each waiter logs it; the lease sends them again
                    committed.set_exception(exc)
        finally:
            self._running = False


@functools.lru_cache(maxsize=4096)
def _unsealed(key_b64: str, stored: str, organisation_id: UUID) -> str:
    return decrypt_secret(key_b64, stored, organisation_id)


def _signing_secret(key_b64: str, row: asyncpg.Record) -> str:
    """The organisation's signing secret, unsealed once per stored value (not per POST)."""
    return _unsealed(key_b64, row["webhook_secret"], row["organisation_id"])


async def _post(
    runtime: Runtime, settings: MatchingSettings, client: aiohttp.ClientSession, row: asyncpg.Record
) -> str | None:
    url = row["webhook_url"]
    if not url:
        return "the organisation has no webhook URL any more"
    # a host name is resolved and checked once, by the connector's resolver, as it connects
    refused = url_reason(url, allow_private=settings.allow_private_webhooks)
    if refused:
        return refused
    secret = _signing_secret(runtime.settings.encryption_key, row)
    body = row["body"].encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        "Polku-Delivery": str(row["delivery_id"]),
        "Polku-Event": row["event_type"],
        "User-Agent": "polku-matching-webhooks/1",
    }
    try:
        async with client.post(url, data=body, headers=headers, allow_redirects=False) as response:
            await response.content.read(MAX_ANSWER_BYTES)  # a longer answer closes the connection
            status = response.status
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, RefusedAddress):
            return str(exc.os_error)
        return f"{type(exc).__name__}: {exc}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= status < 300:
        return None
    return f"receiver answered HTTP {status}"


async def _deliver(
    runtime: Runtime,
    settings: MatchingSettings,
    client: aiohttp.ClientSession,
    row: asyncpg.Record,
    *,
    mark: Callable[[UUID], Awaitable[None]],
) -> str:
    """One attempt; returns its outcome: delivered, retry or dead."""
    error = await _post(runtime, settings, client, row)
    delivery_id, attempts = row["delivery_id"], row["attempts"]
    if error is None:
        await mark(delivery_id)
        deliveries_counter(runtime).labels("delivered").inc()
        return "delivered"
    if attempts < settings.webhook_max_attempts:
        retry = backoff_s(settings, attempts)
        await webhook_deliveries.mark_failed(runtime.db, delivery_id, error=error, retry_in_s=retry)
        deliveries_counter(runtime).labels("retry").inc()
        log.info(
            "webhook %s attempt %d failed (%s); retry in %.1fs", delivery_id, attempts, error, retry
        )
        return "retry"
    await webhook_deliveries.mark_failed(runtime.db, delivery_id, error=error, retry_in_s=None)
    deliveries_counter(runtime).labels("dead").inc()
    await _dead_letter(runtime, row, error)
    return "dead"


async def _dead_letter(runtime: Runtime, row: asyncpg.Record, error: str) -> None:
    assert runtime.redis is not None
    record = {
        "stream": "webhook",
        "entry_id": str(row["delivery_id"]),
        "consumer": "matching.webhooks",
        "reason": "webhook_failed",
        "error": error[:2000],
        "attempts": str(row["attempts"]),
        "event_type": row["event_type"],
        "event_id": str(row["delivery_id"]),
        "dead_lettered_at": datetime.now(UTC).isoformat(),
        "fields": json.dumps(
            {"organisation_id": str(row["organisation_id"]), "match_id": str(row["match_id"])}
        ),
    }
    await runtime.redis.xadd(streams.DEAD_LETTER, record, maxlen=100_000, approximate=True)  # type: ignore[arg-type]
    runtime.metrics.dead_lettered.labels("matching", "webhook", "webhook_failed").inc()
    log.error(
        "webhook %s dead-lettered after %d attempts: %s", row["delivery_id"], row["attempts"], error
    )
