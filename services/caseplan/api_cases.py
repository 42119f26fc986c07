"""An organisation's list of cases: each with its participant, worker, status and next step.

A support worker sees the cases their organisation holds (the plan's organisation or its
worker's), a municipality its participants' cases, an admin every case. Each line a support
worker sees carries a case receipt (`shared/case_receipts.py`) with which intake shows them
the participant's name. The people still waiting where the organisation works are on
`GET /v1/waiting-list`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.caseplan.commands import read, today
from services.caseplan.domain.next_step import NextStepKind, next_step
from services.caseplan.repository import cases
from shared import audit, case_receipts
from shared.auth import Allow, Principal
from shared.idempotent_route import IdempotentRoute
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

Viewer = Annotated[Principal, Allow("support_worker", "municipality", "admin")]
"""A support organisation (its cases), the municipality (its participants'), an admin."""


class NextStepOut(BaseModel):
    """What comes next in the case: a code, its day when it has one, the activity's type."""

    kind: NextStepKind
    on: date | None = None
    activity_type: str | None = None


class CaseLineOut(BaseModel):
    """One case in the list."""

    case_plan_id: UUID
    participant_id: UUID
    municipality: str
    status: Literal["open", "closed"]
    support_worker_id: UUID | None
    ready_for_matching: bool
    overdue: bool
    next_step: NextStepOut
    case_receipt: str | None = None
    """For a support worker: show it to intake to read the participant's name."""


class CasePage(BaseModel):
    """One page of cases; pass `next_after` as `after` for the next."""

    items: list[CaseLineOut]
    next_after: UUID | None


def _line(line: cases.CaseLine, receipt: str | None) -> CaseLineOut:
    plan = line.plan
    step = next_step(plan, planned=line.planned, in_placement=line.in_placement, today=today())
    return CaseLineOut(
        case_plan_id=plan.case_plan_id, participant_id=plan.participant_id,
        municipality=plan.municipality, status=plan.status.value,
        support_worker_id=plan.support_worker_id, ready_for_matching=plan.ready_for_matching,
        overdue=plan.is_overdue(today()),
        next_step=NextStepOut(kind=step.kind, on=step.on, activity_type=step.activity_type),
        case_receipt=receipt,
    )  # fmt: skip


@router.get("/case-plans")
async def list_case_plans(
    request: Request,
    pool: PoolDep,
    principal: Viewer,
    status: Literal["open", "closed"] | None = None,
    after: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CasePage:
    """The cases of the caller's organisation (or municipality), by case plan id, a page at
    a time, optionally only open or closed ones; each with its next step."""
    role = principal.role if principal else "admin"
    org = principal.organisation_id if principal and role == "support_worker" else None
    mun = (principal.municipality or "") if principal and role == "municipality" else None
    if role == "support_worker" and org is None:
        return CasePage(items=[], next_after=None)  # an organisation-less key holds no case
    found = await read(
        pool,
        lambda conn: cases.cases_of(
            conn, organisation_id=org, municipality=mun, status=status, after=after, limit=limit
        ),
    )
    secret = request.app.state.runtime.settings.id_hash_secret
    items = [
        _line(c, case_receipts.receipt(secret, c.plan.participant_id, org) if org else None)
        for c in found
    ]
    async with pool.acquire() as conn:
        await audit.record(
            conn, principal, "case_plan.listed", [i.participant_id for i in items], ["case_plan"]
        )
    full = len(items) == limit
    return CasePage(items=items, next_after=items[-1].case_plan_id if full else None)
