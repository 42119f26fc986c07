"""Storage reads behind an organisation's list of cases."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.next_step import Planned
from services.caseplan.repository.plans import _case_plan


@dataclass(frozen=True)
class CaseLine:
    """One case of the list: the plan, its earliest planned activity, a placement under way."""

    plan: CasePlan
    planned: Planned | None
    in_placement: bool


async def cases_of(
    conn: asyncpg.Connection,
    *,
    organisation_id: UUID | None,
    municipality: str | None,
    status: str | None,
    after: UUID | None,
    limit: int,
) -> list[CaseLine]:
    """Case plans held by the organisation (the plan's or its worker's) and/or of the
    municipality when given, by case plan id, after `after`, at most `limit`."""
    rows = await conn.fetch(
        "SELECT c.*, a.activity_type AS next_type, a.starts_on AS next_on,"
        " EXISTS (SELECT 1 FROM placement p WHERE p.case_plan_id = c.case_plan_id"
        "         AND p.status = 'active') AS in_placement"
        " FROM case_plan c LEFT JOIN support_worker w USING (support_worker_id)"
        " LEFT JOIN LATERAL (SELECT activity_type, starts_on FROM activity"
        "   WHERE case_plan_id = c.case_plan_id AND status = 'planned'"
        "   ORDER BY starts_on NULLS LAST, created_at LIMIT 1) a ON true"
        " WHERE ($1::uuid IS NULL OR c.organisation_id = $1 OR w.organisation_id = $1)"
        " AND ($2::text IS NULL OR c.municipality = $2)"
        " AND ($3::text IS NULL OR c.status = $3)"
        " AND ($4::uuid IS NULL OR c.case_plan_id > $4)"
        " ORDER BY c.case_plan_id LIMIT $5",
        organisation_id,
        municipality,
        status,
        after,
        limit,
    )
    return [
        CaseLine(
            plan=_case_plan(r),
            planned=None if r["next_type"] is None else Planned(r["next_type"], r["next_on"]),
            in_placement=r["in_placement"],
        )
        for r in rows
    ]
