"""Storage reads behind the paged waiting list and follow-ups due: keyset over the indexes
of migration 0011, one index range per municipality, worker or organisation in scope.

`municipalities=None` reads everyone's list (an admin, an internal caller); otherwise only
the lines in these municipalities or held by `organisation_id`. Each read returns up to
`limit` lines after `place` (or before it, `backwards`, nearest first).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.cursors import DuePlace, WaitingPlace
from services.caseplan.domain.workers import WaitingEntry
from services.caseplan.repository.plans import _case_plan

Conn: TypeAlias = asyncpg.Connection

_FIRST_WAITING: WaitingPlace = (False, -1)
_FIRST_DUE: DuePlace = (date.min, UUID(int=0))
_NOT_TO_CONTACT = json.dumps([{"purpose": "follow_up"}])


def _way(backwards: bool) -> tuple[str, str]:
    return ("<", "DESC") if backwards else (">", "ASC")


def _entry(r: asyncpg.Record) -> WaitingEntry:
    return WaitingEntry(
        case_plan_id=r["case_plan_id"], participant_id=r["participant_id"],
        municipality=r["municipality"], seq=r["seq"], priority=r["priority"],
        organisation_id=r["organisation_id"], languages=tuple(r["languages"]),
    )  # fmt: skip


async def waiting_page(
    conn: Conn,
    *,
    municipalities: list[str] | None,
    organisation_id: UUID | None,
    place: WaitingPlace | None,
    backwards: bool,
    limit: int,
) -> list[WaitingEntry]:
    """Waiting entries in the order they are served (priority first, then by arrival)."""
    cmp, way = _way(backwards)
    late, seq = place or _FIRST_WAITING
    order = f"NOT priority {way}, seq {way}"
    if municipalities is None:
        rows = await conn.fetch(
            f"SELECT * FROM waiting_entry WHERE (NOT priority, seq) {cmp} ($1, $2)"
            f" ORDER BY {order} LIMIT $3",
            late,
            seq,
            limit,
        )
        return [_entry(r) for r in rows]
    rows = await conn.fetch(
        "SELECT * FROM (SELECT k.* FROM unnest($1::text[]) AS m(name)"
        " CROSS JOIN LATERAL (SELECT * FROM waiting_entry"
        f"  WHERE municipality = m.name AND (NOT priority, seq) {cmp} ($3, $4)"
        f"  ORDER BY {order} LIMIT $5) k"
        " UNION"
        " SELECT * FROM (SELECT * FROM waiting_entry"
        f"  WHERE organisation_id = $2 AND (NOT priority, seq) {cmp} ($3, $4)"
        f"  ORDER BY {order} LIMIT $5) o) e"
        f" ORDER BY {order} LIMIT $5",
        municipalities,
        organisation_id,
        late,
        seq,
        limit,
    )
    return [_entry(r) for r in rows]


async def waiting_positions(conn: Conn, first: WaitingPlace, last: WaitingPlace) -> dict[UUID, int]:
    """The 1-based place in the whole waiting list of each entry from `first` to `last`."""
    rows = await conn.fetch(
        "SELECT case_plan_id, (SELECT count(*) FROM waiting_entry"
        "  WHERE (NOT priority, seq) < ($1, $2))"
        " + row_number() OVER (ORDER BY NOT priority, seq) AS position FROM waiting_entry"
        " WHERE (NOT priority, seq) >= ($1, $2) AND (NOT priority, seq) <= ($3, $4)",
        *first,
        *last,
    )
    return {r["case_plan_id"]: int(r["position"]) for r in rows}


_DUE = (
    "follow_up_outcome IS NULL AND follow_up_due_on <= $1 AND NOT consent_withdrawals @> $2::jsonb"
)


async def due_page(
    conn: Conn,
    *,
    today: date,
    municipality: str | None = None,
    organisation_id: UUID | None = None,
    place: DuePlace | None,
    backwards: bool,
    limit: int,
) -> list[CasePlan]:
    """Closed cases whose follow-up is due by `today`, not yet recorded and may be contacted,
    by day due then case plan: everyone's, or of the municipality, or those the organisation
    holds (the plan's organisation or its worker's)."""
    cmp, way = _way(backwards)
    on, plan_id = place or _FIRST_DUE
    key = f"(follow_up_due_on, case_plan_id) {cmp} ($3, $4)"
    order = f"follow_up_due_on {way}, case_plan_id {way}"
    args = (today, _NOT_TO_CONTACT, on, plan_id, limit)
    if organisation_id is not None:
        rows = await conn.fetch(
            "WITH k AS ("
            " SELECT k.case_plan_id, k.on_ FROM support_worker w CROSS JOIN LATERAL"
            " (SELECT case_plan_id, follow_up_due_on AS on_ FROM case_plan"
            f"  WHERE support_worker_id = w.support_worker_id AND {_DUE} AND {key}"
            f"  ORDER BY {order} LIMIT $5) k WHERE w.organisation_id = $6"
            " UNION"
            " SELECT * FROM (SELECT case_plan_id, follow_up_due_on AS on_ FROM case_plan"
            f"  WHERE organisation_id = $6 AND {_DUE} AND {key} ORDER BY {order} LIMIT $5) o)"
            " SELECT c.* FROM k JOIN case_plan c USING (case_plan_id)"
            f" ORDER BY k.on_ {way}, k.case_plan_id {way} LIMIT $5",
            *args,
            organisation_id,
        )
    elif municipality is not None:
        rows = await conn.fetch(
            f"SELECT * FROM case_plan WHERE municipality = $6 AND {_DUE} AND {key}"
            f" ORDER BY {order} LIMIT $5",
            *args,
            municipality,
        )
    else:
        rows = await conn.fetch(
            f"SELECT * FROM case_plan WHERE {_DUE} AND {key} ORDER BY {order} LIMIT $5", *args
        )
    return [_case_plan(r) for r in rows]
