"""Retention: closed case plans older than the retention period are anonymised by caseplan's
scheduled job; open plans and recently closed ones keep their link to the person."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest

from services.caseplan.main import DEFINITION, create_app
from services.caseplan.retention import RetentionSettings, anonymise_closed, cutoff, retention_job
from shared.settings import Settings


def test_the_cutoff_is_the_retention_period_before_today() -> None:
    assert cutoff(date(2026, 11, 23), 365) == date(2025, 11, 23)
    assert RetentionSettings().retention_days >= 365


def test_caseplan_runs_the_retention_job() -> None:
    assert retention_job in DEFINITION.background


@pytest.fixture
async def caseplan_db(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """A connection in caseplan's schema."""
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": "caseplan"})
    try:
        yield conn
    finally:
        await conn.close()


async def _plan(
    conn: asyncpg.Connection, *, status: str, exited_on: date | None
) -> tuple[UUID, UUID]:
    plan, pid = uuid4(), uuid4()
    await conn.execute(
        "INSERT INTO case_plan (case_plan_id, participant_id, municipality, opened_on,"
        " planned_end_on, status, exited_on, notes) VALUES ($1, $2, 'Rapla vald', $3, $3, $4, $5,"
        " 'sleeps badly')",
        plan,
        pid,
        date(2019, 1, 1),
        status,
        exited_on,
    )
    await conn.execute(
        "INSERT INTO goal (goal_id, case_plan_id, title, description) VALUES ($1, $2, 'Own flat',"
        " 'private words')",
        uuid4(),
        plan,
    )
    return plan, pid


async def test_old_closed_plans_are_anonymised_and_others_kept(
    caseplan_db: asyncpg.Connection,
) -> None:
    today = date(2026, 11, 23)
    old = await _plan(caseplan_db, status="closed", exited_on=today - timedelta(days=400))
    recent = await _plan(caseplan_db, status="closed", exited_on=today - timedelta(days=10))
    still_open = await _plan(caseplan_db, status="open", exited_on=None)

    assert await anonymise_closed(caseplan_db, cutoff(today, 365)) == 1
    assert await anonymise_closed(caseplan_db, cutoff(today, 365)) == 0  # done once

    rows = {
        r["case_plan_id"]: r
        for r in await caseplan_db.fetch(
            "SELECT c.case_plan_id, c.participant_id, c.notes, c.anonymised_at, g.title,"
            " g.description FROM case_plan c JOIN goal g USING (case_plan_id)"
        )
    }
    gone = rows[old[0]]
    assert gone["participant_id"] != old[1] and gone["anonymised_at"] is not None
    assert (gone["notes"], gone["title"], gone["description"]) == (None, "anonymised", None)
    for plan, pid in (recent, still_open):
        kept = rows[plan]
        assert kept["participant_id"] == pid and kept["notes"] == "sleeps badly"


async def test_the_running_service_anonymises_on_its_schedule(
    settings: Settings, caseplan_db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_CASEPLAN_RETENTION_DAYS", "30")
    monkeypatch.setenv("POLKU_CASEPLAN_RETENTION_INTERVAL_S", "0.1")
    plan, pid = await _plan(
        caseplan_db, status="closed", exited_on=date.today() - timedelta(days=31)
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        for _ in range(100):
            now = await caseplan_db.fetchval(
                "SELECT participant_id FROM case_plan WHERE case_plan_id = $1", plan
            )
            if now != pid:
                break
            await asyncio.sleep(0.05)
    assert now != pid
