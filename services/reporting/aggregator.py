"""Keeps the figure store up to date: each participant's contribution recomputed from their
facts when they change, and the cube's sums moved by the difference.

The consumer only notes which participants changed (`figure_dirty`, one statement per batch);
a round here takes the notes, loads those participants' facts, evaluates the pure rules
(`domain.contributions`) and writes the difference, in one transaction under an advisory lock
(one writer of the sums at a time, so replicas never contend on them). A background loop runs
rounds; every query first runs the rounds for what is noted, so it sees every committed event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from uuid import UUID

import asyncpg

from services.reporting.domain import layout
from services.reporting.domain.contributions import Contribution, contribution
from services.reporting.domain.sums import Placed, cube_delta
from services.reporting.repository import figure_bulk as bulk
from services.reporting.repository import figure_store as store
from services.reporting.repository.erasure import hold_erasure_lock
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_facts
from shared.outage import DEFAULT_REMINDER_S, OutageLog

log = logging.getLogger("polku.reporting.aggregator")

ROUND_SIZE = 2000
"""Participants per round (bounds a round's memory and its transaction)."""
SETTLE_SECONDS = 2.0
"""How old a note is before the background job takes it (see `run_aggregator`)."""


async def aggregate_round(
    conn: asyncpg.Connection,
    settings: ReportingSettings,
    limit: int = ROUND_SIZE,
    up_to: int | None = None,
) -> int:
    """Recompute up to `limit` noted participants (those noted up to sequence number
    `up_to`, or any); returns how many (0: nothing noted)."""
    async with conn.transaction():
        await hold_erasure_lock(conn, exclusive=False)
        await store.hold_aggregator_lock(conn)
        if await store.stored_fingerprint(conn) != layout.fingerprint(settings):
            log.warning("figure store computed with other rules or layout: recomputing it")
            return await recompute_all(conn, settings)
        ids = await store.take_dirty(conn, limit, up_to)
        if ids:
            await recompute(conn, ids, settings)
        return len(ids)


async def recompute(conn: asyncpg.Connection, ids: list[UUID], settings: ReportingSettings) -> None:
    """Replace these participants' contributions and move the sums by the difference."""
    new = await contributions_of(conn, ids, settings)
    old = await store.stored_entries(conn, ids)
    added = [Placed(e, c.municipality, c.riskmask, c.organisations)
             for c in new.values() for e in c.entries]  # fmt: skip
    delta = cube_delta(old, added)
    await store.delete_contributions(conn, ids)
    await store.insert_contributions(conn, new)
    await store.add_to_cube(conn, delta.cube)
    await store.add_to_org_cube(conn, delta.org_cube)
    await store.add_filled(conn, delta.filled)


async def contributions_of(
    conn: asyncpg.Connection, ids: list[UUID], settings: ReportingSettings
) -> dict[UUID, Contribution]:
    """Each participant's contribution, from their facts."""
    return {f.participant_id: contribution(f, settings) for f in await load_facts(conn, ids)}


async def recompute_all(
    conn: asyncpg.Connection,
    settings: ReportingSettings,
    *,
    chunk: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The whole figure store from the fact tables (in the caller's transaction)."""
    await store.hold_aggregator_lock(conn)
    await store.truncate_figures(conn)
    total = await bulk.collect_participant_ids(conn)
    done, after = 0, None
    while ids := await bulk.next_participant_ids(conn, after, chunk):
        await store.insert_contributions(conn, await contributions_of(conn, ids, settings))
        done, after = done + len(ids), ids[-1]
        if progress is not None:
            progress(done, total)
    await bulk.build_cube(conn)
    await bulk.build_org_cube(conn)
    await bulk.build_filled(conn)
    await store.store_fingerprint(conn, layout.fingerprint(settings))
    return done


IDLE_POLL_S = 1.0
"""How often the aggregator looks for notes while none waits (else every `idle_seconds`)."""


async def catch_up(pool: asyncpg.Pool, settings: ReportingSettings) -> None:
    """Run rounds until everything noted before the call is aggregated."""
    async with pool.acquire() as conn:
        bound = await store.last_dirty(conn)
        current = await store.stored_fingerprint(conn) == layout.fingerprint(settings)
        while not current or (bound is not None and await store.has_dirty(conn, bound)):
            await aggregate_round(conn, settings)
            current = True


async def run_aggregator(
    pool: asyncpg.Pool,
    settings: ReportingSettings,
    idle_seconds: float = 0.2,
    settle_seconds: float = SETTLE_SECONDS,
    reminder_s: float = DEFAULT_REMINDER_S,
) -> None:
    """Background job: aggregate what the consumer notes, a round at a time.

    It takes a participant once their first note is `settle_seconds` old: the few events
    one intake causes (registered, case opened, worker or waiting list) arrive within that
    and are recomputed together, not once each. Queries do not wait for it (`catch_up`).
    """
    seen: deque[tuple[float, int]] = deque()  # (when, the newest note's seq then)
    outage = OutageLog(log, "aggregator's database", reminder_s=reminder_s)
    while True:
        done = 0
        try:
            async with pool.acquire() as conn:
                now = time.monotonic()
                newest = await store.last_dirty(conn)
                if newest is not None:
                    seen.append((now, newest))
                bound = None
                while seen and seen[0][0] <= now - settle_seconds:
                    bound = seen.popleft()[1]
                if bound is not None:
                    done = await aggregate_round(conn, settings, up_to=bound)
                    if done >= ROUND_SIZE:
                        seen.appendleft((now - settle_seconds, bound))  # more of it left
            outage.recovered()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outage.failed(exc)
        if done < ROUND_SIZE:
            # Nothing noted: look less often (a note waits `settle_seconds` anyway).
            await asyncio.sleep(idle_seconds if seen else max(idle_seconds, IDLE_POLL_S))
