"""Read-model writes for the caseplan service's events (commutative upserts)."""

from __future__ import annotations

import asyncpg

from services.reporting.repository.projection import Events


async def caseplan_opened(conn: asyncpg.Connection, events: Events) -> None:
    """A case plan opened; a later re-entry's plan replaces an earlier one."""
    await conn.executemany(
        "INSERT INTO case_fact (participant_id, case_plan_id, opened_on) VALUES ($1, $2, $3)"
        " ON CONFLICT (participant_id) DO UPDATE SET case_plan_id = EXCLUDED.case_plan_id,"
        " opened_on = EXCLUDED.opened_on"
        " WHERE case_fact.opened_on IS NULL OR case_fact.opened_on <= EXCLUDED.opened_on",
        [(e.payload.participant_id, e.payload.case_plan_id, e.payload.opened_on) for e in events],
    )


async def worker_assigned(conn: asyncpg.Connection, events: Events) -> None:
    """The latest support worker assignment of a participant's case."""
    await conn.executemany(
        "INSERT INTO case_fact (participant_id, case_plan_id, support_worker_id,"
        " organisation_id, assigned_on) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (participant_id) DO UPDATE SET support_worker_id = $3,"
        " organisation_id = $4, assigned_on = $5"
        " WHERE case_fact.assigned_on IS NULL OR case_fact.assigned_on <= $5",
        [
            (
                p.participant_id,
                p.case_plan_id,
                p.support_worker_id,
                p.organisation_id,
                p.assigned_on,
            )
            for p in (e.payload for e in events)
        ],
    )
    await _worker_limits(conn, events)


async def _worker_limits(conn: asyncpg.Connection, events: Events) -> None:
    """Each worker's own caseload limit: the latest assignment's (a tie: the higher limit)."""
    await conn.executemany(
        "INSERT INTO worker_limit (support_worker_id, caseload_limit, as_of) VALUES ($1, $2, $3)"
        " ON CONFLICT (support_worker_id) DO UPDATE SET caseload_limit = $2, as_of = $3"
        " WHERE (worker_limit.as_of, worker_limit.caseload_limit) < ($3, $2)",
        [
            (p.support_worker_id, p.caseload_limit, p.assigned_on)
            for p in (e.payload for e in events)
            if p.caseload_limit is not None
        ],
    )


async def waitlisted(conn: asyncpg.Connection, events: Events) -> None:
    """The participant joined the waiting list (the latest date wins)."""
    await conn.executemany(
        "INSERT INTO case_fact (participant_id, case_plan_id, waitlisted_on, priority)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (participant_id) DO UPDATE"
        " SET waitlisted_on = $3, priority = $4"
        " WHERE case_fact.waitlisted_on IS NULL OR case_fact.waitlisted_on <= $3",
        [
            (p.participant_id, p.case_plan_id, p.waitlisted_on, p.priority)
            for p in (e.payload for e in events)
        ],
    )


async def ready_for_matching(conn: asyncpg.Connection, events: Events) -> None:
    """The participant was marked ready to be matched (only noted if the case is known)."""
    await conn.executemany(
        "UPDATE case_fact SET ready_for_matching_at = $2 WHERE participant_id = $1",
        [(e.payload.participant_id, e.occurred_at) for e in events],
    )


async def activity_recorded(conn: asyncpg.Connection, events: Events) -> None:
    """An activity's newest state (by when it was recorded)."""
    await conn.executemany(
        "INSERT INTO activity_fact (activity_id, participant_id, activity_type, status,"
        " organisation_id, starts_on, ends_on, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
        " ON CONFLICT (activity_id) DO UPDATE SET status = $4, organisation_id = $5,"
        " starts_on = $6, ends_on = $7, recorded_at = $8"
        " WHERE activity_fact.recorded_at <= $8",
        [
            (
                e.payload.activity_id,
                e.payload.participant_id,
                str(e.payload.activity_type),
                str(e.payload.status),
                e.payload.organisation_id,
                e.payload.starts_on,
                e.payload.ends_on,
                e.occurred_at,
            )
            for e in events
        ],
    )


async def activity_hours_logged(conn: asyncpg.Connection, events: Events) -> None:
    """Hours on an activity, one row per logging event."""
    await conn.executemany(
        "INSERT INTO activity_hours (event_id, activity_id, participant_id, activity_type,"
        " hours, worked_on) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
        [
            (
                e.event_id,
                e.payload.activity_id,
                e.payload.participant_id,
                str(e.payload.activity_type),
                e.payload.hours,
                e.payload.worked_on,
            )
            for e in events
        ],
    )


async def placement_started(conn: asyncpg.Connection, events: Events) -> None:
    """A placement started (its end may already be known)."""
    await conn.executemany(
        "INSERT INTO placement_fact (placement_id, participant_id, organisation_id, opening_id,"
        " opening_kind, starts_on) VALUES ($1,$2,$3,$4,$5,$6)"
        " ON CONFLICT (placement_id) DO UPDATE SET opening_id = coalesce($4,"
        " placement_fact.opening_id), opening_kind = $5, starts_on = $6",
        [
            (
                p.placement_id,
                p.participant_id,
                p.organisation_id,
                p.opening_id,
                None if p.opening_kind is None else str(p.opening_kind),
                p.starts_on,
            )
            for p in (e.payload for e in events)
        ],
    )


async def placement_ended(conn: asyncpg.Connection, events: Events) -> None:
    """A placement ended with an outcome (its start may come later)."""
    await conn.executemany(
        "INSERT INTO placement_fact (placement_id, participant_id, organisation_id, opening_id,"
        " ended_on, outcome) VALUES ($1,$2,$3,$4,$5,$6)"
        " ON CONFLICT (placement_id) DO UPDATE SET ended_on = $5, outcome = $6,"
        " opening_id = coalesce(placement_fact.opening_id, $4)",
        [
            (
                p.placement_id,
                p.participant_id,
                p.organisation_id,
                p.opening_id,
                p.ended_on,
                str(p.outcome),
            )
            for p in (e.payload for e in events)
        ],
    )


async def placement_hours_logged(conn: asyncpg.Connection, events: Events) -> None:
    """Hours on a placement, one row per logging event."""
    await conn.executemany(
        "INSERT INTO placement_hours (event_id, placement_id, participant_id, organisation_id,"
        " hours, worked_on) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
        [
            (
                e.event_id,
                p.placement_id,
                p.participant_id,
                p.organisation_id,
                p.hours,
                p.worked_on,
            )
            for e, p in ((e, e.payload) for e in events)
        ],
    )


async def participant_exited(conn: asyncpg.Connection, events: Events) -> None:
    """The participant left; after a re-entry the last exit counts."""
    await conn.executemany(
        "INSERT INTO exit_fact (participant_id, case_plan_id, outcome, exited_on,"
        " follow_up_due_on) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (participant_id) DO UPDATE"
        " SET case_plan_id = $2, outcome = $3, exited_on = $4, follow_up_due_on = $5"
        " WHERE exit_fact.exited_on <= $4",
        [
            (p.participant_id, p.case_plan_id, str(p.outcome), p.exited_on, p.follow_up_due_on)
            for p in (e.payload for e in events)
        ],
    )


async def participant_followed_up(conn: asyncpg.Connection, events: Events) -> None:
    """The situation six months after leaving (the latest follow-up counts)."""
    await conn.executemany(
        "INSERT INTO follow_up_fact (participant_id, outcome, followed_up_on) VALUES ($1,$2,$3)"
        " ON CONFLICT (participant_id) DO UPDATE SET outcome = $2, followed_up_on = $3"
        " WHERE follow_up_fact.followed_up_on <= $3",
        [
            (e.payload.participant_id, str(e.payload.outcome), e.payload.followed_up_on)
            for e in events
        ],
    )
