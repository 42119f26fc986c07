"""The figure store computed for everyone at once: after a rebuild, a migration or a change
of the rules' settings (set-based: contributions copied in, the cube summed in SQL)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.reporting.domain import layout
from services.reporting.domain.sums import ALL_PLACES, FLAGGED
from services.reporting.repository.figure_store import CUBE_KEY, CUBE_VALUES, ORG_CUBE_KEY

FACT_TABLES_WITH_PARTICIPANTS = ("participant_fact", "case_fact", "activity_fact",
                                 "activity_hours", "placement_fact", "exit_fact",
                                 "follow_up_fact", "match_fact")  # fmt: skip


async def collect_participant_ids(conn: asyncpg.Connection) -> int:
    """Every participant id the fact tables hold, into a temporary table; returns how many."""
    union = " UNION ".join(f"SELECT participant_id FROM {t}" for t in FACT_TABLES_WITH_PARTICIPANTS)
    await conn.execute("DROP TABLE IF EXISTS figure_ids")
    await conn.execute(f"CREATE TEMPORARY TABLE figure_ids ON COMMIT DROP AS {union}")
    await conn.execute("CREATE UNIQUE INDEX ON figure_ids (participant_id)")
    return int(await conn.fetchval("SELECT count(*) FROM figure_ids"))


async def next_participant_ids(
    conn: asyncpg.Connection, after: UUID | None, limit: int
) -> list[UUID]:
    """The next ids of the temporary table, in id order."""
    rows = await conn.fetch(
        "SELECT participant_id FROM figure_ids WHERE $1::uuid IS NULL OR participant_id > $1"
        " ORDER BY participant_id LIMIT $2",
        after,
        limit,
    )
    return [r[0] for r in rows]


def _flag_sums(alias: str = "figure_entry") -> str:
    flagged = ", ".join(f"'{f}'" for f in sorted(FLAGGED))
    return ", ".join(
        f"CASE WHEN {alias}.figure IN ({flagged}) THEN coalesce(sum({alias}.n) FILTER"
        f" (WHERE {alias}.flags & {bit} <> 0), 0) END"
        for bit in layout.BIT.values()
    )


_KEYS = ", ".join(CUBE_KEY)
_SUMS = ", ".join(f"sum({c})" for c in CUBE_VALUES)


async def build_cube(conn: asyncpg.Connection) -> None:
    """Sum the stored entries into the cube: days, then months, years and all places."""
    await conn.execute(
        f"INSERT INTO figure_cube ({_KEYS}, {', '.join(CUBE_VALUES)})"
        " SELECT figure, municipality, 'd', on_day, riskmask, k, sum(n), sum(x1), sum(x2),"
        f" sum(hours), {_flag_sums()} FROM figure_entry WHERE figure <> '{layout.FILLED}'"
        " GROUP BY figure, municipality, on_day, riskmask, k"
    )
    for grain, source, unit in (("m", "d", "month"), ("y", "m", "year")):
        await conn.execute(
            f"INSERT INTO figure_cube ({_KEYS}, {', '.join(CUBE_VALUES)})"
            f" SELECT figure, municipality, '{grain}', date_trunc('{unit}', bucket)::date,"
            f" riskmask, k, {_SUMS} FROM figure_cube WHERE grain = '{source}'"
            " GROUP BY 1, 2, 3, 4, 5, 6"
        )
    update = ", ".join(f"{c} = figure_cube.{c} + EXCLUDED.{c}" for c in CUBE_VALUES)
    await conn.execute(
        f"INSERT INTO figure_cube ({_KEYS}, {', '.join(CUBE_VALUES)})"
        f" SELECT figure, '{ALL_PLACES}', grain, bucket, riskmask, k, {_SUMS} FROM figure_cube"
        f" WHERE municipality <> '{ALL_PLACES}' GROUP BY figure, grain, bucket, riskmask, k"
        f" ON CONFLICT ({_KEYS}) DO UPDATE SET {update}"
    )


async def build_org_cube(conn: asyncpg.Connection) -> None:
    """Sum the entries of each organisation's participants: days, then months and years."""
    keys, values = ", ".join(ORG_CUBE_KEY), ", ".join(CUBE_VALUES)
    await conn.execute(
        f"INSERT INTO figure_org_cube ({keys}, {values})"
        " SELECT o.organisation_id, e.figure, 'd', e.on_day, e.k, e.at_org = o.organisation_id,"
        f" sum(e.n), sum(e.x1), sum(e.x2), sum(e.hours), {_flag_sums('e')}"
        " FROM figure_entry e JOIN participant_org o USING (participant_id)"
        f" WHERE e.figure <> '{layout.FILLED}' GROUP BY 1, 2, 4, 5, 6"
    )
    for grain, source, unit in (("m", "d", "month"), ("y", "m", "year")):
        await conn.execute(
            f"INSERT INTO figure_org_cube ({keys}, {values})"
            f" SELECT organisation_id, figure, '{grain}', date_trunc('{unit}', bucket)::date, k,"
            f" here, {_SUMS} FROM figure_org_cube WHERE grain = '{source}'"
            " GROUP BY 1, 2, 3, 4, 5, 6"
        )


async def build_filled(conn: asyncpg.Connection) -> None:
    """Placements going on now per opening, from the stored entries."""
    await conn.execute(
        "INSERT INTO opening_filled (opening_id, filled) SELECT k::uuid, sum(n)"
        f" FROM figure_entry WHERE figure = '{layout.FILLED}' GROUP BY k"
    )
