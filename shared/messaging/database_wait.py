"""Telling a database outage from a failed attempt, and waiting an outage out uncounted."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from shared.db import is_outage
from shared.messaging.connections import Connections
from shared.messaging.failures import RetryLater
from shared.outage import Backoff, OutageLog

log = logging.getLogger("polku.messaging")
PROBE_TIMEOUT_S = 5.0
"""How long the database may take to answer `SELECT 1` before a failure counts as an outage."""


class DatabaseWait:
    """Probes the database after a failure and backs off while it does not answer."""

    def __init__(self, conn: Connections, outage: OutageLog) -> None:
        self._conn = conn
        self.outage = outage

    async def is_outage(self, exc: Exception) -> bool:
        """An outage: the database cannot be reached. A statement that failed or timed out
        while the database answers is the event's failed attempt, never an outage."""
        if is_outage(exc):
            return True
        if isinstance(exc, RetryLater):
            return False  # the handler's own verdict: the database answered it
        return not await self.database_answers()

    async def database_answers(self) -> bool:
        """True if the database answers `SELECT 1` within `PROBE_TIMEOUT_S`."""
        pool = self._conn.db()
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S), pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
            return True
        except Exception:
            return False

    async def wait_for_database(self, exc: BaseException) -> int:
        """Back off until the database answers; 1 if it answered the first probe, else 0.
        Raises `exc` if the consumer is stopping (the entries stay pending for a live
        consumer: not a failed attempt)."""
        self.outage.failed(exc, outage=True)
        backoff, probes = Backoff(), 0
        while not self._conn.stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(backoff.next()):
                    await self._conn.stopped.wait()
            if self._conn.stopping:
                break
            probes += 1
            if await self.database_answers():
                return 1 if probes == 1 else 0
            self.outage.failed(exc, outage=True)
        raise exc
