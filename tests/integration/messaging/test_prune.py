"""Pruning on a schedule: each runtime deletes outbox rows, inbox rows and failed attempts
older than the retention window (a few seconds here), in small batches, and keeps younger ones."""

from __future__ import annotations

import time

import asyncpg
from messaging_probe import PROBE, SOURCE, commit_registration, effects, registered, running

from shared.settings import Settings
from tests.support.polling import eventually

RETENTION_S = 5.0


async def _counts(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            table: int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
            for table in ("probesource.outbox", "probe.inbox", "probe.failed_attempt")
        }
    finally:
        await conn.close()


async def test_rows_past_the_retention_window_are_pruned_on_schedule(
    probe_settings: Settings,
) -> None:
    s = probe_settings.model_copy(
        update={
            "outbox_retention_days": RETENTION_S / 86400,
            "outbox_prune_interval_s": 0.2,
            "outbox_prune_batch_size": 2,  # five rows: three batches per table
        }
    )
    old = [registered() for _ in range(5)]
    conn = await asyncpg.connect(s.database_url)
    try:
        await conn.execute(
            "INSERT INTO probe.failed_attempt (consumer, entry_key, attempts, last_error,"
            " updated_at) VALUES ('probe', 'gone', 1, 'x', now() - interval '1 hour')"
        )
    finally:
        await conn.close()
    async with running(SOURCE, s), running(PROBE, s):
        for event in old:
            await commit_registration(s.database_url, event)
        want = {e.payload.participant_id: 1 for e in old}
        await eventually(lambda: _is(effects(s.database_url), want), what="events handled")
        assert (await _counts(s.database_url))["probe.inbox"] == 5

        empty = dict.fromkeys(("probesource.outbox", "probe.inbox", "probe.failed_attempt"), 0)
        # The outbox after RETENTION_S, the inbox after twice that.
        await eventually(lambda: _is(_counts(s.database_url), empty), within=30, what="pruned")

        fresh = registered()
        committed = time.monotonic()
        await commit_registration(s.database_url, fresh)
        want[fresh.payload.participant_id] = 1
        await eventually(lambda: _is(effects(s.database_url), want), what="fresh event")
        counts = await _counts(s.database_url)
        assert time.monotonic() - committed < RETENTION_S, "too slow to tell young from old"
        assert counts["probesource.outbox"] == 1 and counts["probe.inbox"] == 1


async def _is(value: object, want: object) -> bool:
    return await value == want  # type: ignore[misc,no-any-return]
