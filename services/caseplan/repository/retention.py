"""Storage of retention: closed case plans cut from the person."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg


async def closed_before(conn: asyncpg.Connection, before: date) -> list[UUID]:
    """Closed plans not yet anonymised whose last day is before `before`, locked."""
    rows = await conn.fetch(
        "SELECT case_plan_id FROM case_plan WHERE status = 'closed' AND anonymised_at IS NULL"
        " AND coalesce(followed_up_on, exited_on, planned_end_on) < $1 FOR UPDATE",
        before,
    )
    return [r["case_plan_id"] for r in rows]


async def anonymise(conn: asyncpg.Connection, case_plan_ids: list[UUID]) -> None:
    """A fresh random participant id on the plans and placements; free text removed."""
    ids = case_plan_ids
    await conn.execute(
        "UPDATE case_plan SET participant_id = gen_random_uuid(), notes = NULL,"
        " anonymised_at = now() WHERE case_plan_id = ANY($1::uuid[])",
        ids,
    )
    await conn.execute(
        "UPDATE goal SET title = 'anonymised', description = NULL"
        " WHERE case_plan_id = ANY($1::uuid[])",
        ids,
    )
    await conn.execute("UPDATE activity SET note = NULL WHERE case_plan_id = ANY($1::uuid[])", ids)
    await conn.execute(
        "UPDATE placement p SET participant_id = c.participant_id FROM case_plan c"
        " WHERE p.case_plan_id = c.case_plan_id AND c.case_plan_id = ANY($1::uuid[])",
        ids,
    )
