"""SQL of the candidate pool."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

Row = Any  # asyncpg.Record (or None where a single row may be missing)


async def insert_candidate(conn: asyncpg.Connection, *, at: datetime, **c: Any) -> None:
    """Add a registered participant to the pool; a redelivery changes nothing."""
    await conn.execute(
        "INSERT INTO candidate (participant_id, municipality, profile, registered_at, languages,"
        " skills, grid_cell, telework_ready, reach_km, updated_at)"
        " VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $4)"
        " ON CONFLICT (participant_id) DO NOTHING",
        c["participant_id"],
        c["municipality"],
        c["profile"],
        at,
        c["languages"],
        c["skills"],
        c["grid_cell"],
        c["telework_ready"],
        c["reach_km"],
    )


async def update_candidate(conn: asyncpg.Connection, *, at: datetime, **c: Any) -> bool:
    """Replace a participant's profile unless a newer one is stored; False when unknown."""
    status = await conn.execute(
        "UPDATE candidate SET municipality = $2, profile = $3::jsonb, languages = $5,"
        " skills = $6, grid_cell = $7, telework_ready = $8, reach_km = $9,"
        " updated_at = greatest(updated_at, $4)"
        " WHERE participant_id = $1 AND updated_at <= $4",
        c["participant_id"],
        c["municipality"],
        c["profile"],
        at,
        c["languages"],
        c["skills"],
        c["grid_cell"],
        c["telework_ready"],
        c["reach_km"],
    )
    if status.endswith(" 1"):
        return True
    return await candidate_exists(conn, c["participant_id"])


async def candidate_exists(conn: asyncpg.Connection, participant_id: UUID) -> bool:
    """Whether the participant is in the pool."""
    found = await conn.fetchval("SELECT 1 FROM candidate WHERE participant_id = $1", participant_id)
    return found is not None


async def mark_ready(
    conn: asyncpg.Connection, participant_id: UUID, *, kinds: list[str], contact: str | None
) -> bool:
    """Mark a participant ready for matching (keeping the first ready time); False if unknown."""
    status = await conn.execute(
        "UPDATE candidate SET ready_at = coalesce(ready_at, now()), opening_kinds = $2,"
        " support_worker_contact = coalesce($3, support_worker_contact), placed_at = NULL"
        " WHERE participant_id = $1",
        participant_id,
        kinds,
        contact,
    )
    return status.endswith(" 1")


async def mark_placed(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """The participant was accepted somewhere: no more proposals for now."""
    await conn.execute(
        "UPDATE candidate SET placed_at = now() WHERE participant_id = $1", participant_id
    )


async def mark_not_ready(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """The participant left the operation: no proposals until marked ready again."""
    await conn.execute(
        "UPDATE candidate SET ready_at = NULL WHERE participant_id = $1", participant_id
    )


async def delete_candidate(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """Remove a participant from the pool (consent withdrawn or erased)."""
    await conn.execute("DELETE FROM candidate WHERE participant_id = $1", participant_id)


async def fetch_candidate(conn: asyncpg.Connection | asyncpg.Pool, participant_id: UUID) -> Row:
    """One participant of the pool, or None."""
    return await conn.fetchrow("SELECT * FROM candidate WHERE participant_id = $1", participant_id)


async def ready_candidates_near(
    conn: asyncpg.Connection, *, opening_id: UUID, cells: list[str], remote: bool, max_live: int
) -> list[Row]:
    """Proposable participants in the given grid cells (or telework-ready for remote work)."""
    return await conn.fetch(
        "SELECT c.* FROM candidate c WHERE c.ready_at IS NOT NULL AND c.placed_at IS NULL"
        " AND (c.grid_cell = ANY($2::text[]) OR ($3 AND c.telework_ready))"
        " AND NOT EXISTS (SELECT 1 FROM match m WHERE m.participant_id = c.participant_id"
        "   AND m.opening_id = $1)"
        " AND (SELECT count(*) FROM match m WHERE m.participant_id = c.participant_id"
        "   AND m.status = 'proposed') < $4",
        opening_id,
        cells,
        remote,
        max_live,
    )


async def max_reach_km(conn: asyncpg.Connection) -> float:
    """The longest travel limit of anyone ready: how far an opening must look."""
    value = await conn.fetchval(
        "SELECT max(reach_km) FROM candidate WHERE ready_at IS NOT NULL AND placed_at IS NULL"
    )
    return float(value or 0.0)


async def insert_candidates(conn: asyncpg.Connection, rows: list[dict[str, Any]]) -> None:
    """Add registered participants to the pool in one statement; redeliveries change nothing.

    Each row is `pool_columns(...)` plus `at`; languages and skills travel as JSON arrays
    (unnest cannot take one array per row)."""
    if not rows:
        return
    await conn.execute(
        "INSERT INTO candidate (participant_id, municipality, profile, registered_at, languages,"
        " skills, grid_cell, telework_ready, reach_km, updated_at)"
        " SELECT u.id, u.municipality, u.profile::jsonb, u.at,"
        "  ARRAY(SELECT jsonb_array_elements_text(u.languages::jsonb)),"
        "  ARRAY(SELECT jsonb_array_elements_text(u.skills::jsonb)),"
        "  u.cell, u.telework, u.reach, u.at"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],"
        "  $6::text[], $7::text[], $8::bool[], $9::float8[])"
        "  AS u(id, municipality, profile, at, languages, skills, cell, telework, reach)"
        " ON CONFLICT (participant_id) DO NOTHING",
        [r["participant_id"] for r in rows],
        [r["municipality"] for r in rows],
        [r["profile"] for r in rows],
        [r["at"] for r in rows],
        [json.dumps(r["languages"]) for r in rows],
        [json.dumps(r["skills"]) for r in rows],
        [r["grid_cell"] for r in rows],
        [r["telework_ready"] for r in rows],
        [r["reach_km"] for r in rows],
    )


_PROPOSABLE = (
    " (SELECT count(*) FROM match m WHERE m.participant_id = c.participant_id"
    "   AND m.status = 'proposed') AS live,"
    " ARRAY(SELECT m.opening_id FROM match m"
    "   WHERE m.participant_id = c.participant_id) AS proposed_to"
)
"""A pool row's live proposal count and every opening it was ever proposed to."""


async def mark_ready_many(
    conn: asyncpg.Connection, ready: list[tuple[UUID, list[str], str | None, UUID | None]]
) -> list[Row]:
    """`mark_ready` for (participant, opening kinds, contact, case organisation) of distinct
    participants at once; returns the rows of those found in the pool, as `proposable_many`."""
    return await conn.fetch(
        "UPDATE candidate c SET ready_at = coalesce(c.ready_at, now()),"
        " opening_kinds = string_to_array(u.kinds, ','),"
        " support_worker_contact = coalesce(u.contact, c.support_worker_contact),"
        " case_organisation_id = coalesce(u.org, c.case_organisation_id),"
        " placed_at = NULL"
        " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) AS u(id, kinds, contact, org)"
        f" WHERE c.participant_id = u.id RETURNING c.*, {_PROPOSABLE}",
        [r[0] for r in ready],
        [",".join(r[1]) for r in ready],
        [r[2] for r in ready],
        [r[3] for r in ready],
    )


async def proposable_many(conn: asyncpg.Connection, participant_ids: list[UUID]) -> list[Row]:
    """Ready, unplaced participants among these, with their live proposal count and every
    opening they were ever proposed to (`live`, `proposed_to`)."""
    return await conn.fetch(
        f"SELECT c.*, {_PROPOSABLE} FROM candidate c WHERE c.participant_id = ANY($1::uuid[])"
        " AND c.ready_at IS NOT NULL AND c.placed_at IS NULL",
        participant_ids,
    )
