"""Whose case plans, placements and workers a caller may touch (scope checks behind `Allow`).

A municipality sees the case plans of its own participants; a support worker the plans of
their organisation (the plan's organisation or its worker's); a workshop or employer only its
own placements; an admin everything. Out of scope answers 404 where existence would leak.
A `None` principal is an internal caller (no HTTP request: the CLI, a test): unscoped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.caseplan.domain.plausible import require_importable
from services.caseplan.domain.refusal import Refusal
from services.caseplan.repository import scopes
from shared import audit, history
from shared.auth import Principal


def importing(principal: Principal | None, today: date, **days: tuple[str, date | None]) -> bool:
    """True for a history import (a key with the `history` scope), whose days are first held
    to the import's rules (between the floor and today); an ordinary write keeps its own."""
    if not history.may_import(principal):
        return False
    require_importable(days, today=today)
    return True


def may_see_plan(principal: Principal | None, plan: Any) -> bool:
    """True when the caller may see this case plan (a row of `scopes.plan_scope`)."""
    if principal is None or principal.is_admin:
        return True
    if principal.role == "municipality":
        return bool(plan["municipality"] == principal.municipality)
    if principal.role == "support_worker":
        org = principal.organisation_id
        return org in (plan["organisation_id"], plan["worker_organisation"])
    return False


async def check_plan(
    pool: asyncpg.Pool,
    principal: Principal | None,
    *,
    participant_id: UUID | None = None,
    case_plan_id: UUID | None = None,
    action: str = "case_plan.read",
    imported: bool = False,
) -> None:
    """Refuse (404) a case plan outside the caller's scope; audit the access (`imported`:
    a history import's)."""
    # No transaction: one read, then one audit line committed on its own (the access is
    # audited whether or not the action then succeeds), two round trips instead of four.
    async with pool.acquire() as conn:
        plan = await scopes.plan_scope(
            conn, participant_id=participant_id, case_plan_id=case_plan_id
        )
        if plan is None:
            return  # the use case answers its own 404
        if not may_see_plan(principal, plan):
            raise Refusal("case_plan_not_found", "no such case plan", status=404)
        await audit.record(
            conn, principal, action, [plan["participant_id"]], ["case_plan"], imported=imported
        )


async def check_plans(
    pool: asyncpg.Pool, principal: Principal | None, case_plan_ids: Iterable[UUID], action: str
) -> set[UUID]:
    """Of these case plans, the ones the caller may act on; the access to them is audited."""
    ids = sorted(set(case_plan_ids))
    async with pool.acquire() as conn:  # as in check_plan: a read, then the audit lines
        rows = await scopes.plan_scopes(conn, ids)
        mine = [r for r in rows if may_see_plan(principal, r)]
        await audit.record(conn, principal, action, [r["participant_id"] for r in mine])
    return {r["case_plan_id"] for r in mine}


async def check_placement(
    pool: asyncpg.Pool,
    principal: Principal | None,
    placement_id: UUID,
    organisation_id: UUID,
    *,
    imported: bool = False,
) -> None:
    """A workshop or employer acts only on its own placements, in its own name (an admin on
    any: audited only when importing history)."""
    if principal is None or (principal.is_admin and not imported):
        return
    async with pool.acquire() as conn:  # as in check_plan: a read, then the audit line
        plan = await scopes.placement_scope(conn, placement_id)
        if plan is None:
            return
        if not principal.is_admin:
            _check_own_placement(principal, plan, organisation_id)
        await audit.record(
            conn, principal, "placement.changed", [plan["participant_id"]], imported=imported
        )


def _check_own_placement(principal: Principal, plan: Any, organisation_id: UUID) -> None:
    mine = plan["owner"] == principal.organisation_id or (
        principal.role == "support_worker" and may_see_plan(principal, plan)
    )
    if not mine:
        raise Refusal("placement_not_found", "no such placement", status=404)
    if principal.role != "support_worker" and organisation_id != principal.organisation_id:
        raise Refusal("other_organisation", "act in your own organisation's name", status=403)


async def check_placements(
    pool: asyncpg.Pool,
    principal: Principal | None,
    placement_ids: Iterable[UUID],
    organisation_id: UUID,
) -> set[UUID]:
    """Of these placements, the ones the caller may log on (as `check_placement` decides,
    in its organisation's name); the access to them is audited."""
    ids = sorted(set(placement_ids))
    if principal is None or principal.is_admin:
        return set(ids)
    if principal.role != "support_worker" and organisation_id != principal.organisation_id:
        raise Refusal("other_organisation", "act in your own organisation's name", status=403)
    async with pool.acquire() as conn:  # as in check_plan: a read, then the audit lines
        rows = await scopes.placement_scopes(conn, ids)
        mine = [
            r
            for r in rows
            if r["owner"] == principal.organisation_id
            or (principal.role == "support_worker" and may_see_plan(principal, r))
        ]
        await audit.record(
            conn, principal, "placement.changed", [r["participant_id"] for r in mine]
        )
    return {r["placement_id"] for r in mine}


async def check_meeting(
    pool: asyncpg.Pool, principal: Principal | None, meeting_id: UUID, action: str
) -> None:
    """A support worker's key acts only on its own organisation's meetings (404 otherwise);
    the access is audited when the meeting is with a participant."""
    async with pool.acquire() as conn:  # as in check_plan: a read, then the audit line
        row = await scopes.meeting_scope(conn, meeting_id)
        if row is None:
            return  # the use case answers its own 404
        mine = (
            principal is None
            or principal.is_admin
            or (
                principal.role == "support_worker"
                and row["organisation_id"] == principal.organisation_id
            )
        )
        if not mine:
            raise Refusal("meeting_not_found", "no such meeting", status=404)
        if row["participant_id"] is not None:
            await audit.record(conn, principal, action, [row["participant_id"]], ["meeting"])


def check_organisation(principal: Principal | None, organisation_id: UUID | None) -> None:
    """A support worker's key manages only its own organisation's workers (403 otherwise)."""
    if principal is None or principal.is_admin:
        return
    if organisation_id != principal.organisation_id:
        raise Refusal("other_organisation", "a key manages only its own organisation", status=403)


async def check_worker(pool: asyncpg.Pool, principal: Principal | None, worker_id: UUID) -> None:
    """A support worker's key sees only workers of its own organisation (404 otherwise)."""
    if principal is None or principal.is_admin:
        return
    async with pool.acquire() as conn:
        row = await scopes.worker_scope(conn, worker_id)
    if row is not None and row["organisation_id"] != principal.organisation_id:
        raise Refusal("support_worker_not_found", "no such support worker", status=404)
