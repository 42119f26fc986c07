"""Storage of case plans, support workers and the waiting list."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain.case_plan import CasePlan, CasePlanStatus, ClosedBecause
from services.caseplan.domain.workers import SupportWorker, WaitingEntry
from shared.events.vocabulary import (
    ExitOutcome,
    FollowUpOutcome,
    OpeningKind,
)

ASSIGNMENT_LOCK = 0x43415345  # "CASE": one lock for every decision that uses caseload capacity

Conn: TypeAlias = asyncpg.Connection


def _opt(kind: Any, value: Any) -> Any:
    return None if value is None else kind(value)


async def lock_assignment(conn: Conn) -> None:
    """Serialise capacity decisions across replicas until this transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", ASSIGNMENT_LOCK)


# -- case plans ---------------------------------------------------------------------------
def _case_plan(r: asyncpg.Record) -> CasePlan:
    return CasePlan(
        case_plan_id=r["case_plan_id"],
        participant_id=r["participant_id"],
        municipality=r["municipality"],
        opened_on=r["opened_on"],
        planned_end_on=r["planned_end_on"],
        status=CasePlanStatus(r["status"]),
        organisation_id=r["organisation_id"],
        support_worker_id=r["support_worker_id"],
        ready_for_matching=r["ready_for_matching"],
        opening_kinds=tuple(OpeningKind(k) for k in r["opening_kinds"]),
        closed_because=_opt(ClosedBecause, r["closed_because"]),
        exit_outcome=_opt(ExitOutcome, r["exit_outcome"]),
        exited_on=r["exited_on"],
        follow_up_due_on=r["follow_up_due_on"],
        follow_up_outcome=_opt(FollowUpOutcome, r["follow_up_outcome"]),
        followed_up_on=r["followed_up_on"],
        languages=tuple(r["languages"]),
        consent_withdrawals=_withdrawals(r["consent_withdrawals"]),
    )


def _withdrawals(stored: str) -> tuple[tuple[str, datetime], ...]:
    return tuple(
        (w["purpose"], datetime.fromisoformat(w["withdrawn_at"])) for w in json.loads(stored)
    )


def _stored_withdrawals(plan: CasePlan) -> str:
    return json.dumps(
        [{"purpose": p, "withdrawn_at": at.isoformat()} for p, at in plan.consent_withdrawals]
    )


async def insert_case_plans(conn: Conn, new: list[CasePlan]) -> set[UUID]:
    """Store new case plans; returns the ids of those stored (a participant keeps their first)."""
    rows = await conn.fetch(
        "INSERT INTO case_plan (case_plan_id, participant_id, municipality, organisation_id,"
        " opened_on, planned_end_on, languages) SELECT p.c, p.p, p.m, p.o, p.s, p.e,"
        " coalesce(array(SELECT jsonb_array_elements_text(p.l)), '{}') FROM unnest($1::uuid[],"
        " $2::uuid[], $3::text[], $4::uuid[], $5::date[], $6::date[], $7::jsonb[])"
        " AS p(c, p, m, o, s, e, l) ON CONFLICT (participant_id) DO NOTHING"
        " RETURNING case_plan_id",
        [p.case_plan_id for p in new],
        [p.participant_id for p in new],
        [p.municipality for p in new],
        [p.organisation_id for p in new],
        [p.opened_on for p in new],
        [p.planned_end_on for p in new],
        [json.dumps(list(p.languages)) for p in new],
    )
    return {r["case_plan_id"] for r in rows}


async def case_plan_of(conn: Conn, participant_id: UUID, *, lock: bool = False) -> CasePlan | None:
    """The participant's case plan (row-locked when `lock`)."""
    sql = "SELECT * FROM case_plan WHERE participant_id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, participant_id)
    return None if row is None else _case_plan(row)


async def case_plan_by_id(conn: Conn, case_plan_id: UUID, *, lock: bool = False) -> CasePlan | None:
    """One case plan by its id (row-locked when `lock`)."""
    sql = "SELECT * FROM case_plan WHERE case_plan_id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, case_plan_id)
    return None if row is None else _case_plan(row)


async def case_plans_by_ids(conn: Conn, case_plan_ids: list[UUID]) -> dict[UUID, CasePlan]:
    """Case plans by id, row-locked in id order (so two timesheets never deadlock)."""
    rows = await conn.fetch(
        "SELECT * FROM case_plan WHERE case_plan_id = ANY($1::uuid[]) ORDER BY case_plan_id"
        " FOR UPDATE",
        case_plan_ids,
    )
    return {r["case_plan_id"]: _case_plan(r) for r in rows}


async def save_case_plan(conn: Conn, plan: CasePlan) -> None:
    """Write a case plan's changeable state."""
    await conn.execute(
        "UPDATE case_plan SET municipality = $2, status = $3, support_worker_id = $4,"
        " ready_for_matching = $5, opening_kinds = $6, closed_because = $7, exit_outcome = $8,"
        " exited_on = $9, follow_up_due_on = $10, follow_up_outcome = $11, followed_up_on = $12,"
        " languages = $13, consent_withdrawals = $14::jsonb WHERE case_plan_id = $1",
        plan.case_plan_id,
        plan.municipality,
        plan.status.value,
        plan.support_worker_id,
        plan.ready_for_matching,
        [k.value for k in plan.opening_kinds],
        _opt(str, plan.closed_because),
        _opt(str, plan.exit_outcome),
        plan.exited_on,
        plan.follow_up_due_on,
        _opt(str, plan.follow_up_outcome),
        plan.followed_up_on,
        list(plan.languages),
        _stored_withdrawals(plan),
    )


async def assign_workers(conn: Conn, pairs: list[tuple[UUID, UUID]]) -> None:
    """Give each (case plan, support worker) pair's case to the worker."""
    if not pairs:
        return
    await conn.execute(
        "UPDATE case_plan c SET support_worker_id = p.worker FROM"
        " unnest($1::uuid[], $2::uuid[]) AS p(plan, worker) WHERE c.case_plan_id = p.plan",
        [p for p, _ in pairs],
        [w for _, w in pairs],
    )


async def remove_personal_notes(conn: Conn, case_plan_id: UUID) -> None:
    """Delete free-text notes written about the participant."""
    await conn.execute("UPDATE case_plan SET notes = NULL WHERE case_plan_id = $1", case_plan_id)
    await conn.execute("UPDATE goal SET description = NULL WHERE case_plan_id = $1", case_plan_id)
    await conn.execute("UPDATE activity SET note = NULL WHERE case_plan_id = $1", case_plan_id)


# -- support workers ----------------------------------------------------------------------
def _worker(r: asyncpg.Record) -> SupportWorker:
    return SupportWorker(
        support_worker_id=r["support_worker_id"],
        organisation_id=r["organisation_id"],
        municipalities=tuple(r["municipalities"]),
        languages=tuple(r["languages"]),
        caseload_limit=r["caseload_limit"],
        active=r["active"],
        caseload=r["caseload"],
        contact=r["contact"],
    )


async def save_worker(conn: Conn, w: SupportWorker) -> None:
    """Insert or update a support worker's details (the caseload is kept as stored)."""
    await conn.execute(
        "INSERT INTO support_worker (support_worker_id, organisation_id, municipalities,"
        " languages, caseload_limit, active, contact) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (support_worker_id) DO UPDATE SET organisation_id = $2,"
        " municipalities = $3, languages = $4, caseload_limit = $5, active = $6, contact = $7",
        w.support_worker_id,
        w.organisation_id,
        list(w.municipalities),
        list(w.languages),
        w.caseload_limit,
        w.active,
        w.contact,
    )


async def worker(conn: Conn, worker_id: UUID) -> SupportWorker | None:
    """One support worker."""
    row = await conn.fetchrow(
        "SELECT * FROM support_worker WHERE support_worker_id = $1", worker_id
    )
    return None if row is None else _worker(row)


async def workers(
    conn: Conn, *, active_only: bool = False, lock: bool = False
) -> list[SupportWorker]:
    """Support workers in the order they were added (the tie-break order)."""
    sql = "SELECT * FROM support_worker" + (" WHERE active" if active_only else "")
    sql += " ORDER BY seq" + (" FOR UPDATE" if lock else "")
    return [_worker(r) for r in await conn.fetch(sql)]


async def set_caseloads(conn: Conn, changed: list[SupportWorker]) -> None:
    """Store the caseloads of workers whose count changed."""
    if changed:
        await conn.execute(
            "UPDATE support_worker s SET caseload = c.load FROM"
            " unnest($1::uuid[], $2::int[]) AS c(id, load) WHERE s.support_worker_id = c.id",
            [w.support_worker_id for w in changed],
            [w.caseload for w in changed],
        )


async def release_case(conn: Conn, worker_id: UUID) -> None:
    """A worker's case closed: one case fewer."""
    await conn.execute(
        "UPDATE support_worker SET caseload = caseload - 1 WHERE support_worker_id = $1", worker_id
    )


# -- waiting list -------------------------------------------------------------------------
async def add_waiting(conn: Conn, waiting_plans: list[CasePlan]) -> None:
    """Put case plans on the waiting list, in the given order, each at most once."""
    if not waiting_plans:
        return
    await conn.execute(
        "INSERT INTO waiting_entry (case_plan_id, participant_id, municipality, organisation_id,"
        " languages) SELECT c, p, m, o, coalesce(array(SELECT jsonb_array_elements_text(l)),"
        " '{}') FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::jsonb[])"
        " WITH ORDINALITY AS w(c, p, m, o, l, n) ORDER BY n ON CONFLICT DO NOTHING",
        [p.case_plan_id for p in waiting_plans],
        [p.participant_id for p in waiting_plans],
        [p.municipality for p in waiting_plans],
        [p.organisation_id for p in waiting_plans],
        [json.dumps(list(p.languages)) for p in waiting_plans],
    )


async def waiting(
    conn: Conn, *, municipalities: list[str] | None = None, organisations: list[UUID] | None = None
) -> list[WaitingEntry]:
    """Everyone waiting (or only those in the given places), priority first then FIFO."""
    if municipalities is None and organisations is None:
        rows = await conn.fetch("SELECT * FROM waiting_entry ORDER BY NOT priority, seq")
    else:
        rows = await conn.fetch(
            "SELECT * FROM waiting_entry WHERE municipality = ANY($1::text[])"
            " OR organisation_id = ANY($2::uuid[]) ORDER BY NOT priority, seq",
            municipalities or [],
            organisations or [],
        )
    return [
        WaitingEntry(
            case_plan_id=r["case_plan_id"],
            participant_id=r["participant_id"],
            municipality=r["municipality"],
            seq=r["seq"],
            priority=r["priority"],
            organisation_id=r["organisation_id"],
            languages=tuple(r["languages"]),
        )
        for r in rows
    ]


async def remove_waiting(conn: Conn, case_plan_ids: list[UUID]) -> None:
    """Take case plans off the waiting list."""
    await conn.execute(
        "DELETE FROM waiting_entry WHERE case_plan_id = ANY($1::uuid[])", case_plan_ids
    )


async def update_waiting(
    conn: Conn,
    case_plan_id: UUID,
    *,
    municipality: str | None = None,
    priority: bool | None = None,
    languages: tuple[str, ...] | None = None,
) -> bool:
    """Change a waiting entry's municipality, priority or languages; False when not waiting."""
    status = await conn.execute(
        "UPDATE waiting_entry SET municipality = coalesce($2, municipality),"
        " priority = coalesce($3, priority), languages = coalesce($4, languages)"
        " WHERE case_plan_id = $1",
        case_plan_id,
        municipality,
        priority,
        None if languages is None else list(languages),
    )
    return bool(status.endswith(" 1"))


async def waiting_position(conn: Conn, case_plan_id: UUID) -> int | None:
    """1-based place in the waiting list, or None when not waiting."""
    value = await conn.fetchval(
        "SELECT pos FROM (SELECT case_plan_id, row_number() OVER (ORDER BY NOT priority, seq)"
        " AS pos FROM waiting_entry) w WHERE case_plan_id = $1",
        case_plan_id,
    )
    return None if value is None else int(value)
