"""Applying a batch of decoded events: one transaction holding the inbox insert, the handlers'
effects and the events they emit; a spoiled batch is split so each event stands alone."""

from __future__ import annotations

import logging
import time
from itertools import groupby
from typing import Any

import asyncpg

from shared import outbox
from shared.db import is_outage
from shared.events.envelope import Envelope
from shared.logs import event_context
from shared.messaging.connections import Connections
from shared.messaging.database_wait import DatabaseWait
from shared.messaging.failures import FailedAttempts
from shared.messaging.routes import Routes
from shared.metrics import ServiceMetrics

events_log = logging.getLogger("polku.events")


def _log_handled(stream: str, fresh: list[Envelope[Any]]) -> None:
    """One INFO line per committed batch, so one intake can be followed with grep: a lone
    event's line carries its event_id and correlation_id; a batch lists its correlation ids."""
    if len(fresh) == 1:
        with event_context(fresh[0]):
            events_log.info("handled %s from %s", fresh[0].type, stream)
        return
    ids = " ".join(dict.fromkeys(str(e.correlation_id) for e in fresh))
    events_log.info("handled %d events from %s; correlation ids: %s", len(fresh), stream, ids)


class BatchApplier:
    """Applies decoded events exactly once, waiting out outages and isolating a bad event."""

    def __init__(
        self,
        conn: Connections,
        *,
        service: str,
        group: str,
        max_attempts: int,
        metrics: ServiceMetrics,
        routes: Routes,
        database: DatabaseWait,
        failures: FailedAttempts,
    ) -> None:
        self._conn = conn
        self.service, self.group, self.max_attempts = service, group, max_attempts
        self.metrics, self._routes = metrics, routes
        self._database, self._failures = database, failures

    async def apply_with_isolation(
        self, stream: str, batch: list[tuple[bytes, Envelope[Any]]]
    ) -> list[bytes]:
        """Apply the batch; the ids of the entries it settled (applied or dead-lettered)."""
        answered = 0  # "outages" after which the database answered at once
        while True:
            try:
                await self._apply(stream, [env for _, env in batch])
                self._database.outage.recovered()
                return [entry_id for entry_id, _ in batch]
            except Exception as exc:
                if await self._database.is_outage(exc):
                    answered += await self._database.wait_for_database(exc)
                    if answered <= self.max_attempts:
                        continue  # else a connection error the batch itself causes: an attempt
                if len(batch) == 1:
                    try:
                        return await self._failures.record(stream, batch[0], exc)
                    except Exception as lost:  # the database went away meanwhile
                        if not is_outage(lost):
                            raise
                        await self._database.wait_for_database(lost)
                        continue
                break
        # One event spoiled the batch: apply each alone, so the others go through.
        settled: list[bytes] = []
        for item in batch:
            settled += await self.apply_with_isolation(stream, [item])
        return settled

    async def _apply(self, stream: str, events: list[Envelope[Any]]) -> None:
        started = time.perf_counter()
        async with self._conn.db().acquire() as conn, conn.transaction():
            fresh = await self._inbox_claim(conn, events)
            emitted: list[Envelope[Any]] = []
            # Stream order: consecutive events for one handler go together, never regrouped
            # by type (an erasure must not overtake the registration before it).
            for _, run in groupby(fresh, key=self._routes.handler_of):
                envs = list(run)
                emitted += await self._routes.dispatch(conn, envs[0].type, envs)
            if emitted:
                await outbox.record(conn, emitted)
        self.metrics.handler_seconds.labels(self.service, stream).observe(
            time.perf_counter() - started
        )
        self._count(stream, events, fresh)
        if fresh:
            _log_handled(stream, fresh)

    def _count(self, stream: str, events: list[Envelope[Any]], fresh: list[Envelope[Any]]) -> None:
        fresh_ids = {e.event_id for e in fresh}
        outcomes: dict[tuple[str, str], int] = {}
        for env in events:
            outcome = "processed" if env.event_id in fresh_ids else "duplicate"
            fresh_ids.discard(env.event_id)
            outcomes[env.type, outcome] = outcomes.get((env.type, outcome), 0) + 1
        for (type_, outcome), n in outcomes.items():
            self.metrics.events_consumed.labels(self.service, stream, type_, outcome).inc(n)

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
