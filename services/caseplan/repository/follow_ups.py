"""SQL of the follow-up job: closed cases whose follow-up fell due and was not told yet."""

from __future__ import annotations

import json
from datetime import date, datetime
from uuid import UUID

import asyncpg

from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.repository.plans import _case_plan


async def claim_untold(
    conn: asyncpg.Connection, *, since: date, today: date, limit: int
) -> list[tuple[CasePlan, UUID | None]]:
    """Plans whose follow-up fell due between `since` and `today`, not recorded, not told and
    may be contacted, never an erased or anonymised one, each with the organisation keeping
    it (its worker's); locked for this replica (others skip them)."""
    rows = await conn.fetch(
        "SELECT c.*, COALESCE(w.organisation_id, c.organisation_id) AS keeper FROM case_plan c"
        " LEFT JOIN support_worker w USING (support_worker_id) WHERE c.follow_up_told_at IS NULL"
        " AND c.follow_up_outcome IS NULL AND c.follow_up_due_on BETWEEN $1 AND $2"
        " AND c.anonymised_at IS NULL AND NOT c.consent_withdrawals @> $3::jsonb"
        " ORDER BY c.follow_up_due_on, c.case_plan_id LIMIT $4 FOR UPDATE OF c SKIP LOCKED",
        since,
        today,
        json.dumps([{"purpose": "follow_up"}]),
        limit,
    )
    return [(_case_plan(r), r["keeper"]) for r in rows]


async def mark_told(conn: asyncpg.Connection, case_plan_ids: list[UUID], at: datetime) -> None:
    await conn.execute(
        "UPDATE case_plan SET follow_up_told_at = $2 WHERE case_plan_id = ANY($1::uuid[])",
        case_plan_ids,
        at,
    )
