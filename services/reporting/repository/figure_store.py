"""Writes of the figure store: dirty participants, their contributions, the cube's sums."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.reporting.domain import layout
from services.reporting.domain.contributions import Contribution, Entry
from services.reporting.domain.sums import FLAGGED, CubeKey, OrgKey, Placed, Tally

NIL = UUID(int=0)
"""at_org of an entry that is at no organisation."""

FIGURE_TABLES = ("figure_entry", "participant_org", "waiting_interval", "activity_gap",
                 "opening_filled", "figure_cube", "figure_org_cube", "figure_dirty")  # fmt: skip
"""Everything the aggregator derives from the fact tables."""
ENTRY_COLUMNS = ("participant_id", "figure", "on_day", "k", "at_org", "municipality",
                 "riskmask", "n", "flags", "x1", "x2", "hours")  # fmt: skip
CUBE_KEY = ("figure", "municipality", "grain", "bucket", "riskmask", "k")
ORG_CUBE_KEY = ("organisation_id", "figure", "grain", "bucket", "k", "here")
CUBE_VALUES = ("n", "x1", "x2", "hours", *layout.FLAGS)


AGGREGATOR_LOCK = 0x52414747  # "RAGG": one writer of the figure store at a time


async def hold_aggregator_lock(conn: asyncpg.Connection) -> None:
    """Be the figure store's only writer until this transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", AGGREGATOR_LOCK)


async def mark_dirty(conn: asyncpg.Connection, ids: Iterable[UUID]) -> None:
    """Note participants whose facts changed (the aggregator recomputes them)."""
    unique = list(dict.fromkeys(ids))
    if unique:
        await conn.execute(
            "INSERT INTO figure_dirty (participant_id) SELECT unnest($1::uuid[])", unique
        )


async def take_dirty(conn: asyncpg.Connection, limit: int, up_to: int | None = None) -> list[UUID]:
    """Remove and return up to `limit` noted participants (committed notes only): those with
    a note up to sequence number `up_to` (any), with every note they have, so a participant
    whose events came in a burst is recomputed once."""
    rows = await conn.fetch(
        "DELETE FROM figure_dirty WHERE participant_id IN (SELECT participant_id"
        " FROM figure_dirty WHERE seq <= $2 ORDER BY seq LIMIT $1) RETURNING participant_id",
        limit,
        up_to if up_to is not None else 2**63 - 1,
    )
    return list(dict.fromkeys(r[0] for r in rows))


async def last_dirty(conn: asyncpg.Connection) -> int | None:
    """The newest note's sequence number (None: nothing noted)."""
    return await conn.fetchval("SELECT max(seq) FROM figure_dirty")  # type: ignore[no-any-return]


async def has_dirty(conn: asyncpg.Connection, up_to: int) -> bool:
    """Whether a note up to this sequence number is left."""
    return bool(
        await conn.fetchval("SELECT EXISTS (SELECT 1 FROM figure_dirty WHERE seq <= $1)", up_to)
    )


async def stored_entries(conn: asyncpg.Connection, ids: list[UUID]) -> list[Placed]:
    """The entries stored for these participants, with the organisations stored for them."""
    orgs: dict[UUID, set[UUID]] = {}
    for r in await conn.fetch(
        "SELECT participant_id, organisation_id FROM participant_org"
        " WHERE participant_id = ANY($1::uuid[])",
        ids,
    ):
        orgs.setdefault(r[0], set()).add(r[1])
    rows = await conn.fetch(
        "SELECT participant_id, figure, on_day, k, at_org, municipality, riskmask, n, flags, x1,"
        " x2, hours FROM figure_entry WHERE participant_id = ANY($1::uuid[])",
        ids,
    )
    return [_placed(r, frozenset(orgs.get(r["participant_id"], ()))) for r in rows]


def _placed(r: asyncpg.Record, orgs: frozenset[UUID]) -> Placed:
    at_org = None if r["at_org"] == NIL else r["at_org"]
    entry = Entry(r["figure"], r["on_day"], r["k"], at_org, r["n"], r["flags"], r["x1"],
                  r["x2"], r["hours"])  # fmt: skip
    return Placed(entry, r["municipality"], r["riskmask"], orgs)


async def delete_contributions(conn: asyncpg.Connection, ids: list[UUID]) -> None:
    """Forget what these participants contributed (before storing it anew)."""
    for table in ("figure_entry", "participant_org", "waiting_interval", "activity_gap"):
        await conn.execute(f"DELETE FROM {table} WHERE participant_id = ANY($1::uuid[])", ids)


async def insert_contributions(
    conn: asyncpg.Connection, contributions: dict[UUID, Contribution]
) -> None:
    """Store each participant's entries, organisations, waiting days and activity gaps."""
    entries, orgs, waiting, gaps = [], [], [], []
    for pid, c in contributions.items():
        entries += [_entry_row(pid, e, c) for e in c.entries]
        orgs += [(org, pid, c.municipality, c.riskmask) for org in c.organisations]
        waiting += [(pid, c.municipality, c.riskmask, c.waitlisted_on, _span(first, end))
                    for first, end in c.waiting]  # fmt: skip
        gaps += [(pid, t, done, c.municipality, c.riskmask, asyncpg.Range(a, b, lower_inc=False))
                 for t, done, a, b in c.gaps]  # fmt: skip
    await _copy(conn, "figure_entry", entries, ENTRY_COLUMNS)
    await _copy(conn, "participant_org", orgs,
                ("organisation_id", "participant_id", "municipality", "riskmask"))  # fmt: skip
    await _copy(conn, "waiting_interval", waiting,
                ("participant_id", "municipality", "riskmask", "waitlisted_on", "during"))  # fmt: skip
    await _copy(conn, "activity_gap", gaps,
                ("participant_id", "k", "completed", "municipality", "riskmask", "gap"))  # fmt: skip


def _entry_row(pid: UUID, e: Entry, c: Contribution) -> tuple[Any, ...]:
    return (pid, e.figure, e.on, e.k, e.at_org or NIL, c.municipality, c.riskmask, e.n,
            e.flags, e.x1, e.x2, e.hours)  # fmt: skip


def _span(first: date, end: date | None) -> asyncpg.Range:
    return asyncpg.Range(first, end)  # [first, end), unbounded when end is None


async def _copy(
    conn: asyncpg.Connection, table: str, rows: list[tuple[Any, ...]], columns: Sequence[str]
) -> None:
    if rows:
        await conn.copy_records_to_table(table, records=rows, columns=list(columns))


async def add_to_cube(conn: asyncpg.Connection, delta: dict[CubeKey, Tally]) -> None:
    """Add changes to the cube's sums, in key order (one statement)."""
    await _add(conn, "figure_cube", CUBE_KEY, _CUBE_TYPES, delta)


async def add_to_org_cube(conn: asyncpg.Connection, delta: dict[OrgKey, Tally]) -> None:
    """Add changes to the organisations' sums, in key order (one statement)."""
    await _add(conn, "figure_org_cube", ORG_CUBE_KEY, _ORG_TYPES, delta)


_CUBE_TYPES = ("text", "text", "text", "date", "int", "text")
_ORG_TYPES = ("uuid", "text", "text", "date", "text", "bool")
_VALUE_TYPES = ("bigint", "bigint", "bigint", "numeric", *("bigint",) * len(layout.FLAGS))


async def _add(
    conn: asyncpg.Connection, table: str, key: tuple[str, ...], types: tuple[str, ...],
    delta: dict[Any, Tally],
) -> None:  # fmt: skip
    if not delta:
        return
    keys = sorted(delta)
    figure = key.index("figure")
    columns: list[list[Any]] = [list(col) for col in zip(*keys, strict=True)]
    columns += [[delta[k].n for k in keys], [delta[k].x1 for k in keys],
                [delta[k].x2 for k in keys], [delta[k].hours for k in keys]]  # fmt: skip
    for name in layout.FLAGS:
        columns.append([delta[k].flags[name] if k[figure] in FLAGGED else None for k in keys])
    params = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(types + _VALUE_TYPES))
    update = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in CUBE_VALUES)
    await conn.execute(
        f"INSERT INTO {table} ({', '.join(key + CUBE_VALUES)}) SELECT * FROM unnest({params})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {update}",
        *columns,
    )


async def add_filled(conn: asyncpg.Connection, delta: Counter[UUID]) -> None:
    """Add changes to the number of placements going on per opening."""
    if delta:
        ids = sorted(delta)
        await conn.execute(
            "INSERT INTO opening_filled (opening_id, filled)"
            " SELECT * FROM unnest($1::uuid[], $2::bigint[]) ON CONFLICT (opening_id)"
            " DO UPDATE SET filled = opening_filled.filled + EXCLUDED.filled",
            ids,
            [delta[i] for i in ids],
        )


async def truncate_figures(conn: asyncpg.Connection) -> None:
    """Empty the figure store (before recomputing it from the fact tables)."""
    await conn.execute(f"TRUNCATE {', '.join(FIGURE_TABLES)}")


async def stored_fingerprint(conn: asyncpg.Connection) -> str | None:
    """What the stored contributions were computed with (None: never computed)."""
    return await conn.fetchval("SELECT value FROM figure_state WHERE name = 'fingerprint'")  # type: ignore[no-any-return]


async def store_fingerprint(conn: asyncpg.Connection, value: str) -> None:
    """Record what the contributions were computed with."""
    await conn.execute(
        "INSERT INTO figure_state (name, value) VALUES ('fingerprint', $1)"
        " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        value,
    )
