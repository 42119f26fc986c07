"""Reports read straight from small fact tables (no figure store): follow-ups and meetings."""

from __future__ import annotations

from datetime import date

import asyncpg

from services.reporting.domain.meetings import MonthCounts
from services.reporting.repository.figure_queries import Population, Where


def _participants(w: Where, who: Population, alias: str) -> str:
    """Joins and conditions keeping the participants `who` names (by `alias`.participant_id)."""
    join = f" JOIN participant_fact pf ON pf.participant_id = {alias}.participant_id"
    if who.organisation_id is not None:
        join += (f" JOIN participant_org po ON po.participant_id = {alias}.participant_id"
                 f" AND po.organisation_id = {w.param(who.organisation_id)}")  # fmt: skip
    if who.municipality is not None:
        w.add(f"pf.municipality = {w.param(who.municipality)}")
    if who.risk_group is not None:
        w.add(f"{w.param(who.risk_group)} = ANY(pf.risk_groups)")
    return join


def _period(w: Where, column: str, start: date | None, end: date | None) -> None:
    if start is not None:
        w.add(f"{column} >= {w.param(start)}")
    if end is not None:
        w.add(f"{column} <= {w.param(end)}")


async def follow_up_counts(
    conn: asyncpg.Connection, start: date | None, end: date | None, who: Population
) -> list[tuple[str | None, bool, int]]:
    """(outcome, follow-up consent withdrawn, participants) of the follow-ups due in the period."""
    w = Where()
    join = _participants(w, who, "e")
    _period(w, "e.follow_up_due_on", start, end)
    rows = await conn.fetch(
        "SELECT f.outcome, p.follow_up_withdrawn_at IS NOT NULL AS withdrawn, count(*)::int"
        f" FROM exit_fact e{join} LEFT JOIN follow_up_fact f ON f.participant_id = e.participant_id"
        " LEFT JOIN participant_privacy p ON p.participant_id = e.participant_id"
        f" WHERE {w.sql()} GROUP BY 1, 2",
        *w.args,
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def meeting_counts(
    conn: asyncpg.Connection, start: date | None, end: date | None, who: Population
) -> list[MonthCounts]:
    """Meetings starting in the period by month and kind: scheduled, held, cancelled, and the
    participants' attendance. A risk group keeps only meetings with such a participant."""
    w = Where()
    join = ""
    if who.risk_group is not None:
        join = (" JOIN participant_fact pf ON pf.participant_id = m.participant_id"
                f" AND {w.param(who.risk_group)} = ANY(pf.risk_groups)")  # fmt: skip
    if who.organisation_id is not None:
        w.add(f"m.organisation_id = {w.param(who.organisation_id)}")
    if who.municipality is not None:
        w.add(f"m.municipality = {w.param(who.municipality)}")
    _period(w, "m.starts_on", start, end)
    rows = await conn.fetch(
        "SELECT to_char(m.starts_on, 'YYYY-MM') AS month, m.kind, count(*)::int AS scheduled,"
        " count(m.held_on)::int AS held, count(m.cancelled_on)::int AS cancelled,"
        " count(*) FILTER (WHERE m.participant_status = 'present')::int AS present,"
        " count(*) FILTER (WHERE m.participant_status = 'excused')::int AS excused,"
        " count(*) FILTER (WHERE m.participant_status = 'no_show')::int AS no_show"
        f" FROM meeting_fact m{join} WHERE {w.sql()} GROUP BY 1, 2",
        *w.args,
    )
    return [MonthCounts(**dict(r)) for r in rows]
