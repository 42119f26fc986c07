"""Claiming what is left pending: idle entries of dead consumers and failed attempts
(XAUTOCLAIM, in a loop), and this consumer's own undelivered entries at a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import ResponseError

from shared.messaging.connections import Connections
from shared.messaging.entries import Entry, _entries_of
from shared.outage import OutageLog
from shared.settings import Settings

RETRY_MARGIN_S = 0.05
"""Past the moment an entry left pending becomes claimable, so XAUTOCLAIM sees it idle."""

Process = Callable[[str, list[Entry]], Awaitable[list[bytes]]]
Ack = Callable[[str, list[bytes]], Awaitable[None]]


class Claimer:
    """Reads pending entries of one consumer's streams and hands them to `process`."""

    def __init__(
        self,
        conn: Connections,
        *,
        group: str,
        consumer: str,
        settings: Settings,
        outage: OutageLog,
        streams: Callable[[], list[str]],
        process: Process,
        ack: Ack,
        ensure_groups: Callable[[], Awaitable[None]],
    ) -> None:
        self._conn = conn
        self.group, self.consumer, self.settings, self._outage = group, consumer, settings, outage
        self._streams, self._process, self._ack = streams, process, ack
        self._ensure_groups = ensure_groups

    async def claim_once(self) -> int:
        """Claim and process idle pending entries of every stream, in batches."""
        redis = self._conn.client()
        handled = 0
        for stream in self._streams():
            start = "0-0"
            while not self._conn.stopping:
                try:
                    next_id, entries, *_ = await redis.xautoclaim(
                        stream,
                        self.group,
                        self.consumer,
                        min_idle_time=self.settings.claim_idle_ms,
                        start_id=start,
                        count=self.settings.consumer_batch_size,
                    )
                except ResponseError as exc:
                    if "NOGROUP" in str(exc):
                        await self._ensure_groups()
                        break
                    raise
                handled += await self._settle(stream, entries)
                if next_id in (b"0-0", "0-0") or not entries:
                    break
                start = next_id
        return handled

    async def claim_loop(self) -> None:
        """Claim pending entries of dead consumers and failed attempts, until stopped.

        A pass that claimed something (or failed) is followed by the next after
        `claim_interval_ms`; a pass that found nothing by the next after `claim_idle_ms`
        (an entry left by a consumer that died is claimable only once that idle anyway, so
        it is claimed within twice the idle time at worst), or earlier when this process
        leaves an entry pending after a failed attempt: at the moment it becomes claimable.
        """
        busy = self.settings.claim_interval_ms / 1000
        idle = max(busy, self.settings.claim_idle_ms / 1000)
        while not self._conn.stopping:
            wait = busy
            try:
                if not await self.claim_once():
                    wait = idle
                self._outage.recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._outage.failed(exc)
            await self._wait(wait)

    async def _wait(self, seconds: float) -> None:
        """Sleep `seconds`, or until stopped, or until a retry this process scheduled is due."""
        conn = self._conn
        deadline = time.monotonic() + seconds
        while not conn.stopping:
            if conn.retry_at is not None:
                deadline = min(deadline, conn.retry_at + RETRY_MARGIN_S)
            left = deadline - time.monotonic()
            if left <= 0:
                break
            conn.nudged.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await conn.nudged.wait()
        if conn.retry_at is not None and conn.retry_at <= time.monotonic():
            conn.retry_at = None

    async def finish_own_pending(self) -> int:
        """Apply and acknowledge what this consumer was delivered but never handled."""
        redis = self._conn.client()
        handled = 0
        for stream in self._streams():
            after: bytes | str = "0"
            while True:
                answer: Any = await redis.xreadgroup(
                    self.group,
                    self.consumer,
                    {stream: after},
                    count=self.settings.consumer_batch_size,
                )
                entries = _entries_of(answer)
                if not entries:
                    break
                after = entries[-1][0]
                handled += await self._settle(stream, entries)
        return handled

    async def _settle(self, stream: str, entries: list[Entry]) -> int:
        """Acknowledge entries trimmed away, process the others; how many were processed."""
        trimmed = [eid for eid, fields in entries if not fields]
        if trimmed:  # deleted by MAXLEN; Redis 6.2 keeps them pending: settle them
            await self._ack(stream, trimmed)
        live = [(eid, fields) for eid, fields in entries if fields]
        if live:
            await self._process(stream, live)
        return len(live)
