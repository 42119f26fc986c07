"""Failed attempts: counted per event in PostgreSQL, dead-lettered after the last one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import asyncpg

from shared.events.envelope import Envelope
from shared.logs import event_context
from shared.messaging.connections import Connections
from shared.messaging.dead_letter import DeadLetterWriter
from shared.metrics import ServiceMetrics

if TYPE_CHECKING:
    from shared.outage import OutageLog

log = logging.getLogger("polku.messaging")


class RetryLater(Exception):
    """The event depends on something not yet seen (e.g. an update before its registration).

    The entry stays pending and is tried again after the claim idle time, up to the
    configured attempts, then dead-lettered. Never silently dropped.
    """


def failure_reason(exc: BaseException) -> str:
    """The dead-letter reason of an event whose attempts all failed with `exc`."""
    if isinstance(exc, RetryLater):
        return "prerequisite_missing"
    if isinstance(exc, TimeoutError | asyncpg.exceptions.QueryCanceledError):
        return "timed_out"
    return "handler_failed"


class FailedAttempts:
    """Counts an event's failed attempts and dead-letters it when they run out."""

    def __init__(
        self,
        conn: Connections,
        *,
        service: str,
        group: str,
        max_attempts: int,
        metrics: ServiceMetrics,
        outage: OutageLog,
        dead_letters: DeadLetterWriter,
        claim_idle_s: float = 5.0,
    ) -> None:
        self._conn = conn
        self.claim_idle_s = claim_idle_s
        self.service, self.group, self.max_attempts = service, group, max_attempts
        self.metrics, self._outage, self._dead_letters = metrics, outage, dead_letters

    async def record(
        self, stream: str, item: tuple[bytes, Envelope[Any]], exc: Exception
    ) -> list[bytes]:
        """Count one failed attempt; the entry's id if it was dead-lettered (settled), else []."""
        entry_id, env = item
        error = f"{type(exc).__name__}: {exc}"
        attempts = await self._count(str(env.event_id), error)
        retry = isinstance(exc, RetryLater)
        self._outage.recovered()  # the database answered: counted
        with event_context(env):
            log.log(
                logging.INFO if retry else logging.ERROR,
                "handling %s failed (attempt %d of %d): %s",
                env.type,
                attempts,
                self.max_attempts,
                error,
                exc_info=None if retry else exc,
            )
        if attempts < self.max_attempts:
            self.metrics.events_consumed.labels(self.service, stream, env.type, "failed").inc()
            self._conn.retry_after(self.claim_idle_s)
            return []  # stays pending; the claim loop tries again after the idle time
        reason = failure_reason(exc)
        fields = {b"__data__": env.model_dump_json().encode()}
        await self._dead_letters.write(stream, entry_id, fields, reason, error, attempts, env=env)
        return [entry_id]

    async def _count(self, key: str, error: str) -> int:
        async with self._conn.db().acquire() as conn:
            attempts: int = await conn.fetchval(
                "INSERT INTO failed_attempt (consumer, entry_key, attempts, last_error)"
                " VALUES ($1, $2, 1, $3) ON CONFLICT (consumer, entry_key) DO UPDATE"
                " SET attempts = failed_attempt.attempts + 1, last_error = $3, updated_at = now()"
                " RETURNING attempts",
                self.group,
                key,
                error[:2000],
            )
        return attempts
