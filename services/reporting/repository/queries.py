"""Reads of the read model: plain rows that the domain turns into figures."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

Rows = list[asyncpg.Record]


def _only(column: str, ids: list[UUID] | None) -> str:
    """A WHERE condition limiting rows to some participants ($1), or none."""
    return "" if ids is None else f" WHERE {column} = ANY($1::uuid[])"


def _args(ids: list[UUID] | None) -> tuple[Any, ...]:
    return () if ids is None else (ids,)


async def participants(conn: asyncpg.Connection, ids: list[UUID] | None = None) -> Rows:
    """Every participant (or those of `ids`) with their case, exit, follow-up and organisations."""
    return await conn.fetch(  # type: ignore[no-any-return]
        f"""
        WITH orgs AS (
            SELECT participant_id, array_agg(DISTINCT organisation_id) AS organisations
            FROM activity_fact WHERE organisation_id IS NOT NULL
            {"" if ids is None else "AND participant_id = ANY($1::uuid[])"}
            GROUP BY participant_id
        )
        SELECT p.*, c.opened_on, c.waitlisted_on, c.support_worker_id, c.assigned_on,
               c.organisation_id AS case_organisation_id,
               x.outcome AS exit_outcome, x.exited_on, x.follow_up_due_on,
               f.outcome AS follow_up_outcome, f.followed_up_on,
               v.follow_up_withdrawn_at IS NOT NULL AS follow_up_withdrawn,
               o.organisations AS activity_organisations
        FROM participant_fact p
        LEFT JOIN case_fact c USING (participant_id)
        LEFT JOIN exit_fact x USING (participant_id)
        LEFT JOIN follow_up_fact f USING (participant_id)
        LEFT JOIN participant_privacy v USING (participant_id)
        LEFT JOIN orgs o USING (participant_id){_only("p.participant_id", ids)}
        ORDER BY p.registered_on, p.participant_id
        """,
        *_args(ids),
    )


async def placements(conn: asyncpg.Connection, ids: list[UUID] | None = None) -> Rows:
    """Every placement (or those of `ids`' participants) with its logged hours."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "WITH hours AS (SELECT placement_id, sum(hours) AS hours FROM placement_hours"
        f"{_only('participant_id', ids)} GROUP BY placement_id)"
        " SELECT pl.*, coalesce(h.hours, 0)::float AS hours"
        f" FROM placement_fact pl LEFT JOIN hours h USING (placement_id){_only('pl.participant_id', ids)}"
        " ORDER BY pl.placement_id",
        *_args(ids),
    )


async def activities(conn: asyncpg.Connection, ids: list[UUID] | None = None) -> Rows:
    """Every activity's newest state (or those of `ids`' participants)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        f"SELECT * FROM activity_fact{_only('participant_id', ids)} ORDER BY activity_id",
        *_args(ids),
    )


async def activity_hours(conn: asyncpg.Connection, ids: list[UUID] | None = None) -> Rows:
    """Every logging of hours on an activity (or those of `ids`' participants)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT h.participant_id, h.activity_type, a.organisation_id, h.hours::float AS hours,"
        " h.worked_on FROM activity_hours h LEFT JOIN activity_fact a USING (activity_id)"
        f"{_only('h.participant_id', ids)} ORDER BY h.event_id",
        *_args(ids),
    )


async def placement_hours(conn: asyncpg.Connection, ids: list[UUID] | None = None) -> Rows:
    """Every logging of work-practice hours on a placement (or those of `ids`' participants)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT participant_id, organisation_id, hours::float AS hours, worked_on"
        f" FROM placement_hours{_only('participant_id', ids)} ORDER BY event_id",
        *_args(ids),
    )


async def meetings(conn: asyncpg.Connection) -> Rows:
    """Every meeting of the read model."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT meeting_id, organisation_id, kind, participant_id, municipality, starts_on,"
        " held_on, cancelled_on, participant_status FROM meeting_fact"
    )


async def worker_limits(
    conn: asyncpg.Connection, workers: list[str] | None = None
) -> dict[str, int]:
    """Each support worker's own caseload limit (of `workers` only, if given), by id as text."""
    rows = await conn.fetch(
        "SELECT support_worker_id::text AS worker, caseload_limit FROM worker_limit"
        + ("" if workers is None else " WHERE support_worker_id = ANY($1::uuid[])"),
        *([] if workers is None else [workers]),
    )
    return {r["worker"]: r["caseload_limit"] for r in rows}


async def openings(conn: asyncpg.Connection) -> Rows:
    """Every opening with its closing date and how many placements fill it now."""
    return await conn.fetch(  # type: ignore[no-any-return]
        """
        WITH filled AS (
            SELECT opening_id, count(*) AS filled FROM placement_fact
            WHERE starts_on IS NOT NULL AND ended_on IS NULL GROUP BY opening_id
        )
        SELECT o.*, c.closed_on, coalesce(f.filled, 0) AS filled
        FROM opening_fact o LEFT JOIN opening_closed c USING (opening_id)
        LEFT JOIN filled f USING (opening_id)
        ORDER BY o.opening_id
        """
    )


async def matches(conn: asyncpg.Connection, ids: list[UUID] | None = None) -> Rows:
    """Every match with its dates (or those of `ids`' participants)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        f"SELECT * FROM match_fact{_only('participant_id', ids)} ORDER BY match_id", *_args(ids)
    )


async def participant_count(conn: asyncpg.Connection) -> int:
    """How many participants the read model knows."""
    return int(await conn.fetchval("SELECT count(*) FROM participant_fact"))


async def outbox_backlog(conn: asyncpg.Connection) -> int:
    """Reporting's own outbox rows not yet published."""
    return int(await conn.fetchval("SELECT count(*) FROM outbox_pending"))


async def events_logged(conn: asyncpg.Connection) -> int:
    """Events in reporting's event log."""
    return int(await conn.fetchval("SELECT count(*) FROM event_log"))


async def participant_file_ids(
    conn: asyncpg.Connection,
    *,
    start: Any = None,
    end: Any = None,
    municipality: str | None = None,
    risk_group: str | None = None,
    organisation_id: UUID | None = None,
) -> list[UUID]:
    """Participants taking part in the period (entered by its end, not left before its start),
    of the municipality, risk group and organisation asked (each optional)."""
    where, args = ["true"], []
    for condition, value in (
        ("p.registered_on <= ${}", end),
        ("(x.exited_on IS NULL OR x.exited_on >= ${})", start),
        ("p.municipality = ${}", municipality),
        ("${} = ANY(p.risk_groups)", risk_group),
        ("EXISTS (SELECT 1 FROM participant_org o WHERE o.participant_id = p.participant_id"
         " AND o.organisation_id = ${})", organisation_id),
    ):  # fmt: skip
        if value is not None:
            args.append(value)
            where.append(condition.format(len(args)))
    rows = await conn.fetch(
        "SELECT p.participant_id FROM participant_fact p LEFT JOIN exit_fact x"
        f" USING (participant_id) WHERE {' AND '.join(where)}",
        *args,
    )
    return [r[0] for r in rows]


async def declines_by_code(
    conn: asyncpg.Connection, start: date | None, end: date | None
) -> dict[str | None, int]:
    """Declined matches (declined between `start` and `end`, both included) by reason code."""
    rows = await conn.fetch(
        "SELECT decline_code, count(*)::int AS n FROM match_fact WHERE declined_on IS NOT NULL"
        " AND ($1::date IS NULL OR declined_on >= $1) AND ($2::date IS NULL OR declined_on <= $2)"
        " GROUP BY decline_code",
        start,
        end,
    )
    return {r["decline_code"]: r["n"] for r in rows}
