"""Reads of the read model: plain rows that the domain turns into figures."""

from __future__ import annotations

import asyncpg

Rows = list[asyncpg.Record]


async def participants(conn: asyncpg.Connection) -> Rows:
    """Every participant with their case, exit, follow-up and organisations."""
    return await conn.fetch(  # type: ignore[no-any-return]
        """
        WITH orgs AS (
            SELECT participant_id, array_agg(DISTINCT organisation_id) AS organisations
            FROM activity_fact WHERE organisation_id IS NOT NULL GROUP BY participant_id
        )
        SELECT p.*, c.opened_on, c.waitlisted_on, c.support_worker_id, c.assigned_on,
               c.organisation_id AS case_organisation_id,
               x.outcome AS exit_outcome, x.exited_on,
               f.outcome AS follow_up_outcome, f.followed_up_on,
               o.organisations AS activity_organisations
        FROM participant_fact p
        LEFT JOIN case_fact c USING (participant_id)
        LEFT JOIN exit_fact x USING (participant_id)
        LEFT JOIN follow_up_fact f USING (participant_id)
        LEFT JOIN orgs o USING (participant_id)
        ORDER BY p.registered_on, p.participant_id
        """
    )


async def placements(conn: asyncpg.Connection) -> Rows:
    """Every placement with its logged hours."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "WITH hours AS (SELECT placement_id, sum(hours) AS hours FROM placement_hours"
        " GROUP BY placement_id)"
        " SELECT pl.*, coalesce(h.hours, 0)::float AS hours"
        " FROM placement_fact pl LEFT JOIN hours h USING (placement_id)"
        " ORDER BY pl.placement_id"
    )


async def activities(conn: asyncpg.Connection) -> Rows:
    """Every activity's newest state."""
    return await conn.fetch("SELECT * FROM activity_fact ORDER BY activity_id")  # type: ignore[no-any-return]


async def activity_hours(conn: asyncpg.Connection) -> Rows:
    """Every logging of hours on an activity."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT h.participant_id, h.activity_type, a.organisation_id, h.hours::float AS hours,"
        " h.worked_on FROM activity_hours h LEFT JOIN activity_fact a USING (activity_id)"
        " ORDER BY h.event_id"
    )


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


async def matches(conn: asyncpg.Connection) -> Rows:
    """Every match with its dates."""
    return await conn.fetch("SELECT * FROM match_fact ORDER BY match_id")  # type: ignore[no-any-return]


async def participant_count(conn: asyncpg.Connection) -> int:
    """How many participants the read model knows."""
    return int(await conn.fetchval("SELECT count(*) FROM participant_fact"))


async def outbox_backlog(conn: asyncpg.Connection) -> int:
    """Reporting's own outbox rows not yet published."""
    return int(await conn.fetchval("SELECT count(*) FROM outbox_pending"))


async def events_logged(conn: asyncpg.Connection) -> int:
    """Events in reporting's event log."""
    return int(await conn.fetchval("SELECT count(*) FROM event_log"))
